"""The customer's equipment (seed 003's attributes grown into records): make, model, serial, install
year, where it is, warranty. Proposed from close-out notes and confirmed by the technician, or kept by
staff and the API."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection, sql

from domain.contacts.service import get_contact
from domain.db import fetch_all, fetch_one
from domain.equipment.models import Equipment, EquipmentCreate, EquipmentUpdate
from domain.errors import Invalid, NotFound

COLUMNS = """id, contact_id, type, make, model, serial, install_year, location, warranty_end, notes,
    source_ticket_id, created_at, updated_at"""
FIELDS = ("type", "make", "model", "serial", "install_year", "location", "warranty_end", "notes")


async def list_equipment(conn: AsyncConnection, *, contact_id: UUID) -> list[Equipment]:
    """The live contact's equipment, oldest record first."""
    await get_contact(conn, contact_id=contact_id)
    return await fetch_all(conn, Equipment, f"""
        select {COLUMNS} from equipment where contact_id = %s order by created_at, id""", (contact_id,))


async def equipment_by_contact(conn: AsyncConnection, *, contact_ids: list[UUID]) -> dict[UUID, list[Equipment]]:
    """contact id -> equipment, for several contacts in one query (a technician's day)."""
    out: dict[UUID, list[Equipment]] = {}
    for item in await fetch_all(conn, Equipment, f"""
            select {COLUMNS} from equipment where contact_id = any(%s) order by created_at, id""", (contact_ids,)):
        out.setdefault(item.contact_id, []).append(item)
    return out


async def add_equipment(conn: AsyncConnection, *, tenant_id: UUID, contact_id: UUID, data: EquipmentCreate,
                        source_ticket_id: UUID | None = None) -> Equipment:
    """A new record on the contact; `source_ticket_id` is the close-out it was confirmed at."""
    await get_contact(conn, contact_id=contact_id)
    item = await fetch_one(conn, Equipment, f"""
        insert into equipment (tenant_id, contact_id, source_ticket_id, {', '.join(FIELDS)})
        values (%(t)s, %(c)s, %(src)s, {', '.join(f'%({f})s' for f in FIELDS)}) returning {COLUMNS}""",
        {"t": tenant_id, "c": contact_id, "src": source_ticket_id} | data.model_dump())
    assert item is not None
    return item


async def record_equipment(conn: AsyncConnection, *, tenant_id: UUID, contact_id: UUID, data: EquipmentCreate,
                           source_ticket_id: UUID | None = None) -> Equipment:
    """What a close-out confirmed: it completes the record of the same appliance (same type, and no other
    make, model or serial on record), so a furnace kept without a make becomes the Lennox; else a new record."""
    for item in await list_equipment(conn, contact_id=contact_id):
        if _same_appliance(item, data):
            found = {k: v for k, v in data.model_dump().items() if v is not None and k != "type"}
            if source_ticket_id is not None:   # the close-out that last confirmed it
                await conn.execute("update equipment set source_ticket_id = %s where id = %s",
                                   (source_ticket_id, item.id))
            return await update_equipment(conn, contact_id=contact_id, equipment_id=item.id,
                                          data=EquipmentUpdate(**found))
    return await add_equipment(conn, tenant_id=tenant_id, contact_id=contact_id, data=data,
                               source_ticket_id=source_ticket_id)


def _same_appliance(item: Equipment, data: EquipmentCreate) -> bool:
    def agree(kept: str | None, seen: str | None) -> bool:
        return kept is None or seen is None or kept.casefold() == seen.casefold()
    return (item.type.casefold() == data.type.casefold() and agree(item.make, data.make)
            and agree(item.model, data.model) and agree(item.serial, data.serial))


async def get_equipment(conn: AsyncConnection, *, contact_id: UUID, equipment_id: UUID) -> Equipment:
    item = await fetch_one(conn, Equipment, f"select {COLUMNS} from equipment where id = %s and contact_id = %s",
                           (equipment_id, contact_id))
    if item is None:
        raise NotFound("Equipment not found.")
    return item


async def update_equipment(conn: AsyncConnection, *, contact_id: UUID, equipment_id: UUID,
                           data: EquipmentUpdate) -> Equipment:
    """Changes the fields sent; the type cannot be cleared."""
    changes = data.model_dump(exclude_unset=True)
    if "type" in changes and not changes["type"]:
        raise Invalid("Equipment needs a type.", code="VALIDATION_ERROR")
    if not changes:
        return await get_equipment(conn, contact_id=contact_id, equipment_id=equipment_id)
    assignments = sql.SQL(", ").join(sql.SQL("{} = {}").format(sql.Identifier(k), sql.Placeholder(k)) for k in changes)
    item = await fetch_one(conn, Equipment, sql.SQL("""
        update equipment set {} where id = %(id)s and contact_id = %(contact)s returning {}""").format(
        assignments, sql.SQL(COLUMNS)), changes | {"id": equipment_id, "contact": contact_id})
    if item is None:
        raise NotFound("Equipment not found.")
    return item


async def delete_equipment(conn: AsyncConnection, *, contact_id: UUID, equipment_id: UUID) -> None:
    """Removes the record (the audit trail keeps what it was)."""
    cur = await conn.execute("delete from equipment where id = %s and contact_id = %s", (equipment_id, contact_id))
    if cur.rowcount == 0:
        raise NotFound("Equipment not found.")
