"""The two-step close-out (seed 000): confirm duration and notes, then confirm attributes and finalize.

Between the steps the surface runs the extractor on the notes; the domain never sees the model.
Finalizing is one transaction: note, attributes, equipment, draft invoice, follow-up, completed ticket.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import ValidationError

from domain.contacts.attributes import set_attribute
from domain.contacts.models import AttributeSet, ContactCreate
from domain.contacts.service import create_contact, get_by_phone
from domain.equipment.models import EquipmentCreate
from domain.equipment.service import record_equipment
from domain.errors import Conflict, Invalid
from domain.invoices.service import create_draft_from_ticket
from domain.messages.models import MessageCreate
from domain.messages.service import queue_message
from domain.notes.models import NoteCreate
from domain.notes.service import add_ticket_note
from domain.outbox.service import emit_event
from domain.scheduling.errors import SlotTaken, SlotUnavailable
from domain.scheduling.models import AppointmentOption
from domain.scheduling.service import book, find_options, horizon_end
from domain.scheduling.tickets import DEFAULT_DURATION_MINUTES
from domain.surveys.service import queue_survey
from domain.tenants.models import Tenant
from domain.tickets.lifecycle import change_status, link_contact
from domain.tickets.models import Ticket, TicketCreate
from domain.tickets.service import create_ticket, ensure_open
from domain.tickets_work.models import CloseoutResult, NextService, WorkTicket
from domain.tickets_work.service import get_work_ticket, visible_ticket


def _ensure_working(ticket: Ticket) -> None:
    ensure_open(ticket)
    if ticket.status != "in_progress" or ticket.clock_in_at is None:
        raise Conflict("Clock in before closing out the job.", code="NOT_IN_PROGRESS")


async def start_closeout(conn: AsyncConnection, *, ticket_id: UUID, duration_minutes: int, notes: str,
                         now: datetime, only_technician: UUID | None = None) -> WorkTicket:
    """Step 1: the confirmed duration and the notes are recorded (clocking out if still clocked in)."""
    _ensure_working(await visible_ticket(conn, ticket_id=ticket_id, only_technician=only_technician))
    if not 0 <= duration_minutes <= 24 * 60:
        raise Invalid("The duration must be between 0 and 1440 minutes.", code="INVALID_DURATION")
    await conn.execute("""
        update tickets set clock_out_at = coalesce(clock_out_at, %s), actual_duration_minutes = %s,
                           closeout_notes = %s
         where id = %s""", (now, duration_minutes, notes.strip() or None, ticket_id))
    return await get_work_ticket(conn, ticket_id=ticket_id)


def next_visit_minutes(ticket: Ticket) -> int:
    """How long the next visit is booked for: this job's estimate, else scheduling's default."""
    return ticket.estimated_duration_minutes or DEFAULT_DURATION_MINUTES


async def next_visit_options(conn: AsyncConnection, *, tenant: Tenant, ticket: Ticket,
                             now: datetime) -> list[AppointmentOption]:
    """Up to three times for the next visit from tomorrow on, this job's technician first."""
    tomorrow = datetime.combine(now.astimezone(tenant.tz).date() + timedelta(days=1), time(0), tenant.tz)
    return await find_options(conn, tenant=tenant, category=ticket.service_category,
                              duration_minutes=next_visit_minutes(ticket), earliest=tomorrow,
                              latest=horizon_end(tenant, now), now=now, preferred_technician=ticket.technician_id)


async def _contact_for(conn: AsyncConnection, tenant: Tenant, ticket: Ticket) -> UUID:
    """The ticket's contact; a task-first ticket gets one from its phone (and name) at close-out."""
    if ticket.contact_id:
        return ticket.contact_id
    contact = await get_by_phone(conn, phone=ticket.customer_phone) or await create_contact(
        conn, tenant_id=tenant.id, region=tenant.phone_region,
        data=ContactCreate(name=ticket.customer_name, phone=ticket.customer_phone, source="staff"))
    await link_contact(conn, ticket_id=ticket.id, contact_id=contact.id)
    return contact.id


async def _save_attributes(conn: AsyncConnection, tenant_id: UUID, contact_id: UUID, note_id: UUID | None,
                           attributes: dict[str, Any]) -> None:
    for key, value in attributes.items():
        try:
            data = AttributeSet(key=key, value=value, source_note_id=note_id)
        except ValidationError:
            raise Invalid(f"'{key}' is not a valid attribute name (lower case, digits, underscores).",
                          code="INVALID_ATTRIBUTE") from None
        await set_attribute(conn, tenant_id=tenant_id, contact_id=contact_id, data=data)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day-of-month `months` later, clamped to the month's last day."""
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


async def _book_next_visit(conn: AsyncConnection, tenant: Tenant, ticket: Ticket, next_service: NextService,
                           now: datetime, booked_by: str) -> tuple[Ticket, UUID | None]:
    """The follow-up ticket, booked at the chosen time when it is still free (else it waits on the board)."""
    follow_up = await create_ticket(conn, tenant_id=tenant.id, region=tenant.phone_region, data=TicketCreate(
        customer_phone=ticket.customer_phone, customer_name=ticket.customer_name, contact_id=ticket.contact_id,
        service_category=ticket.service_category, urgency_level=ticket.urgency_level, source_channel="staff",
        title=f"Next service after {ticket.code}", description=f"Follow-up visit after {ticket.code}.",
        service_address=ticket.service_address, address_id=ticket.address_id,
        estimated_duration_minutes=next_visit_minutes(ticket)))
    if next_service.technician_id is None or next_service.start is None:
        return follow_up, None
    try:
        async with conn.transaction():  # a savepoint: a lost slot must not undo the close-out
            appointment = await book(conn, tenant=tenant, ticket_id=follow_up.id, now=now, booked_by=booked_by,
                                     technician_id=next_service.technician_id, start=next_service.start,
                                     duration_minutes=next_visit_minutes(ticket))
    except (SlotTaken, SlotUnavailable):
        return follow_up, None
    return follow_up, appointment.id


async def _reach_out(conn: AsyncConnection, tenant: Tenant, ticket: Ticket, next_service: NextService,
                     now: datetime) -> UUID:
    if not next_service.months:
        raise Invalid("Say in how many months to reach out.", code="MONTHS_REQUIRED")
    message = await queue_message(conn, tenant=tenant, now=now, data=MessageCreate(
        message_type="service_reminder", channel="sms", to_address=ticket.customer_phone,
        contact_id=ticket.contact_id, ticket_id=ticket.id, scheduled_for=add_months(now, next_service.months),
        payload={"service": next_service.service or ticket.service_category, "ticket_code": ticket.code,
                 "months": next_service.months}))
    return message.id


async def _follow_up(conn: AsyncConnection, tenant: Tenant, ticket: Ticket, next_service: NextService,
                     now: datetime, booked_by: str) -> dict[str, Any]:
    """The CloseoutResult fields of the chosen next service."""
    if next_service.action == "schedule_now":
        follow_up, appointment_id = await _book_next_visit(conn, tenant, ticket, next_service, now, booked_by)
        return {"follow_up_ticket_id": follow_up.id, "follow_up_code": follow_up.code,
                "follow_up_appointment_id": appointment_id}
    if next_service.action == "reach_out":
        return {"reminder_message_id": await _reach_out(conn, tenant, ticket, next_service, now)}
    return {}


async def finalize_closeout(conn: AsyncConnection, *, tenant: Tenant, ticket_id: UUID, author: str,
                            attributes: dict[str, Any], next_service: NextService, now: datetime,
                            booked_by: str, only_technician: UUID | None = None,
                            equipment: Sequence[EquipmentCreate] = ()) -> CloseoutResult:
    """Step 2: attributes saved with their source note, the confirmed equipment, draft invoice, follow-up,
    ticket completed for good."""
    ticket = await visible_ticket(conn, ticket_id=ticket_id, only_technician=only_technician)
    _ensure_working(ticket)
    if ticket.actual_duration_minutes is None:
        raise Conflict("Confirm the duration and notes first.", code="CLOSEOUT_NOT_STARTED")
    contact_id = await _contact_for(conn, tenant, ticket)
    ticket = await visible_ticket(conn, ticket_id=ticket_id)   # now linked to its contact
    note = await add_ticket_note(conn, tenant_id=tenant.id, ticket_id=ticket_id, author=author,
                                 data=NoteCreate(content=ticket.closeout_notes)) if ticket.closeout_notes else None
    await _save_attributes(conn, tenant.id, contact_id, note.id if note else None, attributes)
    for item in equipment:
        await record_equipment(conn, tenant_id=tenant.id, contact_id=contact_id, data=item,
                               source_ticket_id=ticket_id)
    invoice = await create_draft_from_ticket(conn, tenant_id=tenant.id, ticket_id=ticket_id,
                                             contact_id=contact_id, now=now)
    follow_up = await _follow_up(conn, tenant, ticket, next_service, now, booked_by)
    # the visit happened; scheduling has no verb for it, and the ticket is about to close for good
    await conn.execute("update appointments set status = 'completed' where ticket_id = %s and status = 'booked'",
                       (ticket_id,))
    await change_status(conn, tenant_id=tenant.id, ticket_id=ticket_id, status="completed", now=now)
    await queue_survey(conn, tenant=tenant, ticket=ticket, now=now)
    await emit_event(conn, tenant_id=tenant.id, event_type="ticket.completed", entity_id=ticket_id,
                     payload={"code": ticket.code, "invoice_id": invoice.id, "attributes": sorted(attributes)})
    return CloseoutResult(ticket=await get_work_ticket(conn, ticket_id=ticket_id), invoice_id=invoice.id,
                          note_id=note.id if note else None, **follow_up)
