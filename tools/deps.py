"""What every tool runs with: the server-side conversation, never anything the model typed."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection

from domain.clock import Clock
from domain.conversations.models import Conversation
from domain.db import Database, tenant_tx
from domain.tenants.models import Tenant


@dataclass
class AgentDeps:
    """The tenant, the conversation (channel, phone, verified) and the clock of one turn."""

    db: Database
    tenant: Tenant
    conversation: Conversation
    clock: Clock
    secret: bytes                       # keys the verification-code hashes
    tool_calls: list[str] = field(default_factory=list)

    @property
    def state(self) -> dict[str, Any]:
        return self.conversation.state

    @property
    def verified(self) -> bool:
        """Whether the conversation's phone is proven (SMS sender, trusted API caller, or a code)."""
        return self.conversation.phone is not None and self.conversation.phone_verified

    def now(self) -> datetime:
        return self.clock.now()

    def tx(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """One transaction in the conversation's tenant: each tool call is one business step."""
        return tenant_tx(self.db.app_pool, self.tenant.id, f"agent:{self.conversation.id}")


def conversation_ticket_ids(deps: AgentDeps) -> list[UUID]:
    """The service requests recorded in this conversation, oldest first."""
    return [UUID(t["id"]) for t in deps.state.get("tickets", [])]
