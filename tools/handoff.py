"""Calling staff in from a tool: the conversation waits for a person and the on-duty staff are alerted.

The hand-off tool does it when asked; booking does it for an emergency and when no technician can be found.
"""

from __future__ import annotations

from psycopg import AsyncConnection

from domain.inbox.service import flag_for_staff
from tools.deps import AgentDeps


async def call_staff(deps: AgentDeps, conn: AsyncConnection, reason: str) -> None:
    """From the end of this turn the agent stays silent (see agent/runner) until staff hand the conversation back."""
    await flag_for_staff(conn, tenant=deps.tenant, conversation_id=deps.conversation.id, reason=reason[:200],
                         now=deps.now())
    deps.conversation.handling = "needs_staff"
