"""The dispatcher's tickets: a list and a kanban filtered by urgency, category and technician; a ticket by its code;
cancelling a ticket with a reason."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from domain.categories.service import list_categories, list_urgency_levels
from domain.errors import Invalid
from domain.inbox.thread import post_to_ticket
from domain.live import conversation_changed
from domain.technicians.service import list_technicians
from domain.tickets import participants
from domain.tickets.kanban import KANBAN_COLUMNS, kanban
from domain.tickets.models import TicketFilter
from domain.tickets.service import get_ticket_by_code
from domain.workflow.service import cancel_ticket
from staff.live import StaffLive
from staff.routes_inbox import staff_message
from staff.web import Form, Staff, redirect, render

router = APIRouter(prefix="/staff/tickets", include_in_schema=False)

LANE_TITLES = {"open": "Open", "waitlisted": "Waitlisted (no one free yet)", "scheduled": "Scheduled",
               "in_progress": "In progress", "completed": "Completed"}


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        raise Invalid("Choose someone from the list.", code="VALIDATION_ERROR") from None


@router.get("")
async def tickets(request: Request, staff: Staff, view: str = "kanban", urgency: str = "", category: str = "",
                  technician: str = ""):
    """Every live ticket by stage; emergencies first and marked, completed ones last and greyed."""
    staff.require_dispatch()
    filters = TicketFilter(urgency=urgency or None, category=category or None, technician_id=_uuid(technician))
    async with staff.tx() as conn:
        lanes = await kanban(conn, filters=filters, region=staff.tenant.phone_region)
        categories, urgencies = await list_categories(conn), await list_urgency_levels(conn)
        technicians = await list_technicians(conn)
    return render(request, "tickets.html", staff=staff, lanes=lanes, order=KANBAN_COLUMNS, titles=LANE_TITLES,
                  view="list" if view == "list" else "kanban", urgency=urgency, category=category,
                  technician=technician, categories=categories, urgencies=urgencies, technicians=technicians,
                  tz=staff.tenant.tz)


@router.get("/by-code/{code}")
async def by_code(staff: Staff, code: str):
    staff.require_dispatch()
    async with staff.tx() as conn:
        ticket = await get_ticket_by_code(conn, code=code)
    return redirect(f"/staff/tickets/{ticket.id}")


@router.post("/{ticket_id}/cancel")
async def cancel(staff: Staff, form: Form, ticket_id: UUID):
    """Cancel for good with a reason: the visit is released and a customer who was told is told."""
    staff.require_dispatch()
    reason = form.get("reason", "").strip()
    if not 1 <= len(reason) <= 500:
        raise Invalid("Say why the ticket is cancelled (up to 500 characters).", code="VALIDATION_ERROR")
    async with staff.tx() as conn:
        await cancel_ticket(conn, tenant=staff.tenant, ticket_id=ticket_id, reason=reason, now=staff.clock.now())
    return redirect(f"/staff/tickets/{ticket_id}")


@router.post("/{ticket_id}/thread")
async def post_thread(staff: Staff, live: StaffLive, form: Form, ticket_id: UUID):
    """A private note on the ticket, or a message to the customer on the ticket's conversation."""
    staff.require_dispatch()
    data = staff_message(form)
    async with staff.tx() as conn:
        conversation_id = await post_to_ticket(conn, tenant=staff.tenant, ticket_id=ticket_id, data=data,
                                               author_id=staff.session.staff_user_id, author=staff.actor,
                                               now=staff.clock.now())
    if conversation_id is not None:
        conversation_changed(live, staff.tenant.id, conversation_id)
    return redirect(f"/staff/tickets/{ticket_id}#thread")


@router.post("/{ticket_id}/participants")
async def add_participant(staff: Staff, form: Form, ticket_id: UUID):
    """A staff member follows the ticket's updates (by email)."""
    staff.require_dispatch()
    person = _uuid(form.get("staff_user_id")) or staff.session.staff_user_id
    async with staff.tx() as conn:
        await participants.follow(conn, tenant_id=staff.tenant.id, ticket_id=ticket_id, staff_user_id=person)
    return redirect(f"/staff/tickets/{ticket_id}#participants")


@router.post("/{ticket_id}/participants/{staff_user_id}/remove")
async def remove_participant(staff: Staff, form: Form, ticket_id: UUID, staff_user_id: UUID):
    staff.require_dispatch()
    async with staff.tx() as conn:
        await participants.unfollow(conn, ticket_id=ticket_id, staff_user_id=staff_user_id)
    return redirect(f"/staff/tickets/{ticket_id}#participants")
