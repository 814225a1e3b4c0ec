"""The dispatcher takes a call: phone first (lookup), one form for the request, contact and address, then a time.

Three screens, three presses: look up the number, save the request, pick a time (or leave it on the board).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError

from domain.categories.service import list_categories, list_urgency_levels
from domain.contacts.models import AddressCreate
from domain.errors import Invalid
from domain.scheduling.service import book, find_options_for_ticket
from domain.tickets.service import get_ticket
from domain.workflow.phone_in import PhoneIn, look_up_caller, take_call
from staff.web import Form, Staff, redirect, render

router = APIRouter(prefix="/staff/phone-in", include_in_schema=False)
LENGTHS = (30, 60, 90, 120, 180, 240)
OPTION_COUNT = 6


@router.get("")
async def phone_in(request: Request, staff: Staff, phone: str = ""):
    """Step 1, the number; step 2 (once looked up), who it is and what they need."""
    staff.require_dispatch()
    async with staff.tx() as conn:
        caller = await look_up_caller(conn, tenant=staff.tenant, phone=phone) if phone.strip() else None
        categories = await list_categories(conn)
        urgencies = await list_urgency_levels(conn)
    return render(request, "phone_in.html", staff=staff, phone=phone, caller=caller, categories=categories,
                  urgencies=urgencies, lengths=LENGTHS)


def _phone_in(form: dict[str, str]) -> PhoneIn:
    try:
        new = AddressCreate(line1=form["line1"].strip(), city=form.get("city", "").strip() or None,
                            postal_code=form.get("postal_code", "").strip() or None) \
            if form.get("address") == "new" and form.get("line1", "").strip() else None
        chosen = form.get("address", "")
        return PhoneIn(phone=form.get("phone", ""), category=form.get("category", ""),
                       description=form.get("description", "").strip(), urgency=form.get("urgency") or "normal",
                       name=form.get("name", "").strip() or None, new_address=new,
                       address_id=UUID(chosen) if chosen not in ("", "new") else None,
                       preferred_time=form.get("preferred_time", "").strip() or None,
                       duration_minutes=int(form.get("minutes") or 60))
    except (ValidationError, ValueError):
        raise Invalid("Give the phone, the service and what the problem is; an address needs its street line.",
                      code="VALIDATION_ERROR") from None


@router.post("")
async def save_call(staff: Staff, form: Form):
    """Step 2 saved: the ticket (task-first), the caller's record and address; then the times to offer."""
    staff.require_dispatch()
    data = _phone_in(form)
    async with staff.tx() as conn:
        ticket = await take_call(conn, tenant=staff.tenant, data=data, now=staff.clock.now())
    return redirect(f"/staff/phone-in/{ticket.id}/times")


@router.get("/{ticket_id}/times")
async def times(request: Request, staff: Staff, ticket_id: UUID):
    """Step 3: the best free times for the ticket (its urgency window first), each one press to book."""
    staff.require_dispatch()
    async with staff.tx() as conn:
        ticket = await get_ticket(conn, ticket_id=ticket_id)
        offer = await find_options_for_ticket(conn, tenant=staff.tenant, ticket_id=ticket_id, now=staff.clock.now(),
                                              limit=OPTION_COUNT)
    return render(request, "phone_in_times.html", staff=staff, ticket=ticket, offer=offer, tz=staff.tenant.tz)


@router.post("/{ticket_id}/book")
async def book_time(staff: Staff, form: Form, ticket_id: UUID):
    """The chosen time, booked through scheduling (the customer's confirmation is queued with it)."""
    staff.require_dispatch()
    technician, _, start = form.get("option", "").partition("|")
    try:
        technician_id, starts_at, minutes = UUID(technician), datetime.fromisoformat(start), int(form["minutes"])
    except (ValueError, KeyError):
        raise Invalid("Choose one of the times.", code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        await book(conn, tenant=staff.tenant, ticket_id=ticket_id, technician_id=technician_id, start=starts_at,
                   duration_minutes=minutes, now=staff.clock.now(), booked_by=staff.actor)
    return redirect(f"/staff/tickets/{ticket_id}")
