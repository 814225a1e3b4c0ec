"""Reading the audit trail (the trail itself is written by database triggers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel

from domain.db import fetch_all
from domain.errors import Invalid

# What callers may ask for: the audited business tables, singular names accepted.
ENTITY_TYPES = {
    "contact": "contacts", "address": "addresses", "attribute": "attributes", "ticket": "tickets",
    "note": "notes", "service": "services", "line_item": "line_items", "invoice": "invoices",
    "invoice_line": "invoice_lines", "technician": "technicians", "appointment": "appointments",
    "staff_user": "staff_users", "service_category": "service_categories", "urgency_level": "urgency_levels",
    "scheduled_message": "scheduled_messages", "conversation": "conversations", "api_key": "api_keys",
    "working_hour": "working_hours", "time_off": "time_off", "tenant": "tenants",
}

# the names the API takes, singular or as the table is called ("ticket" or "tickets")
EntityType = Literal[tuple(sorted({*ENTITY_TYPES, *ENTITY_TYPES.values()}))]  # type: ignore[valid-type]


class AuditEntry(BaseModel):
    id: int
    entity_type: str
    entity_id: UUID
    action: str
    actor: str
    old_row: dict[str, Any] | None
    new_row: dict[str, Any] | None
    created_at: datetime


def table_for(entity_type: str) -> str:
    """The audited table behind a name like "ticket" or "tickets"; Invalid for anything else."""
    name = entity_type.strip().lower()
    if name in ENTITY_TYPES.values():
        return name
    if name in ENTITY_TYPES:
        return ENTITY_TYPES[name]
    raise Invalid("Unknown entity type.", code="UNKNOWN_ENTITY_TYPE")


async def history(conn: AsyncConnection, *, entity_type: str, entity_id: UUID, limit: int = 500) -> list[AuditEntry]:
    """The entity's audit rows, oldest first (row-level security keeps it to the caller's tenant)."""
    return await fetch_all(conn, AuditEntry, """
        select id, entity_type, entity_id, action, actor, old_row, new_row, created_at from audit_log
         where entity_type = %s and entity_id = %s order by id limit %s""",
        (table_for(entity_type), entity_id, limit))
