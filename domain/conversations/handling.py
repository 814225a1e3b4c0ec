"""Who answers a conversation: the agent, nobody yet (waiting for staff), or a person.

The dialogue state (`conversations.state`) is the agent's; this column is the hand-off state, changed
only here, never by saving a turn, so a take-over during a running turn is not undone by that turn.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection

from domain.conversations.models import Handling
from domain.db import fetch_value
from domain.errors import NotFound


async def set_handling(conn: AsyncConnection, *, conversation_id: UUID, handling: Handling, now: datetime) -> None:
    """Move to `handling`; waiting starts when flagged and ends when handed back."""
    cur = await conn.execute("""
        update conversations
           set handling = %(handling)s, staff_flag_pending = null,
               needs_staff_since = case %(handling)s when 'needs_staff' then coalesce(needs_staff_since, %(now)s)
                                                     when 'agent' then null else needs_staff_since end
         where id = %(id)s""", {"handling": handling, "now": now, "id": conversation_id})
    if cur.rowcount == 0:
        raise NotFound("Conversation not found.", code="CONVERSATION_NOT_FOUND")


async def set_assignee(conn: AsyncConnection, *, conversation_id: UUID, staff_user_id: UUID | None) -> None:
    """Who has the conversation now (domain/inbox/assignment keeps the history)."""
    await conn.execute("update conversations set assigned_to = %s where id = %s", (staff_user_id, conversation_id))


async def touch(conn: AsyncConnection, *, conversation_id: UUID, now: datetime) -> None:
    """Something was said: the conversation moves to the top of the inbox."""
    await conn.execute("update conversations set last_message_at = %s where id = %s", (now, conversation_id))


async def set_staff_flag_pending(conn: AsyncConnection, *, conversation_id: UUID, reason: str) -> None:
    """Staff were alerted; the state follows when the agent has booked what the customer is still waiting for."""
    await conn.execute("update conversations set staff_flag_pending = %s where id = %s", (reason, conversation_id))


async def staff_flag_pending(conn: AsyncConnection, *, conversation_id: UUID) -> str | None:
    return await fetch_value(conn, "select staff_flag_pending from conversations where id = %s", (conversation_id,))
