"""The dispatcher's side: the day/week board, unassigned tickets, contacts and transcripts."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError

from domain.contacts.addresses import list_addresses
from domain.contacts.attributes import attributes_by_contact
from domain.contacts.service import get_contact, list_contacts
from domain.conversations.transcripts import contact_conversations, get_transcript
from domain.equipment.service import list_equipment
from domain.errors import Invalid
from domain.invoices.service import list_invoices
from domain.scheduling.models import AppointmentCreate
from domain.scheduling.service import book as book_appointment
from domain.scheduling.service import get_appointment, reschedule
from domain.sla.service import SLA_WORDS, ticket_metrics
from domain.tickets.models import TicketUpdate
from domain.tickets.service import contact_history
from domain.tickets_work import dispatch
from domain.workflow.service import assign_technician
from staff.forms import value_text
from staff.web import Form, Staff, redirect, render

router = APIRouter(prefix="/staff", include_in_schema=False)


def _local_day(staff, day: str | None):
    try:
        return datetime.fromisoformat(day).date() if day else staff.clock.now().astimezone(staff.tenant.tz).date()
    except ValueError:
        raise Invalid("The day must look like 2025-11-06.", code="VALIDATION_ERROR") from None


@router.get("/board")
async def board(request: Request, staff: Staff, day: str | None = None, view: str = "day", move: UUID | None = None):
    """Technicians as columns on the 15-minute grid (day), or each weekday's bookings (week); with `move`, the
    free cells move that appointment instead of booking a new one."""
    staff.require_dispatch()
    local = _local_day(staff, day)
    week = view == "week"
    first = local - timedelta(days=local.weekday()) if week else local
    days = [first + timedelta(days=i) for i in range(7 if week else 1)]
    async with staff.tx() as conn:
        data = await dispatch.board(conn, tenant=staff.tenant, days=days, now=staff.clock.now())
        unassigned = await dispatch.unassigned_tickets(conn)
        moving = await get_appointment(conn, appointment_id=move) if move else None
        sla = await ticket_metrics(conn, ticket_ids=[t.id for t in unassigned] + [a.ticket_id for a in data.appointments],
                                   now=staff.clock.now())
    step = timedelta(days=7 if week else 1)
    return render(request, "board.html", staff=staff, data=data, days=days, day=local, view="week" if week else "day",
                  chips=dispatch.week_chips(data, staff.tenant) if week else {}, unassigned=unassigned,
                  tz=staff.tenant.tz, prev=local - step, next=local + step, sla=sla, sla_words=SLA_WORDS,
                  moving=moving)


@router.post("/board/move")
async def move(staff: Staff, form: Form):
    """Move a booked visit to the pressed cell (technician|start), same length, through scheduling's reschedule."""
    staff.require_dispatch()
    tech, _, start = form.get("slot", "").partition("|")
    try:
        appointment_id, technician_id, starts_at = UUID(form.get("appointment_id", "")), UUID(tech), \
            datetime.fromisoformat(start)
    except ValueError:
        raise Invalid("Choose a free cell to move the visit to.", code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        await reschedule(conn, tenant=staff.tenant, appointment_id=appointment_id, start=starts_at,
                         technician_id=technician_id, now=staff.clock.now())
    return redirect(f"/staff/board?day={starts_at.astimezone(staff.tenant.tz).date().isoformat()}")


@router.post("/board/book")
async def book(staff: Staff, form: Form):
    """Book the chosen unassigned ticket into the clicked cell (technician|start), through scheduling's `book`."""
    staff.require_dispatch()
    tech, _, start = form.get("slot", "").partition("|")
    try:
        minutes = form.get("minutes", "").strip()   # forms send text; the model takes a JSON integer
        data = AppointmentCreate(ticket_id=form.get("ticket_id", ""), technician_id=tech, start=start,
                                 duration_minutes=int(minutes) if minutes.isdigit() else 60)
    except ValidationError:
        raise Invalid("Choose a ticket, a free slot and a length in 15-minute steps.",
                      code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        await book_appointment(conn, tenant=staff.tenant, ticket_id=data.ticket_id, technician_id=data.technician_id,
                               start=data.start, duration_minutes=data.duration_minutes, now=staff.clock.now(),
                               booked_by=staff.actor)
    return redirect(f"/staff/board?day={data.start.astimezone(staff.tenant.tz).date().isoformat()}")


@router.post("/board/assign")
async def assign(staff: Staff, form: Form):
    """Give an open ticket to a technician without a time yet."""
    staff.require_dispatch()
    try:
        ticket_id, data = UUID(form.get("ticket_id", "")), TicketUpdate(technician_id=form.get("technician_id", ""))
    except (ValueError, ValidationError):
        raise Invalid("Choose a ticket and a technician.", code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        await assign_technician(conn, tenant=staff.tenant, ticket_id=ticket_id, technician_id=data.technician_id,
                                now=staff.clock.now())
    back = form.get("next", "")
    return redirect(back if back.startswith("/staff/tickets/") else "/staff/board")


@router.get("/contacts")
async def contacts(request: Request, staff: Staff, q: str | None = None):
    staff.require_dispatch()
    async with staff.tx() as conn:
        page = await list_contacts(conn, q=q, limit=50, region=staff.tenant.phone_region) if q else None
    return render(request, "contacts.html", staff=staff, q=q or "", contacts=page.data if page else [])


@router.get("/contacts/{contact_id}")
async def contact(request: Request, staff: Staff, contact_id: UUID):
    """A customer: attributes, addresses, job history, invoices, conversations."""
    staff.require_dispatch()
    async with staff.tx() as conn:
        person = await get_contact(conn, contact_id=contact_id)
        attributes = (await attributes_by_contact(conn, contact_ids=[contact_id])).get(contact_id, {})
        addresses = await list_addresses(conn, contact_id=contact_id)
        tickets = await contact_history(conn, contact_id=contact_id)
        invoices = await list_invoices(conn, contact_id=contact_id)
        conversations = await contact_conversations(conn, contact_id=contact_id)
        equipment = await list_equipment(conn, contact_id=contact_id)
    return render(request, "contact.html", staff=staff, contact=person, attributes=attributes, addresses=addresses,
                  tickets=tickets, invoices=invoices, conversations=conversations, value_text=value_text,
                  equipment=equipment)


@router.get("/conversations/{conversation_id}")
async def conversation(request: Request, staff: Staff, conversation_id: UUID):
    """The transcript, rendered as text."""
    staff.require_dispatch()
    async with staff.tx() as conn:
        transcript = await get_transcript(conn, conversation_id=conversation_id)
    return render(request, "conversation.html", staff=staff, conversation=transcript.conversation,
                  messages=transcript.lines)
