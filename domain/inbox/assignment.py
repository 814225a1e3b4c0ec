"""Assigning a conversation to a staff member, with its history (seed 003's ticket assignments, for the inbox)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel

from domain.conversations.handling import set_assignee
from domain.conversations.service import lock_conversation
from domain.db import fetch_all
from domain.errors import NotFound
from domain.staff.service import get_staff_user


class Assignment(BaseModel):
    staff_user_id: UUID | None
    staff_name: str | None
    assigned_by: str
    created_at: datetime


async def assign_conversation(conn: AsyncConnection, *, tenant_id: UUID, conversation_id: UUID,
                              staff_user_id: UUID | None) -> bool:
    """Give the conversation to an active staff member (None: unassign); False when it already was theirs."""
    conversation = await lock_conversation(conn, conversation_id=conversation_id)
    if conversation.assigned_to == staff_user_id:
        return False
    if staff_user_id is not None:
        person = await get_staff_user(conn, user_id=staff_user_id)
        if person is None or not person.active:
            raise NotFound("Unknown staff member.", code="UNKNOWN_STAFF")
    await set_assignee(conn, conversation_id=conversation.id, staff_user_id=staff_user_id)
    await conn.execute("""insert into conversation_assignments (tenant_id, conversation_id, staff_user_id)
                          values (%s, %s, %s)""", (tenant_id, conversation_id, staff_user_id))
    return True


HISTORY_SQL = """
select a.staff_user_id, s.name as staff_name, a.assigned_by, a.created_at
  from conversation_assignments a
  left join staff_users s on s.tenant_id = a.tenant_id and s.id = a.staff_user_id
 where a.conversation_id = %(c)s"""


async def assignment_history(conn: AsyncConnection, *, conversation_id: UUID) -> list[Assignment]:
    """Who had the conversation, oldest first (the actor who assigned each time included)."""
    return await fetch_all(conn, Assignment, HISTORY_SQL + " order by a.created_at, a.id", {"c": conversation_id})
