"""The technician's side: the day, a job (clock, line items, notes) and the two-step close-out."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request

from agent.extractor import CATEGORIES, build_extractor
from domain.catalog.service import list_services
from domain.contacts.attributes import attributes_by_contact
from domain.errors import Invalid
from domain.invoices.service import list_invoices
from domain.sla.service import SLA_WORDS, one_ticket_metrics
from domain.surveys.service import ticket_survey
from domain.tickets_work import closeout, service
from domain.tickets_work.models import LineItemCreate, NextService
from staff.forms import attributes_from_form, value_text
from staff.ticket_panel import dispatch_panel
from staff.web import Form, Staff, redirect, render

router = APIRouter(prefix="/staff", include_in_schema=False)


def _day_bounds(staff, day: str | None) -> tuple[datetime, datetime, datetime]:
    tz = ZoneInfo(staff.tenant.timezone)
    try:
        local = datetime.fromisoformat(day).date() if day else staff.clock.now().astimezone(tz).date()
    except ValueError:
        raise Invalid("The day must look like 2025-11-06.", code="VALIDATION_ERROR") from None
    start = datetime.combine(local, time(0), tz)
    return start, datetime.combine(local + timedelta(days=1), time(0), tz), start


@router.get("/")
async def home(staff: Staff):
    return redirect("/staff/board" if staff.session.dispatches else "/staff/day")


@router.get("/day")
async def day(request: Request, staff: Staff, technician: UUID | None = None, date: str | None = None):
    """Today's stops in order: address with a maps link, what to know about the customer, the job."""
    tech_id = technician if staff.session.dispatches and technician else staff.session.technician_id
    start, end, local = _day_bounds(staff, date)
    async with staff.tx() as conn:
        jobs = await service.technician_day(conn, technician_id=tech_id, start=start, end=end) if tech_id else []
    return render(request, "day.html", staff=staff, jobs=jobs, day=local, value_text=value_text)


async def _ticket_page(request: Request, staff: Staff, ticket_id: UUID, **extra):
    async with staff.tx() as conn:
        ticket = await service.get_work_ticket(conn, ticket_id=ticket_id, only_technician=staff.only_technician)
        lines = await service.list_line_items(conn, ticket_id=ticket_id)
        items = await list_services(conn)
        attributes = (await attributes_by_contact(conn, contact_ids=[ticket.contact_id])).get(
            ticket.contact_id, {}) if ticket.contact_id else {}
        invoices = await list_invoices(conn, ticket_id=ticket_id)
        metrics = await one_ticket_metrics(conn, ticket_id=ticket_id, now=staff.clock.now())
        survey = await ticket_survey(conn, ticket_id=ticket_id)
        if staff.session.dispatches:   # who can take it, its visit, cancelling, its thread
            extra["panel"] = await dispatch_panel(conn, ticket_id=ticket_id)
    total = sum((line.total for line in lines), Decimal(0))
    return render(request, "ticket.html", staff=staff, ticket=ticket, lines=lines, catalog=items, total=total,
                  attributes=attributes, invoices=invoices, value_text=value_text, metrics=metrics, survey=survey,
                  sla_words=SLA_WORDS, now=staff.clock.now(), **extra)


@router.get("/tickets/{ticket_id}")
async def ticket_page(request: Request, staff: Staff, ticket_id: UUID):
    return await _ticket_page(request, staff, ticket_id)


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


def _decimal(text: str | None, field: str) -> Decimal | None:
    if text is None or not text.strip():
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise Invalid(f"{field} must be a number.", code="VALIDATION_ERROR") from None


@router.post("/tickets/{ticket_id}/line-items")
async def add_line_item(staff: Staff, form: Form, ticket_id: UUID):
    try:
        data = LineItemCreate(service_id=UUID(form.get("service_id", "")),
                              quantity=_decimal(form.get("quantity"), "Quantity") or Decimal(1),
                              unit_price=_decimal(form.get("unit_price"), "Price"))
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise Invalid("Choose a service and a positive quantity and price.", code="VALIDATION_ERROR") from exc
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
    extracted = (await _extractor(request).extract(notes)).attributes if notes.strip() else {}
    return render(request, "closeout.html", staff=staff, ticket=ticket, extracted=list(extracted.items()),
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
                           technician_id=tech or None, start=start or None)
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
            booked_by=staff.actor, only_technician=staff.only_technician)
    url = f"/staff/invoices/{result.invoice_id}"
    if result.follow_up_code:
        state = "booked" if result.follow_up_appointment_id else "waiting"
        url += f"?next_visit={state}&code={result.follow_up_code}"
    return redirect(url)
