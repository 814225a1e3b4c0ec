"""The dispatcher's side: the day/week board, unassigned tickets, contacts and transcripts."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request

from domain.contacts.service import get_contact, list_contacts
from domain.db import fetch_dicts
from domain.errors import Invalid, NotFound
from domain.invoices.service import list_invoices
from domain.tickets_work import dispatch
from domain.tickets_work.service import contact_attributes
from staff.forms import value_text
from staff.web import Form, Staff, redirect, render

router = APIRouter(prefix="/staff", include_in_schema=False)


def _local_day(staff, day: str | None):
    tz = ZoneInfo(staff.tenant.timezone)
    try:
        return (datetime.fromisoformat(day).date() if day else staff.clock.now().astimezone(tz).date()), tz
    except ValueError:
        raise Invalid("The day must look like 2025-11-06.", code="VALIDATION_ERROR") from None


@router.get("/board")
async def board(request: Request, staff: Staff, day: str | None = None, view: str = "day"):
    """Technicians as columns on the 15-minute grid (day), or each weekday's bookings (week)."""
    staff.require_dispatch()
    local, tz = _local_day(staff, day)
    first = local - timedelta(days=local.weekday()) if view == "week" else local
    days = [first + timedelta(days=i) for i in range(7 if view == "week" else 1)]
    start = datetime.combine(days[0], time(0), tz)
    end = datetime.combine(days[-1] + timedelta(days=1), time(0), tz)
    async with staff.tx() as conn:
        data = await dispatch.board_data(conn, start=start, end=end)
        unassigned = await dispatch.unassigned_tickets(conn)
    grid = dispatch.day_grid(data, local, tz) if view != "week" else None
    return render(request, "board.html", staff=staff, data=data, grid=grid, days=days, day=local, view=view,
                  unassigned=unassigned, tz=tz, prev=local - timedelta(days=7 if view == "week" else 1),
                  next=local + timedelta(days=7 if view == "week" else 1))


@router.post("/board/book")
async def book(staff: Staff, form: Form):
    """Book the chosen unassigned ticket into the clicked cell (technician|start)."""
    staff.require_dispatch()
    try:
        tech, _, start = form.get("slot", "").partition("|")
        ticket_id, technician_id, starts = UUID(form.get("ticket_id", "")), UUID(tech), datetime.fromisoformat(start)
        minutes = int(form.get("minutes") or 60)
    except ValueError:
        raise Invalid("Choose a ticket and a free slot.", code="VALIDATION_ERROR") from None
    if not 15 <= minutes <= 1440 or minutes % 15:
        raise Invalid("The length must be a multiple of 15 minutes.", code="VALIDATION_ERROR")
    async with staff.tx() as conn:
        await dispatch.book_slot(conn, tenant_id=staff.tenant.id, ticket_id=ticket_id, technician_id=technician_id,
                                 start=starts, minutes=minutes, actor=staff.actor)
    return redirect(f"/staff/board?day={starts.date().isoformat()}")


@router.post("/board/assign")
async def assign(staff: Staff, form: Form):
    staff.require_dispatch()
    try:
        ticket_id, technician_id = UUID(form.get("ticket_id", "")), UUID(form.get("technician_id", ""))
    except ValueError:
        raise Invalid("Choose a ticket and a technician.", code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        await dispatch.assign(conn, ticket_id=ticket_id, technician_id=technician_id)
    return redirect("/staff/board")


@router.get("/contacts")
async def contacts(request: Request, staff: Staff, q: str | None = None):
    staff.require_dispatch()
    async with staff.tx() as conn:
        page = await list_contacts(conn, q=q, limit=50, region=staff.tenant.phone_region) if q else None
    return render(request, "contacts.html", staff=staff, q=q or "", contacts=page.data if page else [])


@router.get("/contacts/{contact_id}")
async def contact(request: Request, staff: Staff, contact_id: UUID):
    """A customer: attributes with their source, addresses, job history, invoices, conversations."""
    staff.require_dispatch()
    async with staff.tx() as conn:
        person = await get_contact(conn, contact_id=contact_id)
        attributes = (await contact_attributes(conn, contact_ids=[contact_id])).get(contact_id, {})
        addresses = await fetch_dicts(conn, "select * from addresses where contact_id = %s order by is_primary desc",
                                      (contact_id,))
        tickets = await fetch_dicts(conn, """
            select id, code, status, category, title, description, closeout_notes, created_at, closed_at
              from tickets where contact_id = %s order by created_at desc""", (contact_id,))
        invoices = await list_invoices(conn, contact_id=contact_id)
        conversations = await fetch_dicts(conn, """
            select id, channel, last_message_at from conversations where contact_id = %s
             order by last_message_at desc""", (contact_id,))
    return render(request, "contact.html", staff=staff, contact=person, attributes=attributes, addresses=addresses,
                  tickets=tickets, invoices=invoices, conversations=conversations, value_text=value_text)


@router.get("/conversations/{conversation_id}")
async def conversation(request: Request, staff: Staff, conversation_id: UUID):
    """The transcript, rendered as text."""
    staff.require_dispatch()
    async with staff.tx() as conn:
        head = await fetch_dicts(conn, "select id, channel, phone, contact_id, created_at from conversations "
                                       "where id = %s", (conversation_id,))
        if not head:
            raise NotFound("Conversation not found.")
        messages = await fetch_dicts(conn, """
            select role, content, created_at from conversation_messages where conversation_id = %s order by seq""",
            (conversation_id,))
    return render(request, "conversation.html", staff=staff, conversation=head[0], messages=messages)
