"""A contact's service addresses. Addresses are hard-deleted (tickets keep their address text)."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection

from domain.contacts.models import Address, AddressCreate
from domain.contacts.service import get_contact
from domain.db import fetch_all, fetch_one
from domain.errors import NotFound

COLUMNS = "id, contact_id, label, line1, city, region, postal_code, notes, is_primary, created_at"


async def list_addresses(conn: AsyncConnection, *, contact_id: UUID) -> list[Address]:
    """The live contact's addresses, primary first (NotFound when the contact is not there)."""
    await get_contact(conn, contact_id=contact_id)
    return await fetch_all(conn, Address, f"""
        select {COLUMNS} from addresses where contact_id = %s
         order by is_primary desc, created_at, id""", (contact_id,))


async def add_address(conn: AsyncConnection, *, tenant_id: UUID, contact_id: UUID, data: AddressCreate) -> Address:
    """A new address; a primary one (or the contact's first) demotes the others."""
    await get_contact(conn, contact_id=contact_id)
    has_any = await fetch_one(conn, Address, f"select {COLUMNS} from addresses where contact_id = %s limit 1",
                              (contact_id,))
    primary = data.is_primary or has_any is None
    if primary:
        await conn.execute("update addresses set is_primary = false where contact_id = %s and is_primary",
                           (contact_id,))
    address = await fetch_one(conn, Address, f"""
        insert into addresses (tenant_id, contact_id, label, line1, city, region, postal_code, notes, is_primary)
        values (%s, %s, %s, %s, %s, %s, %s, %s, %s) returning {COLUMNS}""",
        (tenant_id, contact_id, data.label, data.line1, data.city, data.region, data.postal_code, data.notes,
         primary))
    assert address is not None
    return address


async def delete_address(conn: AsyncConnection, *, contact_id: UUID, address_id: UUID) -> None:
    """Removes the address for good; tickets that pointed at it keep their address text."""
    await get_contact(conn, contact_id=contact_id)
    cur = await conn.execute("delete from addresses where id = %s and contact_id = %s", (address_id, contact_id))
    if cur.rowcount == 0:
        raise NotFound("Address not found.")
