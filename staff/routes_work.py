"""The technician's work on a job: clock, line items and the two-step close-out."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from agent.extractor import CATEGORIES, build_extractor
from domain.errors import Invalid
from domain.tickets_work import closeout, service
from domain.tickets_work.models import LineItemCreate, NextService
from staff.forms import attributes_from_form, equipment_from_form, line_from_form, value_text
from staff.web import Form, Staff, redirect, render

router = APIRouter(prefix="/staff", include_in_schema=False)


@router.post("/tickets/{ticket_id}/clock-in")
async def clock_in(staff: Staff, form: Form, ticket_id: UUID):
    async with staff.tx() as conn:
        await service.clock_in(conn, tenant_id=staff.tenant.id, ticket_id=ticket_id, now=staff.clock.now(),
                               only_technician=staff.only_technician)
    return redirect(f"/staff/tickets/{ticket_id}")


@router.post("/tickets/{ticket_id}/clock-out")
async def clock_out(staff: Staff, form: Form, ticket_id: UUID):
    async with staff.tx() as conn:
        await service.clock_out(conn, ticket_id=ticket_id, now=staff.clock.now(),
                                only_technician=staff.only_technician)
    return redirect(f"/staff/tickets/{ticket_id}")


@router.post("/tickets/{ticket_id}/line-items")
async def add_line_item(staff: Staff, form: Form, ticket_id: UUID):
    """A catalog service or a free-form part (name, quantity, unit price) on the job."""
    data = line_from_form(form, LineItemCreate)
    async with staff.tx() as conn:
        await service.add_line_item(conn, tenant_id=staff.tenant.id, ticket_id=ticket_id, data=data,
                                    only_technician=staff.only_technician)
    return redirect(f"/staff/tickets/{ticket_id}#line-items")


@router.post("/tickets/{ticket_id}/line-items/{line_id}/delete")
async def remove_line_item(staff: Staff, form: Form, ticket_id: UUID, line_id: UUID):
    async with staff.tx() as conn:
        await service.remove_line_item(conn, ticket_id=ticket_id, line_id=line_id,
                                       only_technician=staff.only_technician)
    return redirect(f"/staff/tickets/{ticket_id}#line-items")


@router.post("/tickets/{ticket_id}/closeout")
async def closeout_step1(request: Request, staff: Staff, form: Form, ticket_id: UUID):
    """Step 1: duration and notes are saved, the extractor runs now, step 2 shows what it found."""
    try:
        minutes = int(form.get("duration_minutes", ""))
    except ValueError:
        raise Invalid("Confirm the duration in minutes.", code="VALIDATION_ERROR") from None
    notes = form.get("notes", "")[:20000]
    async with staff.tx() as conn:
        ticket = await closeout.start_closeout(conn, ticket_id=ticket_id, duration_minutes=minutes, notes=notes,
                                               now=staff.clock.now(), only_technician=staff.only_technician)
        options = await closeout.next_visit_options(conn, tenant=staff.tenant, ticket=ticket, now=staff.clock.now())
    extraction = await _extractor(request).extract(notes) if notes.strip() else None
    return render(request, "closeout.html", staff=staff, ticket=ticket,
                  extracted=list(extraction.contact_attributes.items()) if extraction else [],
                  equipment=extraction.equipment if extraction else [],
                  follow_up=extraction.follow_up if extraction else None,
                  categories=CATEGORIES, value_text=value_text, blank_rows=2, options=options,
                  tz=staff.tenant.tz)


def _extractor(request: Request):
    state = request.app.state
    if getattr(state, "extractor", None) is None:
        state.extractor = build_extractor(state.settings)
    return state.extractor


def _next_service(form: dict[str, str]) -> NextService:
    """The step-2 choice: none, a reach-out in N months, or the next visit (at a chosen "technician|start")."""
    action = form.get("next_service", "none")
    months = form.get("months", "").strip()
    tech, _, start = form.get("next_slot", "").partition("|") if action == "schedule_now" else ("", "", "")
    try:
        return NextService(action=action, months=int(months) if months and action == "reach_out" else None,
                           technician_id=tech or None, start=start or None,
                           service=form.get("follow_up_service", "").strip()[:200] or None)
    except ValueError:  # pydantic's ValidationError is a ValueError
        raise Invalid("Choose the next service, and the months for a reach-out.", code="VALIDATION_ERROR") from None


@router.post("/tickets/{ticket_id}/closeout/finalize")
async def closeout_finalize(staff: Staff, form: Form, ticket_id: UUID):
    """Step 2: the confirmed attributes and the next service; the ticket closes for good."""
    next_service = _next_service(form)
    async with staff.tx() as conn:
        result = await closeout.finalize_closeout(
            conn, tenant=staff.tenant, ticket_id=ticket_id, author=staff.session.name,
            attributes=attributes_from_form(form), next_service=next_service, now=staff.clock.now(),
            booked_by=staff.actor, only_technician=staff.only_technician, equipment=equipment_from_form(form))
    url = f"/staff/invoices/{result.invoice_id}"
    if result.follow_up_code:
        state = "booked" if result.follow_up_appointment_id else "waiting"
        url += f"?next_visit={state}&code={result.follow_up_code}"
    return redirect(url)
