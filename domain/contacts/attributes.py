"""Structured facts about a contact ("gate_code": "4411"), one value per key."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from domain.contacts.models import Attribute, AttributeSet
from domain.contacts.service import get_contact
from domain.db import fetch_all, fetch_one
from domain.errors import NotFound

COLUMNS = "id, contact_id, key, value, source_note_id, created_at, updated_at"


async def list_attributes(conn: AsyncConnection, *, contact_id: UUID) -> list[Attribute]:
    """The live contact's attributes by key."""
    await get_contact(conn, contact_id=contact_id)
    return await fetch_all(conn, Attribute, f"select {COLUMNS} from attributes where contact_id = %s order by key",
                           (contact_id,))


async def set_attribute(conn: AsyncConnection, *, tenant_id: UUID, contact_id: UUID, data: AttributeSet) -> Attribute:
    """Create the attribute or replace its value (upsert by key)."""
    await get_contact(conn, contact_id=contact_id)
    attribute = await fetch_one(conn, Attribute, f"""
        insert into attributes (tenant_id, contact_id, key, value, source_note_id)
        values (%s, %s, %s, %s, %s)
        on conflict (tenant_id, contact_id, key)
        do update set value = excluded.value, source_note_id = excluded.source_note_id
        returning {COLUMNS}""", (tenant_id, contact_id, data.key, Jsonb(data.value), data.source_note_id))
    assert attribute is not None
    return attribute


async def delete_attribute(conn: AsyncConnection, *, contact_id: UUID, key: str) -> None:
    await get_contact(conn, contact_id=contact_id)
    cur = await conn.execute("delete from attributes where contact_id = %s and key = %s", (contact_id, key))
    if cur.rowcount == 0:
        raise NotFound("Attribute not found.")
