"""Feedback on articles: was it helpful, and why not."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_one
from domain.kb.articles import get_article
from domain.kb.models import FeedbackSource, KbFeedback, KbFeedbackCreate, KbFeedbackSummary
from domain.outbox.service import emit_event

COLUMNS = "id, article_id, helpful, comment, source, created_at"


async def add_feedback(conn: AsyncConnection, *, tenant_id: UUID, article_id: UUID, data: KbFeedbackCreate,
                       source: FeedbackSource) -> KbFeedback:
    """Records one reader's verdict on a live article."""
    await get_article(conn, article_id=article_id)
    feedback = await fetch_one(conn, KbFeedback, f"""
        insert into kb_article_feedback (tenant_id, article_id, helpful, comment, source)
        values (%s, %s, %s, %s, %s) returning {COLUMNS}""",
        (tenant_id, article_id, data.helpful, (data.comment or "").strip() or None, source))
    assert feedback is not None
    await emit_event(conn, tenant_id=tenant_id, event_type="kb_article_feedback.created", entity_id=feedback.id,
                     payload={"article_id": article_id, "helpful": feedback.helpful})
    return feedback


async def list_feedback(conn: AsyncConnection, *, article_id: UUID) -> list[KbFeedback]:
    """The article's feedback, newest first."""
    await get_article(conn, article_id=article_id)
    return await fetch_all(conn, KbFeedback, f"""
        select {COLUMNS} from kb_article_feedback where article_id = %s order by created_at desc, id""",
        (article_id,))


async def feedback_summary(conn: AsyncConnection, *, article_id: UUID) -> KbFeedbackSummary:
    summary = await fetch_one(conn, KbFeedbackSummary, """
        select count(*) filter (where helpful) as helpful, count(*) filter (where not helpful) as not_helpful
          from kb_article_feedback where article_id = %s""", (article_id,))
    assert summary is not None
    return summary
