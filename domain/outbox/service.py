"""The transactional outbox: events written in the same transaction as the change that causes them.

A delivery job (jobs/) posts them to the tenant's webhook endpoints after commit, at least once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID, uuid4

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from pydantic import BaseModel, Field


class OutboxEvent(BaseModel):
    id: UUID
    event_type: str
    entity_id: UUID | None
    payload: dict[str, Any]


class NewEvent(BaseModel):
    """An event about to be written; its id is chosen here so a caller can write it inside a larger statement."""
    id: UUID = Field(default_factory=uuid4)
    event_type: str
    entity_id: UUID | None
    payload: dict[str, Any]


def insert_events_sql(only_if: str = "true") -> str:
    """Writes the events of `%(events)s` (events_param) for tenant `%(tenant)s`, when `only_if` holds.

    A statement of its own (emit_events), or one part of a larger one: the booking writes its events in
    the statement that books, guarded by the appointment having been inserted.
    """
    return f"""
        insert into outbox_events (tenant_id, id, event_type, entity_id, payload)
        select %(tenant)s, e.id, e.event_type, e.entity_id, e.payload
          from jsonb_to_recordset(%(events)s) as e(id uuid, event_type text, entity_id uuid, payload jsonb)
         where {only_if}"""


def events_param(events: Sequence[NewEvent]) -> Jsonb:
    return Jsonb([event.model_dump() for event in events])


async def emit_events(conn: AsyncConnection, *, tenant_id: UUID, events: Sequence[NewEvent]) -> None:
    """Record several events in one statement."""
    if events:
        await conn.execute(insert_events_sql(), {"tenant": tenant_id, "events": events_param(events)})


async def emit_event(conn: AsyncConnection, *, tenant_id: UUID, event_type: str,
                     entity_id: UUID | None, payload: dict[str, Any]) -> UUID:
    """Record `event_type` (e.g. "appointment.booked") with a JSON payload; returns the event id."""
    event = NewEvent(event_type=event_type, entity_id=entity_id, payload=payload)
    await emit_events(conn, tenant_id=tenant_id, events=[event])
    return event.id
