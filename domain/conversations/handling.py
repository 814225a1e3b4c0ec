"""Who answers a conversation: the agent, nobody yet (waiting for staff), or a person.

The dialogue state (`conversations.state`) is the agent's; this column is the hand-off state, changed
only here, never by saving a turn, so a take-over during a running turn is not undone by that turn.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection

from domain.conversations.models import Handling
from domain.errors import NotFound


async def set_handling(conn: AsyncConnection, *, conversation_id: UUID, handling: Handling, now: datetime,
                       assign_to: UUID | None = None) -> None:
    """Move to `handling`; waiting starts when flagged and ends when handed back; `assign_to` fills an empty assignee."""
    cur = await conn.execute("""
        update conversations
           set handling = %(handling)s,
               needs_staff_since = case %(handling)s when 'needs_staff' then coalesce(needs_staff_since, %(now)s)
                                                     when 'agent' then null else needs_staff_since end,
               assigned_to = coalesce(assigned_to, %(assign)s)
         where id = %(id)s""", {"handling": handling, "now": now, "assign": assign_to, "id": conversation_id})
    if cur.rowcount == 0:
        raise NotFound("Conversation not found.", code="CONVERSATION_NOT_FOUND")


async def touch(conn: AsyncConnection, *, conversation_id: UUID, now: datetime) -> None:
    """Something was said: the conversation moves to the top of the inbox."""
    await conn.execute("update conversations set last_message_at = %s where id = %s", (now, conversation_id))
