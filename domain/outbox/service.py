"""The transactional outbox: events written in the same transaction as the change that causes them.

A delivery job (jobs/) posts them to the tenant's webhook endpoints after commit, at least once.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from pydantic import BaseModel


class OutboxEvent(BaseModel):
    id: UUID
    event_type: str
    entity_id: UUID | None
    payload: dict[str, Any]


async def emit_event(conn: AsyncConnection, *, tenant_id: UUID, event_type: str,
                     entity_id: UUID | None, payload: dict[str, Any]) -> UUID:
    """Record `event_type` (e.g. "appointment.booked") with a JSON payload; returns the event id."""
    cur = await conn.execute("""
        insert into outbox_events (tenant_id, event_type, entity_id, payload) values (%s, %s, %s, %s)
        returning id""", (tenant_id, event_type, entity_id, Jsonb(payload)))
    row = await cur.fetchone()
    assert row is not None
    return row[0]
