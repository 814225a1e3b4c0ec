"""A customer texting a question gets the published article's words, within two SMS segments."""

from __future__ import annotations

from domain.db import fetch_dicts, tenant_tx
from domain.kb.articles import create_article
from domain.kb.models import KbArticleCreate
from tests.sms.test_webhook import http, inbound, reply_of, sms_app, text  # noqa: F401 (fixtures)


async def test_question_by_text_is_answered_from_the_article(db, http, sms_app):  # noqa: F811
    _, demo = sms_app
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        await create_article(conn, tenant_id=demo.tenant.id, data=KbArticleCreate(
            title="Heat pump service", status="published",
            body="We install, repair and maintain heat pumps of every major brand. A yearly check takes an hour."))
    reply = reply_of(await text(http, inbound("Do you service heat pumps?", sender="+14165550188")))
    assert "Heat pump service" in reply and "We install, repair and maintain heat pumps" in reply
    assert len(reply) <= 306
    reply = reply_of(await text(http, inbound("Do you clean chimneys?", sender="+14165550188")))
    assert "don't have an answer" in reply
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        gaps = await fetch_dicts(conn, "select question, channel from kb_gaps")
    assert gaps == [{"question": "Do you clean chimneys?", "channel": "sms"}]
