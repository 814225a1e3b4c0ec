"""The technician's work on a ticket: reading the job, clock in/out, line items from the catalog."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_dicts, fetch_one
from domain.errors import Conflict, Invalid, NotFound
from domain.tickets_work.models import CatalogItem, DayJob, LineItem, LineItemCreate, WorkTicket

WORK_SELECT = """
    select t.id, t.code, t.status, t.kind, t.contact_id, coalesce(c.name, t.customer_name) as customer_name,
           t.customer_phone, t.category, t.title, t.description,
           coalesce(t.service_address, concat_ws(', ', a.line1, a.city, a.region, a.postal_code)) as service_address,
           coalesce(ap.technician_id, t.technician_id) as technician_id, tech.name as technician_name,
           t.clock_in_at, t.clock_out_at, t.actual_duration_minutes, t.closeout_notes, t.closed_at,
           lower(ap.during) as starts_at, upper(ap.during) as ends_at, t.created_at
      from tickets t
      left join contacts c on c.tenant_id = t.tenant_id and c.id = t.contact_id
      left join addresses a on a.tenant_id = t.tenant_id and a.id = coalesce(t.address_id,
           (select p.id from addresses p where p.contact_id = t.contact_id order by p.is_primary desc, p.created_at
             limit 1))
      left join lateral (select x.technician_id, x.during from appointments x
                          where x.ticket_id = t.id and x.status <> 'cancelled'
                          order by lower(x.during) desc limit 1) ap on true
      left join technicians tech on tech.tenant_id = t.tenant_id
           and tech.id = coalesce(ap.technician_id, t.technician_id)"""

LINE_COLUMNS = "id, ticket_id, service_id, description, quantity, unit_price, total, created_at"


async def get_work_ticket(conn: AsyncConnection, *, ticket_id: UUID,
                          only_technician: UUID | None = None) -> WorkTicket:
    """The job; with `only_technician`, NotFound unless it is that technician's (roles, not RLS)."""
    ticket = await fetch_one(conn, WorkTicket, WORK_SELECT + " where t.id = %s", (ticket_id,))
    if ticket is None or (only_technician is not None and ticket.technician_id != only_technician):
        raise NotFound("Ticket not found.")
    return ticket


async def technician_day(conn: AsyncConnection, *, technician_id: UUID, start: datetime,
                         end: datetime) -> list[DayJob]:
    """The technician's appointments in [start, end), in order, with each customer's attributes."""
    tickets = await fetch_all(conn, WorkTicket, WORK_SELECT + """
         where ap.technician_id = %(tech)s and ap.during && tstzrange(%(start)s, %(end)s)
         order by lower(ap.during)""", {"tech": technician_id, "start": start, "end": end})
    attributes = await contact_attributes(conn, contact_ids=[t.contact_id for t in tickets if t.contact_id])
    return [DayJob(ticket=t, attributes=attributes.get(t.contact_id, {})) for t in tickets]


async def contact_attributes(conn: AsyncConnection, *, contact_ids: list[UUID]) -> dict[UUID, dict[str, Any]]:
    """contact id -> {attribute key: value}, for several contacts in one query."""
    rows = await fetch_dicts(conn, """
        select contact_id, key, value from attributes where contact_id = any(%s) order by key""", (contact_ids,))
    out: dict[UUID, dict[str, Any]] = {}
    for row in rows:
        out.setdefault(row["contact_id"], {})[row["key"]] = row["value"]
    return out


def _ensure_open(ticket: WorkTicket) -> None:
    if ticket.closed_at is not None:
        raise Conflict("This ticket is closed and can no longer change.", code="TICKET_CLOSED")


async def clock_in(conn: AsyncConnection, *, ticket_id: UUID, now: datetime,
                   only_technician: UUID | None = None) -> WorkTicket:
    """Start work: a scheduled job becomes in progress (seed 000's rules)."""
    ticket = await get_work_ticket(conn, ticket_id=ticket_id, only_technician=only_technician)
    _ensure_open(ticket)
    if ticket.clock_in_at is not None:
        raise Conflict("Already clocked in.", code="ALREADY_CLOCKED_IN")
    if ticket.status != "scheduled":
        raise Conflict(f"Cannot clock in: the ticket is {ticket.status.replace('_', ' ')}.", code="NOT_SCHEDULED")
    await conn.execute("update tickets set clock_in_at = %s, status = 'in_progress' where id = %s", (now, ticket_id))
    return await get_work_ticket(conn, ticket_id=ticket_id)


async def clock_out(conn: AsyncConnection, *, ticket_id: UUID, now: datetime,
                    only_technician: UUID | None = None) -> WorkTicket:
    """Stop work: records the clock-out and the minutes worked."""
    ticket = await get_work_ticket(conn, ticket_id=ticket_id, only_technician=only_technician)
    _ensure_open(ticket)
    if ticket.clock_in_at is None:
        raise Conflict("Cannot clock out: not clocked in.", code="NOT_CLOCKED_IN")
    if ticket.clock_out_at is not None:
        raise Conflict("Already clocked out.", code="ALREADY_CLOCKED_OUT")
    minutes = max(0, int((now - ticket.clock_in_at).total_seconds() // 60))
    await conn.execute("update tickets set clock_out_at = %s, actual_duration_minutes = %s where id = %s",
                       (now, minutes, ticket_id))
    return await get_work_ticket(conn, ticket_id=ticket_id)


async def catalog(conn: AsyncConnection) -> list[CatalogItem]:
    """The active services a line item can be made of."""
    return await fetch_all(conn, CatalogItem, """
        select id, name, category, pricing_type, price, unit_price, unit_label from services
         where active order by category nulls last, name""")


async def list_line_items(conn: AsyncConnection, *, ticket_id: UUID) -> list[LineItem]:
    return await fetch_all(conn, LineItem, f"""
        select {LINE_COLUMNS} from line_items where ticket_id = %s order by created_at, id""", (ticket_id,))


def _price(item: CatalogItem, data: LineItemCreate):
    """The unit price by the service's pricing type."""
    if item.pricing_type == "fixed":
        return item.price
    if item.pricing_type == "per_unit":
        return item.unit_price
    price = data.unit_price if data.unit_price is not None else item.price
    if price is None:
        raise Invalid("Enter a price for this service.", code="PRICE_REQUIRED")
    return price


async def add_line_item(conn: AsyncConnection, *, tenant_id: UUID, ticket_id: UUID, data: LineItemCreate,
                        only_technician: UUID | None = None) -> LineItem:
    """A service from the catalog on the job: quantity x unit price (the database computes the total)."""
    _ensure_open(await get_work_ticket(conn, ticket_id=ticket_id, only_technician=only_technician))
    item = await fetch_one(conn, CatalogItem, """
        select id, name, category, pricing_type, price, unit_price, unit_label from services
         where id = %s and active""", (data.service_id,))
    if item is None:
        raise Invalid("Unknown service.", code="UNKNOWN_SERVICE")
    label = f"{item.name} ({item.unit_label})" if item.pricing_type == "per_unit" and item.unit_label else item.name
    line = await fetch_one(conn, LineItem, f"""
        insert into line_items (tenant_id, ticket_id, service_id, description, quantity, unit_price)
        values (%s, %s, %s, %s, %s, %s) returning {LINE_COLUMNS}""",
        (tenant_id, ticket_id, item.id, data.description or label, data.quantity, _price(item, data)))
    assert line is not None
    return line


async def remove_line_item(conn: AsyncConnection, *, ticket_id: UUID, line_id: UUID,
                           only_technician: UUID | None = None) -> None:
    """Soft delete a line item of an open ticket."""
    _ensure_open(await get_work_ticket(conn, ticket_id=ticket_id, only_technician=only_technician))
    cur = await conn.execute("update line_items set deleted_at = now() where id = %s and ticket_id = %s",
                             (line_id, ticket_id))
    if cur.rowcount == 0:
        raise NotFound("Line item not found.")
