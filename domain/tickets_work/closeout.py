"""The two-step close-out (seed 000): confirm duration and notes, then confirm attributes and finalize.

Between the steps the surface runs the extractor on the notes; the domain never sees the model.
Finalizing is one transaction: note, attributes, draft invoice, follow-up, closed ticket.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from domain.db import fetch_value
from domain.errors import Conflict, Invalid
from domain.invoices.service import create_draft_from_ticket
from domain.messages.models import MessageCreate
from domain.messages.service import queue_message
from domain.outbox.service import emit_event
from domain.tenants.models import Tenant
from domain.tickets_work.models import CloseoutResult, NextService, WorkTicket
from domain.tickets_work.service import get_work_ticket

ATTRIBUTE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _ensure_working(ticket: WorkTicket) -> None:
    if ticket.closed_at is not None:
        raise Conflict("This ticket is closed and can no longer change.", code="TICKET_CLOSED")
    if ticket.status != "in_progress" or ticket.clock_in_at is None:
        raise Conflict("Clock in before closing out the job.", code="NOT_IN_PROGRESS")


async def start_closeout(conn: AsyncConnection, *, ticket_id: UUID, duration_minutes: int, notes: str,
                         now: datetime, only_technician: UUID | None = None) -> WorkTicket:
    """Step 1: the confirmed duration and the notes are recorded (clocking out if still clocked in)."""
    ticket = await get_work_ticket(conn, ticket_id=ticket_id, only_technician=only_technician)
    _ensure_working(ticket)
    if not 0 <= duration_minutes <= 24 * 60:
        raise Invalid("The duration must be between 0 and 1440 minutes.", code="INVALID_DURATION")
    await conn.execute("""
        update tickets set clock_out_at = coalesce(clock_out_at, %s), actual_duration_minutes = %s,
                           closeout_notes = %s
         where id = %s""", (now, duration_minutes, notes.strip() or None, ticket_id))
    return await get_work_ticket(conn, ticket_id=ticket_id)


async def _contact_for(conn: AsyncConnection, tenant_id: UUID, ticket: WorkTicket) -> UUID:
    """The ticket's contact; a task-first ticket gets one from its phone (and name) at close-out."""
    if ticket.contact_id:
        return ticket.contact_id
    contact_id = await fetch_value(conn, "select id from contacts where phone = %s", (ticket.customer_phone,))
    if contact_id is None:
        contact_id = await fetch_value(conn, """
            insert into contacts (tenant_id, name, phone, source) values (%s, %s, %s, 'staff') returning id""",
            (tenant_id, ticket.customer_name, ticket.customer_phone))
    await conn.execute("update tickets set contact_id = %s where id = %s", (contact_id, ticket.id))
    return contact_id


async def _save_attributes(conn: AsyncConnection, tenant_id: UUID, contact_id: UUID, note_id: UUID | None,
                           attributes: dict[str, Any]) -> None:
    for key, value in attributes.items():
        if not ATTRIBUTE_KEY.match(key):
            raise Invalid(f"'{key}' is not a valid attribute name (lower case, digits, underscores).",
                          code="INVALID_ATTRIBUTE")
        await conn.execute("""
            insert into attributes (tenant_id, contact_id, key, value, source_note_id)
            values (%s, %s, %s, %s, %s)
            on conflict (tenant_id, contact_id, key)
            do update set value = excluded.value, source_note_id = excluded.source_note_id""",
            (tenant_id, contact_id, key, Jsonb(value), note_id))


def add_months(moment: datetime, months: int) -> datetime:
    """The same day-of-month `months` later, clamped to the month's last day."""
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


async def _follow_up(conn: AsyncConnection, tenant: Tenant, ticket: WorkTicket, contact_id: UUID,
                     next_service: NextService, now: datetime) -> tuple[UUID | None, UUID | None]:
    """(new ticket to book now, or reminder message to send in N months)."""
    if next_service.action == "schedule_now":
        new_id = await fetch_value(conn, """
            insert into tickets (tenant_id, contact_id, customer_phone, customer_name, category, source_channel,
                                 title, description, service_address, technician_id)
            values (%s, %s, %s, %s, %s, 'staff', %s, %s, %s, %s) returning id""",
            (tenant.id, contact_id, ticket.customer_phone, ticket.customer_name, ticket.category,
             f"Next service after {ticket.code}", f"Follow-up visit after {ticket.code}.",
             ticket.service_address, ticket.technician_id))
        return new_id, None
    if next_service.action == "reach_out":
        if not next_service.months:
            raise Invalid("Say in how many months to reach out.", code="MONTHS_REQUIRED")
        message = await queue_message(conn, tenant=tenant, now=now, data=MessageCreate(
            message_type="service_reminder", channel="sms", to_address=ticket.customer_phone,
            contact_id=contact_id, ticket_id=ticket.id, scheduled_for=add_months(now, next_service.months),
            payload={"service": ticket.category, "ticket_code": ticket.code, "months": next_service.months}))
        return None, message.id
    return None, None


async def finalize_closeout(conn: AsyncConnection, *, tenant: Tenant, ticket_id: UUID, author: str,
                            attributes: dict[str, Any], next_service: NextService, now: datetime,
                            only_technician: UUID | None = None) -> CloseoutResult:
    """Step 2: attributes saved with their source note, draft invoice, follow-up, ticket closed for good."""
    tenant_id = tenant.id
    ticket = await get_work_ticket(conn, ticket_id=ticket_id, only_technician=only_technician)
    _ensure_working(ticket)
    if ticket.actual_duration_minutes is None:
        raise Conflict("Confirm the duration and notes first.", code="CLOSEOUT_NOT_STARTED")
    contact_id = await _contact_for(conn, tenant_id, ticket)
    note_id = None
    if ticket.closeout_notes:
        note_id = await fetch_value(conn, """
            insert into notes (tenant_id, contact_id, ticket_id, author, content) values (%s, %s, %s, %s, %s)
            returning id""", (tenant_id, contact_id, ticket_id, author, ticket.closeout_notes))
    await _save_attributes(conn, tenant_id, contact_id, note_id, attributes)
    invoice = await create_draft_from_ticket(conn, tenant_id=tenant_id, ticket_id=ticket_id,
                                             contact_id=contact_id, now=now)
    follow_up_id, reminder_id = await _follow_up(conn, tenant, ticket, contact_id, next_service, now)
    await conn.execute("update appointments set status = 'completed' where ticket_id = %s and status = 'booked'",
                       (ticket_id,))
    await conn.execute("update tickets set status = 'completed', closed_at = %s where id = %s", (now, ticket_id))
    await emit_event(conn, tenant_id=tenant_id, event_type="ticket.completed", entity_id=ticket_id,
                     payload={"code": ticket.code, "invoice_id": invoice.id, "attributes": sorted(attributes)})
    return CloseoutResult(ticket=await get_work_ticket(conn, ticket_id=ticket_id), invoice_id=invoice.id,
                          note_id=note_id, follow_up_ticket_id=follow_up_id, reminder_message_id=reminder_id)
