"""Contacts: the customers of a tenant, identified by E.164 phone number."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection

from domain.contacts.models import Contact, ContactCreate, ContactUpdate
from domain.db import fetch_all, fetch_one
from domain.errors import Invalid, NotFound
from domain.outbox.service import emit_event
from domain.pagination import Cursor, Page, check_limit, page_of
from domain.phones import normalize_phone, try_normalize_phone

COLUMNS = "id, name, phone, email::text as email, notes, source, created_at, updated_at"


async def create_contact(conn: AsyncConnection, *, tenant_id: UUID, data: ContactCreate, region: str) -> Contact:
    """A new contact; the phone is normalized with the tenant's region (duplicate phone: Conflict)."""
    if not (data.name or data.phone or data.email):
        raise Invalid("A contact needs at least a name, a phone number or an email.", code="EMPTY_CONTACT")
    phone = normalize_phone(data.phone, region) if data.phone else None
    contact = await fetch_one(conn, Contact, f"""
        insert into contacts (tenant_id, name, phone, email, notes, source)
        values (%s, %s, %s, %s, %s, %s) returning {COLUMNS}""",
        (tenant_id, data.name, phone, data.email, data.notes, data.source))
    assert contact is not None
    await emit_event(conn, tenant_id=tenant_id, event_type="contact.created", entity_id=contact.id,
                     payload={"source": contact.source})
    return contact


async def get_contact(conn: AsyncConnection, *, contact_id: UUID) -> Contact:
    contact = await fetch_one(conn, Contact, f"select {COLUMNS} from contacts where id = %s and deleted_at is null", (contact_id,))
    if contact is None:
        raise NotFound("Contact not found.")
    return contact


async def get_by_phone(conn: AsyncConnection, *, phone: str) -> Contact | None:
    """The live contact with this E.164 phone number, if any."""
    return await fetch_one(conn, Contact, f"select {COLUMNS} from contacts where phone = %s and deleted_at is null", (phone,))


async def update_contact(conn: AsyncConnection, *, contact_id: UUID, data: ContactUpdate, region: str) -> Contact:
    """Changes only the fields that were sent; an explicit null clears a field."""
    fields = data.model_dump(exclude_unset=True)
    if "phone" in fields and fields["phone"] is not None:
        fields["phone"] = normalize_phone(fields["phone"], region)
    current = await get_contact(conn, contact_id=contact_id)
    merged = current.model_dump() | fields
    contact = await fetch_one(conn, Contact, f"""
        update contacts set name = %(name)s, phone = %(phone)s, email = %(email)s, notes = %(notes)s
         where id = %(id)s returning {COLUMNS}""", merged | {"id": contact_id})
    assert contact is not None
    return contact


async def delete_contact(conn: AsyncConnection, *, contact_id: UUID) -> None:
    """Soft delete: the row stays for history and vanishes from every read."""
    cur = await conn.execute("update contacts set deleted_at = now() where id = %s and deleted_at is null",
                             (contact_id,))
    if cur.rowcount == 0:
        raise NotFound("Contact not found.")


async def list_contacts(conn: AsyncConnection, *, limit: int = 50, cursor: str | None = None,
                        q: str | None = None, region: str = "US") -> Page[Contact]:
    """Contacts in creation order; `q` searches name (trigram), email and phone."""
    check_limit(limit)
    after = Cursor.decode(cursor)
    params: dict = {"limit": limit + 1, "after_c": after.created_at if after else None,
                    "after_i": after.id if after else None}
    where = ["deleted_at is null", "(%(after_c)s::timestamptz is null or (created_at, id) > (%(after_c)s, %(after_i)s))"]
    if q:
        params["q"] = q.strip()
        params["like"] = "%" + q.strip().replace("%", r"\%").replace("_", r"\_") + "%"
        params["phone"] = try_normalize_phone(q, region)
        where.append("(name %% %(q)s or name ilike %(like)s or email ilike %(like)s or phone = %(phone)s)")
    rows = await fetch_all(conn, Contact, f"""
        select {COLUMNS} from contacts where {' and '.join(where)}
         order by created_at, id limit %(limit)s""", params)
    return page_of(rows, limit)
