"""Workflow integrity: the one set of rules REST, the board and the agent move a ticket by.

A status is never set by decree: scheduling comes from a booking, in progress from a clock-in, completed
from a close-out (each answers 409 naming its step). Cancelling takes the appointment and the queued
messages with it; assigning checks the skill and, for a booked ticket, moves the appointment itself.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection

from domain.errors import Conflict, NotFound
from domain.messages.service import revoke_ticket_messages
from domain.scheduling import service as scheduling
from domain.technicians.models import Technician
from domain.technicians.service import get_technician
from domain.tenants.models import Tenant
from domain.tickets import lifecycle
from domain.tickets.errors import StepRequired, step_required
from domain.tickets.participants import notify_participants
from domain.tickets.models import TRANSITIONS, Ticket, TicketStatus, TicketUpdate
from domain.tickets.service import ensure_open, get_ticket

API_CANCEL_REASON = "Cancelled by staff."


def _reachable(source: str, target: str) -> bool:
    """Whether the lifecycle leads from `source` to `target` through any number of steps."""
    seen, frontier = {source}, [source]
    while frontier:
        for following in TRANSITIONS[frontier.pop()]:
            if following == target:
                return True
            if following not in seen:
                seen.add(following)
                frontier.append(following)
    return False


async def request_status(conn: AsyncConnection, *, tenant: Tenant, ticket_id: UUID, status: TicketStatus,
                         now: datetime, reason: str | None = None) -> Ticket:
    """A status asked for directly: only cancelling is a step of its own; any other move names its step."""
    ticket = await get_ticket(conn, ticket_id=ticket_id, lock=True)
    ensure_open(ticket)
    if status == ticket.status:
        return ticket
    if status == "cancelled":
        return await cancel_ticket(conn, tenant=tenant, ticket_id=ticket_id, reason=reason, now=now)
    if not _reachable(ticket.status, status):
        raise Conflict(f"A ticket that is {ticket.status} cannot become {status}.", code="INVALID_TRANSITION")
    raise step_required(status)


async def cancel_ticket(conn: AsyncConnection, *, tenant: Tenant, ticket_id: UUID, reason: str | None,
                        now: datetime) -> Ticket:
    """Cancel for good: the appointment is cancelled, queued messages revoked, a customer who was told is told.

    A job in progress can be cancelled only with a reason (and gets no invoice). A closed ticket stays as it is.
    """
    ticket = await get_ticket(conn, ticket_id=ticket_id, lock=True)
    lifecycle.check_transition(ticket, "cancelled")
    reason = (reason or "").strip() or None
    if ticket.status == "in_progress" and reason is None:
        raise StepRequired("reason", "Say why a job already in progress is cancelled.")
    await revoke_ticket_messages(conn, ticket_id=ticket.id)
    appointment = await scheduling.booked_appointment_for_ticket(conn, ticket_id=ticket.id)
    if appointment is not None:
        await scheduling.release(conn, tenant=tenant, appointment_id=appointment.id, now=now)
    cancelled = await lifecycle.change_status(conn, tenant_id=tenant.id, ticket_id=ticket.id, status="cancelled",
                                              now=now, reason=reason or API_CANCEL_REASON)
    await notify_participants(conn, tenant=tenant, ticket_id=ticket.id, now=now,
                              update=f"cancelled ({cancelled.cancellation_reason})")
    return cancelled


async def assign_technician(conn: AsyncConnection, *, tenant: Tenant, ticket_id: UUID,
                            technician_id: UUID | None, now: datetime) -> Ticket:
    """Give the ticket to a technician who has the skill; a booked visit moves to them at the same time, or nothing changes."""
    ticket = await get_ticket(conn, ticket_id=ticket_id, lock=True)
    ensure_open(ticket)
    if technician_id == ticket.technician_id:
        return ticket
    if ticket.status == "in_progress":
        raise Conflict("The job has started; its technician stays until it is closed out or cancelled.",
                       code="JOB_STARTED")
    appointment = await scheduling.booked_appointment_for_ticket(conn, ticket_id=ticket.id)
    if technician_id is None:
        if appointment is not None:
            raise step_required("open")
        await lifecycle.set_technician(conn, ticket_id=ticket.id, technician_id=None)
        return await get_ticket(conn, ticket_id=ticket.id)
    technician = await _check_qualified(conn, ticket, technician_id)
    await notify_participants(conn, tenant=tenant, ticket_id=ticket.id, now=now, update=f"assigned to {technician.name}")
    if appointment is None:
        await lifecycle.set_technician(conn, ticket_id=ticket.id, technician_id=technician_id)
    else:   # the same time with the other technician, or SlotTaken/SlotUnavailable and nothing moved
        await scheduling.reschedule(conn, tenant=tenant, appointment_id=appointment.id, start=appointment.start,
                                    technician_id=technician_id, now=now)
    return await get_ticket(conn, ticket_id=ticket.id)


async def _check_qualified(conn: AsyncConnection, ticket: Ticket, technician_id: UUID) -> Technician:
    try:
        technician = await get_technician(conn, technician_id=technician_id)
    except NotFound:
        raise NotFound("Unknown technician.", code="UNKNOWN_TECHNICIAN") from None
    if not technician.active:
        raise Conflict(f"{technician.name} is not active.", code="TECHNICIAN_INACTIVE")
    if ticket.service_category not in technician.skills:
        raise Conflict(f"{technician.name} does not take {ticket.service_category} work.",
                       code="TECHNICIAN_NOT_QUALIFIED")
    return technician


async def change_ticket(conn: AsyncConnection, *, tenant: Tenant, ticket_id: UUID, data: TicketUpdate,
                        now: datetime) -> Ticket:
    """A PATCH: the details as sent, then the technician and the status through their rules, all or nothing."""
    fields = data.model_dump(exclude_unset=True)
    status = fields.pop("status", None)
    assigning = "technician_id" in fields
    technician_id = fields.pop("technician_id", None)
    if fields:
        await lifecycle.update_ticket(conn, tenant_id=tenant.id, ticket_id=ticket_id, now=now,
                                      data=TicketUpdate(**fields))
    if assigning:
        await assign_technician(conn, tenant=tenant, ticket_id=ticket_id, technician_id=technician_id, now=now)
    if status is not None:
        await request_status(conn, tenant=tenant, ticket_id=ticket_id, status=status, now=now)
    return await get_ticket(conn, ticket_id=ticket_id)
