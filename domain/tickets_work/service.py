"""The technician's work on a ticket: reading the job, clock in/out, line items (catalog or free-form).

The ticket, its lifecycle, the catalog and the contact's details belong to their own areas; this
module adds only what is the technician's: the clock, the line items, and the job as one view.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection

from domain.catalog.pricing import priced_line
from domain.contacts.attributes import attributes_by_contact
from domain.db import fetch_all, fetch_one, fetch_value
from domain.equipment.service import equipment_by_contact
from domain.errors import Conflict, Invalid, NotFound
from domain.scheduling.models import Appointment
from domain.scheduling.service import get_appointment, list_appointments
from domain.taxes.service import tax_for_line
from domain.technicians.service import get_technician
from domain.tickets.lifecycle import change_status
from domain.tickets.models import Ticket
from domain.tickets.service import ensure_open, get_ticket, get_tickets, service_address
from domain.tickets_work.models import DayJob, LineItem, LineItemCreate, WorkTicket

LINE_SELECT = """
    select l.id, l.ticket_id, l.service_id, l.description, l.quantity, l.unit_price, l.total, l.tax_rate_id,
           r.name as tax_name, coalesce(r.rate_percent, 0) as tax_percent, l.created_at
      from line_items l left join tax_rates r on r.tenant_id = l.tenant_id and r.id = l.tax_rate_id"""


async def visible_ticket(conn: AsyncConnection, *, ticket_id: UUID, only_technician: UUID | None = None) -> Ticket:
    """The ticket; with `only_technician`, NotFound unless it is that technician's (roles, not RLS)."""
    ticket = await get_ticket(conn, ticket_id=ticket_id)
    if only_technician is not None and ticket.technician_id != only_technician:
        raise NotFound("Ticket not found.")
    return ticket


async def _latest_appointment(conn: AsyncConnection, ticket_id: UUID) -> Appointment | None:
    appointment_id = await fetch_value(conn, """
        select id from appointments where ticket_id = %s and status <> 'cancelled'
         order by starts_at desc limit 1""", (ticket_id,))
    return await get_appointment(conn, appointment_id=appointment_id) if appointment_id else None


async def _work_view(conn: AsyncConnection, ticket: Ticket, appointment: Appointment | None) -> WorkTicket:
    name = appointment.technician_name if appointment else None
    if name is None and ticket.technician_id is not None:
        name = (await get_technician(conn, technician_id=ticket.technician_id)).name
    return WorkTicket(**ticket.model_dump(), address=await service_address(conn, ticket=ticket),
                      technician_name=name, starts_at=appointment.start if appointment else None,
                      ends_at=appointment.end if appointment else None)


async def get_work_ticket(conn: AsyncConnection, *, ticket_id: UUID,
                          only_technician: UUID | None = None) -> WorkTicket:
    """The job: the ticket with where to go and its (latest live) appointment."""
    ticket = await visible_ticket(conn, ticket_id=ticket_id, only_technician=only_technician)
    return await _work_view(conn, ticket, await _latest_appointment(conn, ticket.id))


async def technician_day(conn: AsyncConnection, *, technician_id: UUID, start: datetime,
                         end: datetime) -> list[DayJob]:
    """The technician's appointments in [start, end), in order, with each customer's attributes."""
    appointments = await list_appointments(conn, start=start, end=end, technician_id=technician_id)
    tickets = {t.id: t for t in await get_tickets(conn, ticket_ids=[a.ticket_id for a in appointments])}
    contacts = [t.contact_id for t in tickets.values() if t.contact_id]
    attributes = await attributes_by_contact(conn, contact_ids=contacts)
    equipment = await equipment_by_contact(conn, contact_ids=contacts)
    return [DayJob(ticket=await _work_view(conn, tickets[a.ticket_id], a),
                   attributes=attributes.get(tickets[a.ticket_id].contact_id, {}),
                   equipment=equipment.get(tickets[a.ticket_id].contact_id, []))
            for a in appointments if a.ticket_id in tickets]


async def clock_in(conn: AsyncConnection, *, tenant_id: UUID, ticket_id: UUID, now: datetime,
                   only_technician: UUID | None = None) -> WorkTicket:
    """Start work: the scheduled job becomes in progress through the ticket lifecycle (seed 000)."""
    ticket = await visible_ticket(conn, ticket_id=ticket_id, only_technician=only_technician)
    ensure_open(ticket)
    if ticket.clock_in_at is not None:
        raise Conflict("Already clocked in.", code="ALREADY_CLOCKED_IN")
    await change_status(conn, tenant_id=tenant_id, ticket_id=ticket_id, status="in_progress", now=now)
    await conn.execute("update tickets set clock_in_at = %s where id = %s", (now, ticket_id))
    return await get_work_ticket(conn, ticket_id=ticket_id)


async def clock_out(conn: AsyncConnection, *, ticket_id: UUID, now: datetime,
                    only_technician: UUID | None = None) -> WorkTicket:
    """Stop work: records the clock-out and the minutes worked."""
    ticket = await visible_ticket(conn, ticket_id=ticket_id, only_technician=only_technician)
    ensure_open(ticket)
    if ticket.clock_in_at is None:
        raise Conflict("Cannot clock out: not clocked in.", code="NOT_CLOCKED_IN")
    if ticket.clock_out_at is not None:
        raise Conflict("Already clocked out.", code="ALREADY_CLOCKED_OUT")
    minutes = max(0, int((now - ticket.clock_in_at).total_seconds() // 60))
    await conn.execute("update tickets set clock_out_at = %s, actual_duration_minutes = %s where id = %s",
                       (now, minutes, ticket_id))
    return await get_work_ticket(conn, ticket_id=ticket_id)


async def list_line_items(conn: AsyncConnection, *, ticket_id: UUID) -> list[LineItem]:
    return await fetch_all(conn, LineItem, LINE_SELECT + " where l.ticket_id = %s order by l.created_at, l.id",
                           (ticket_id,))


async def add_line_item(conn: AsyncConnection, *, tenant_id: UUID, ticket_id: UUID, data: LineItemCreate,
                        only_technician: UUID | None = None) -> LineItem:
    """A catalog service or a free-form part on the job: quantity x unit price, taxed at its rate."""
    ensure_open(await visible_ticket(conn, ticket_id=ticket_id, only_technician=only_technician))
    service_id, description, price = await priced_line(conn, service_id=data.service_id,
                                                       description=data.description, entered=data.unit_price)
    tax = await tax_for_line(conn, tax_rate_id=data.tax_rate_id, untaxed=data.untaxed)
    line_id = await fetch_value(conn, """
        insert into line_items (tenant_id, ticket_id, service_id, description, quantity, unit_price, tax_rate_id)
        values (%s, %s, %s, %s, %s, %s, %s) returning id""",
        (tenant_id, ticket_id, service_id, description, data.quantity, price, tax.id if tax else None))
    line = await fetch_one(conn, LineItem, LINE_SELECT + " where l.id = %s", (line_id,))
    assert line is not None
    return line


async def remove_line_item(conn: AsyncConnection, *, ticket_id: UUID, line_id: UUID,
                           only_technician: UUID | None = None) -> None:
    """Soft delete a line item of an open ticket."""
    ensure_open(await visible_ticket(conn, ticket_id=ticket_id, only_technician=only_technician))
    cur = await conn.execute("update line_items set deleted_at = now() where id = %s and ticket_id = %s",
                             (line_id, ticket_id))
    if cur.rowcount == 0:
        raise NotFound("Line item not found.")
