"""Knowledge gaps: questions customers asked that no published article answered, for the owner to fill."""

from __future__ import annotations

import re
from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_one
from domain.errors import NotFound
from domain.kb.models import KbGap

COLUMNS = "id, question, channel, conversation_id, times_asked, first_asked_at, last_asked_at, resolved_at, article_id"
MAX_QUESTION = 500

# A customer's question may carry a phone number or an email; the owner needs the question, not those.
EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
DIGITS = re.compile(r"\+?\d[\d\s().-]{5,}\d")


def scrub(question: str) -> str:
    """The question without email addresses or phone-like digit runs, on one line."""
    text = DIGITS.sub("[number]", EMAIL.sub("[email]", question))
    return " ".join(text.split())[:MAX_QUESTION]


def normalized(question: str) -> str:
    """The form two askings of one question share: lower case words only."""
    return " ".join(re.findall(r"\w+", question.lower()))[:MAX_QUESTION]


async def record_gap(conn: AsyncConnection, *, tenant_id: UUID, question: str, channel: str | None,
                     conversation_id: UUID | None, now: datetime) -> KbGap | None:
    """Counts an unanswered question (the same open one counts up); None when nothing is left to record."""
    text = scrub(question)
    key = normalized(text)
    if not key:
        return None
    return await fetch_one(conn, KbGap, f"""
        insert into kb_gaps (tenant_id, question, normalized, channel, conversation_id, first_asked_at, last_asked_at)
        values (%(t)s, %(q)s, %(key)s, %(channel)s, %(conversation)s, %(now)s, %(now)s)
        on conflict (tenant_id, normalized) where resolved_at is null
        do update set times_asked = kb_gaps.times_asked + 1, last_asked_at = excluded.last_asked_at,
                      conversation_id = coalesce(excluded.conversation_id, kb_gaps.conversation_id)
        returning {COLUMNS}""",
        {"t": tenant_id, "q": text, "key": key, "channel": channel, "conversation": conversation_id, "now": now})


async def list_gaps(conn: AsyncConnection, *, include_resolved: bool = False, limit: int = 100) -> list[KbGap]:
    """Open gaps, most asked first (resolved ones too when asked)."""
    return await fetch_all(conn, KbGap, f"""
        select {COLUMNS} from kb_gaps where %(all)s or resolved_at is null
         order by resolved_at is not null, times_asked desc, last_asked_at desc, id limit %(limit)s""",
        {"all": include_resolved, "limit": limit})


async def resolve_gap(conn: AsyncConnection, *, gap_id: UUID, article_id: UUID | None, now: datetime) -> KbGap:
    """The owner answered it (with an article, or decided it needs none)."""
    gap = await fetch_one(conn, KbGap, f"""
        update kb_gaps set resolved_at = %s, article_id = %s where id = %s and resolved_at is null
        returning {COLUMNS}""", (now, article_id, gap_id))
    if gap is None:
        raise NotFound("Open knowledge gap not found.")
    return gap


async def count_gaps(conn: AsyncConnection, *, start: datetime, end: datetime) -> tuple[int, int]:
    """(distinct questions, times asked) of gaps last asked in [start, end)."""
    row = await (await conn.execute("""
        select count(*), coalesce(sum(times_asked), 0) from kb_gaps
         where last_asked_at >= %s and last_asked_at < %s""", (start, end))).fetchone()
    return int(row[0]), int(row[1])
