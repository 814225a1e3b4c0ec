"""Tickets: service requests captured task-first (a phone and a need), then linked, scheduled, worked, closed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import AsyncConnection, sql

from domain.categories.service import require_category, require_urgency
from domain.contacts.addresses import address_or_primary
from domain.contacts.service import get_by_phone, get_contact
from domain.db import fetch_all, fetch_one
from domain.errors import Conflict, NotFound
from domain.outbox.service import emit_event
from domain.tickets.errors import step_required
from domain.pagination import Cursor, Page, check_limit, page_of
from domain.phones import normalize_phone, try_normalize_phone
from domain.tickets.models import Ticket, TicketCreate, TicketFilter

COLUMNS = """id, code, contact_id, customer_phone, customer_name, category as service_category,
    urgency as urgency_level, status, source_channel, kind, title, description, service_address, address_id,
    preferred_time, preferred_start, estimated_duration_minutes, technician_id, waitlisted, conversation_id,
    clock_in_at, clock_out_at, actual_duration_minutes, closeout_notes, closed_at, cancellation_reason, created_at,
    updated_at"""

CODE_PATTERN = r"^TASK-\d{5,}$"


async def _contact_for(conn: AsyncConnection, contact_id: UUID | None, phone: str):
    """The contact a new ticket belongs to: the one named, else the live contact with that phone."""
    if contact_id is None:
        return await get_by_phone(conn, phone=phone)
    try:
        return await get_contact(conn, contact_id=contact_id)
    except NotFound:
        raise NotFound("Unknown contact.", code="UNKNOWN_CONTACT") from None


async def create_ticket(conn: AsyncConnection, *, tenant_id: UUID, data: TicketCreate, region: str) -> Ticket:
    """Record a request before any customer record is needed; links the contact that has the phone."""
    phone = normalize_phone(data.customer_phone, region)
    category = await require_category(conn, text=data.service_category)
    urgency = await require_urgency(conn, key=data.urgency_level)
    contact = await _contact_for(conn, data.contact_id, phone)
    ticket = await fetch_one(conn, Ticket, f"""
        insert into tickets (tenant_id, contact_id, customer_phone, customer_name, category, urgency,
                             source_channel, kind, title, description, service_address, address_id,
                             preferred_time, preferred_start, estimated_duration_minutes, conversation_id)
        values (%(t)s, %(contact)s, %(phone)s, %(name)s, %(category)s, %(urgency)s, %(channel)s, %(kind)s,
                %(title)s, %(description)s, %(address)s, %(address_id)s, %(pref)s, %(pref_start)s,
                %(duration)s, %(conversation)s)
        returning {COLUMNS}""",
        {"t": tenant_id, "contact": contact.id if contact else None, "phone": phone,
         "name": data.customer_name or (contact.name if contact else None), "category": category.key,
         "urgency": urgency.key, "channel": data.source_channel, "kind": data.kind, "title": data.title,
         "description": data.description, "address": data.service_address, "address_id": data.address_id,
         "pref": data.preferred_time, "pref_start": data.preferred_start,
         "duration": data.estimated_duration_minutes, "conversation": data.conversation_id})
    assert ticket is not None
    await emit_event(conn, tenant_id=tenant_id, event_type="ticket.created", entity_id=ticket.id, payload={
        "code": ticket.code, "status": ticket.status, "service_category": ticket.service_category,
        "urgency_level": ticket.urgency_level, "contact_id": ticket.contact_id,
        "source_channel": ticket.source_channel})
    return ticket


def ticket_sql(*, lock: bool = False) -> str:
    """The one read of a live ticket by id (`%(id)s`); `lock` holds its row until the transaction ends."""
    return f"select {COLUMNS} from tickets where id = %(id)s and deleted_at is null" + (" for update" if lock else "")


async def get_ticket(conn: AsyncConnection, *, ticket_id: UUID, lock: bool = False) -> Ticket:
    ticket = await fetch_one(conn, Ticket, ticket_sql(lock=lock), {"id": ticket_id})
    if ticket is None:
        raise NotFound("Ticket not found.")
    return ticket


async def get_tickets(conn: AsyncConnection, *, ticket_ids: list[UUID]) -> list[Ticket]:
    """The live tickets among `ticket_ids`, in one query (missing or deleted ones are left out)."""
    return await fetch_all(conn, Ticket, f"select {COLUMNS} from tickets where id = any(%s) and deleted_at is null",
                           (ticket_ids,))


async def contact_history(conn: AsyncConnection, *, contact_id: UUID, limit: int = 100) -> list[Ticket]:
    """The contact's live tickets, newest first (a customer's job history)."""
    return await fetch_all(conn, Ticket, f"""
        select {COLUMNS} from tickets where contact_id = %s and deleted_at is null
         order by created_at desc, id desc limit %s""", (contact_id, check_limit(limit)))


async def service_address(conn: AsyncConnection, *, ticket: Ticket) -> str | None:
    """Where the job is: the ticket's own address text, else its saved address, else the customer's primary one."""
    if ticket.service_address or ticket.contact_id is None:
        return ticket.service_address
    address = await address_or_primary(conn, contact_id=ticket.contact_id, address_id=ticket.address_id)
    return address.one_line() if address else None


async def get_ticket_by_code(conn: AsyncConnection, *, code: str) -> Ticket:
    ticket = await fetch_one(conn, Ticket, f"select {COLUMNS} from tickets where code = upper(%s) and deleted_at is null",
                             (code.strip(),))
    if ticket is None:
        raise NotFound("Ticket not found.")
    return ticket


async def find_ticket(conn: AsyncConnection, *, ref: str) -> Ticket:
    """A ticket by its id or its code (TASK-00042)."""
    try:
        return await get_ticket(conn, ticket_id=UUID(ref))
    except ValueError:
        return await get_ticket_by_code(conn, code=ref)


def ensure_open(ticket: Ticket) -> None:
    """Conflict TICKET_CLOSED for a closed ticket (the database refuses the change anyway)."""
    if ticket.closed_at is not None:
        raise Conflict("This ticket is closed and can no longer change.", code="TICKET_CLOSED")


async def delete_ticket(conn: AsyncConnection, *, ticket_id: UUID) -> None:
    """Soft delete; a closed ticket is part of the record, and a booked or started one is cancelled instead."""
    ticket = await get_ticket(conn, ticket_id=ticket_id, lock=True)
    ensure_open(ticket)
    if ticket.status in ("scheduled", "in_progress"):
        raise step_required("cancelled")
    await conn.execute("update tickets set deleted_at = now() where id = %s", (ticket_id,))


def ticket_filters(f: TicketFilter, region: str) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = ["deleted_at is null"]
    params: dict[str, Any] = {}
    if f.status:
        where.append("status = %(status)s")
        params["status"] = f.status
    if f.phone:
        where.append("customer_phone = %(phone)s")
        params["phone"] = try_normalize_phone(f.phone, region)   # not a number: matches nothing (null)
    if f.category:
        where.append("lower(category) = lower(%(category)s)")
        params["category"] = f.category
    if f.technician_id:
        where.append("technician_id = %(technician)s")
        params["technician"] = f.technician_id
    if f.contact_id:
        where.append("contact_id = %(contact)s")
        params["contact"] = f.contact_id
    if f.urgency:
        where.append("urgency = %(urgency)s")
        params["urgency"] = f.urgency
    return where, params


async def list_tickets(conn: AsyncConnection, *, filters: TicketFilter | None = None, region: str = "US",
                       limit: int = 50, cursor: str | None = None) -> Page[Ticket]:
    """Live tickets in creation order, filtered by status, phone, category, technician or contact."""
    check_limit(limit)
    after = Cursor.decode(cursor)
    where, params = ticket_filters(filters or TicketFilter(), region)
    if after:
        where.append("(created_at, id) > (%(after_c)s, %(after_i)s)")
        params |= {"after_c": after.created_at, "after_i": after.id}
    query = sql.SQL("select {cols} from tickets where {where} order by created_at, id limit %(limit)s").format(
        cols=sql.SQL(COLUMNS), where=sql.SQL(" and ".join(where)))
    rows = await fetch_all(conn, Ticket, query, params | {"limit": limit + 1})
    return page_of(rows, limit)
