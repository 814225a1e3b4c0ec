"""Calling staff in from a tool: the conversation waits for a person and the on-duty staff are alerted.

The hand-off tool does it when asked; booking does it for an emergency and when no technician can be found.
"""

from __future__ import annotations

from psycopg import AsyncConnection

from domain.conversations.service import get_conversation
from domain.inbox.service import flag_for_staff
from tools.deps import AgentDeps


async def call_staff(deps: AgentDeps, conn: AsyncConnection, reason: str, *, after_open_requests: bool = False) -> None:
    """The agent stays silent from here (see agent/runner) until staff hand the conversation back; with
    `after_open_requests`, only once the customer's other requests of this conversation are booked."""
    await flag_for_staff(conn, tenant=deps.tenant, conversation_id=deps.conversation.id, reason=reason[:200],
                         now=deps.now(), after_open_requests=after_open_requests)
    deps.conversation.handling = (await get_conversation(conn, conversation_id=deps.conversation.id)).handling
