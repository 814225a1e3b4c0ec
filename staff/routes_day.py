"""The technician's side before the work: the day (or week) of stops, and the job card with what to know,
how to reach the customer, and the "on my way" text."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError

from domain.attachments.models import KINDS
from domain.attachments.service import list_attachments
from domain.catalog.service import list_services
from domain.errors import Invalid
from domain.invoices.service import list_invoices
from domain.notes.service import list_ticket_notes
from domain.sla.service import SLA_WORDS, one_ticket_metrics
from domain.surveys.service import ticket_survey
from domain.taxes.service import list_tax_rates
from domain.tenants.checklist import setup_progress
from domain.tickets_work import card, service
from domain.tickets_work.models import DayJob
from staff.forms import value_text
from staff.ticket_panel import dispatch_panel
from staff.web import Form, Staff, StaffContext, redirect, render

router = APIRouter(prefix="/staff", include_in_schema=False)


def _shown_day(staff: StaffContext, day: str | None) -> date:
    try:
        return date.fromisoformat(day) if day else staff.clock.now().astimezone(staff.tenant.tz).date()
    except ValueError:
        raise Invalid("The day must look like 2025-11-06.", code="VALIDATION_ERROR") from None


@router.get("/")
async def home(staff: Staff):
    """An owner whose business is not set up yet starts at the checklist; then owners and dispatchers at the
    board, technicians at their day."""
    if staff.session.role == "owner":
        async with staff.tx() as conn:
            if not (await setup_progress(conn, tenant=staff.tenant)).complete:
                return redirect("/staff/setup")
    return redirect("/staff/board" if staff.session.dispatches else "/staff/day")


@router.get("/day")
async def day(request: Request, staff: Staff, technician: UUID | None = None, date: str | None = None,
              view: str = "day"):
    """The stops of a day in order (or of its week, day by day): address with a maps link, what to know
    about the customer, the job."""
    tech_id = technician if staff.session.dispatches and technician else staff.session.technician_id
    shown, tz = _shown_day(staff, date), staff.tenant.tz
    week = view == "week"
    first = shown - timedelta(days=shown.weekday()) if week else shown
    days = [first + timedelta(days=i) for i in range(7 if week else 1)]
    start, end = datetime.combine(days[0], time(0), tz), datetime.combine(days[-1] + timedelta(days=1), time(0), tz)
    async with staff.tx() as conn:
        jobs = await service.technician_day(conn, technician_id=tech_id, start=start, end=end) if tech_id else []
    by_day: dict[date, list[DayJob]] = {d: [] for d in days}
    for job in jobs:
        by_day.setdefault(job.ticket.starts_at.astimezone(tz).date(), []).append(job)
    today = staff.clock.now().astimezone(tz).date()
    step = timedelta(days=7 if week else 1)
    return render(request, "day.html", staff=staff, jobs=jobs, by_day=by_day, day=shown, week=week, today=today,
                  prev=shown - step, next=shown + step, value_text=value_text,
                  technician=technician if staff.session.dispatches else None)


async def _ticket_page(request: Request, staff: Staff, ticket_id: UUID, **extra):
    async with staff.tx() as conn:
        ticket = await service.get_work_ticket(conn, ticket_id=ticket_id, only_technician=staff.only_technician)
        context = await card.job_context(conn, ticket=ticket)
        lines = await service.list_line_items(conn, ticket_id=ticket_id)
        items = await list_services(conn)
        invoices = await list_invoices(conn, ticket_id=ticket_id)
        rates = await list_tax_rates(conn, active_only=True)
        photos = await list_attachments(conn, ticket_id=ticket_id)
        notes = await list_ticket_notes(conn, ticket_id=ticket_id)
        metrics = await one_ticket_metrics(conn, ticket_id=ticket_id, now=staff.clock.now())
        survey = await ticket_survey(conn, ticket_id=ticket_id)
        if staff.session.dispatches:   # who can take it, its visit, cancelling, its thread
            extra["panel"] = await dispatch_panel(conn, ticket_id=ticket_id)
    subtotal = sum((line.total for line in lines), Decimal(0))
    tax = sum((line.tax for line in lines), Decimal(0))
    return render(request, "ticket.html", staff=staff, ticket=ticket, lines=lines, catalog=items, subtotal=subtotal,
                  tax=tax, rates=rates, context=context, attributes=context.attributes, equipment=context.equipment,
                  invoices=invoices, value_text=value_text, now=staff.clock.now(), photos=photos, notes=notes,
                  photo_kinds=KINDS, metrics=metrics, survey=survey, sla_words=SLA_WORDS, **extra)


@router.get("/tickets/{ticket_id}")
async def ticket_page(request: Request, staff: Staff, ticket_id: UUID, sent: str | None = None):
    return await _ticket_page(request, staff, ticket_id, on_my_way_sent=sent == "on-my-way")


@router.post("/tickets/{ticket_id}/on-my-way")
async def on_my_way(staff: Staff, form: Form, ticket_id: UUID):
    """Texts the customer the technician's ETA (refused, with a reason, when they opted out of texts)."""
    try:
        data = card.OnMyWay(eta_minutes=form.get("eta_minutes", ""))
    except ValidationError:
        raise Invalid("Choose when you will arrive.", code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        await card.on_my_way(conn, tenant=staff.tenant, ticket_id=ticket_id, technician_name=staff.session.name,
                             data=data, now=staff.clock.now(), only_technician=staff.only_technician)
    return redirect(f"/staff/tickets/{ticket_id}?sent=on-my-way")
