"""A verified customer's own appointments and history. Unverified callers get nothing but a refusal."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic_ai import RunContext

from domain.db import fetch_all, fetch_dicts
from domain.errors import DomainError
from domain.scheduling import service as scheduling
from domain.scheduling.errors import SlotTaken, SlotUnavailable
from domain.scheduling.models import Appointment
from domain.tickets.service import get_ticket
from domain.workflow.service import cancel_ticket
from tools.booking import local_label, remember_options
from tools.deps import AgentDeps
from tools.equipment import equipment_on_record
from tools.models import AppointmentsResult, BookingResult, HistoryItem, HistoryResult, MyAppointment, ToolResult

CUSTOMER_CANCEL_REASON = "Cancelled by the customer."
VERIFY_FIRST = ToolResult(error="VERIFICATION_REQUIRED",
                          message="Only after the customer enters the code texted to their number.")


async def _upcoming(deps: AgentDeps, conn) -> list[Appointment]:
    return await fetch_all(conn, Appointment, scheduling.APPOINTMENT_SQL + """
         where a.status = 'booked' and upper(a.during) > %(now)s
           and (t.customer_phone = %(phone)s or t.contact_id = %(contact)s)
         order by lower(a.during) limit 10""",
        {"now": deps.now(), "phone": deps.conversation.phone, "contact": deps.conversation.contact_id})


async def list_my_appointments(ctx: RunContext[AgentDeps]) -> AppointmentsResult:
    """The verified customer's upcoming appointments, each with a ref to cancel or reschedule it."""
    deps = ctx.deps
    deps.tool_calls.append("list_my_appointments")
    if not deps.verified:
        return AppointmentsResult(**VERIFY_FIRST.model_dump())
    async with deps.tx() as conn:
        rows = await _upcoming(deps, conn)
        categories = {r["id"]: r["category"] for r in await fetch_dicts(
            conn, "select id, category from tickets where id = any(%s)", ([a.ticket_id for a in rows],))}
    refs = {f"r{i}": str(a.id) for i, a in enumerate(rows, 1)}
    deps.state["appointment_refs"] = refs
    return AppointmentsResult(appointments=[
        MyAppointment(ref=ref, ticket_code=a.ticket_code, category=categories.get(a.ticket_id, ""),
                      technician=a.technician_name, start=local_label(a.start, deps))
        for ref, a in zip(refs, rows)])


def _appointment_id(deps: AgentDeps, ref: str) -> UUID | None:
    value = deps.state.get("appointment_refs", {}).get(ref.strip().lower())
    return UUID(value) if value else None


async def cancel_appointment(ctx: RunContext[AgentDeps], ref: str) -> BookingResult:
    """Cancel one of the verified customer's appointments, after they confirmed.

    Args:
        ref: The ref from list_my_appointments.
    """
    deps = ctx.deps
    deps.tool_calls.append("cancel_appointment")
    if not deps.verified:
        return BookingResult(**VERIFY_FIRST.model_dump())
    appointment_id = _appointment_id(deps, ref)
    if appointment_id is None:
        return BookingResult(error="UNKNOWN_REF", message="Call list_my_appointments and use one of its refs.")
    try:
        async with deps.tx() as conn:
            appointment = await scheduling.get_appointment(conn, appointment_id=appointment_id)
            # the customer calls the visit off: the request goes with it (it must not return to the board)
            await cancel_ticket(conn, tenant=deps.tenant, ticket_id=appointment.ticket_id,
                                reason=CUSTOMER_CANCEL_REASON, now=deps.now())
    except DomainError as exc:
        return BookingResult(error=exc.code, message=exc.message)
    return BookingResult(ticket_code=appointment.ticket_code, technician=appointment.technician_name,
                         start=local_label(appointment.start, deps), message="Cancelled.")


async def reschedule_appointment(ctx: RunContext[AgentDeps], ref: str, option_id: str) -> BookingResult:
    """Move one of the verified customer's appointments to an option found for its ticket.

    Args:
        ref: The ref from list_my_appointments.
        option_id: An option from find_appointment_options for that appointment's ticket_code.
    """
    deps = ctx.deps
    deps.tool_calls.append("reschedule_appointment")
    if not deps.verified:
        return BookingResult(**VERIFY_FIRST.model_dump())
    appointment_id = _appointment_id(deps, ref)
    chosen = deps.state.get("options", {}).get("items", {}).get(option_id.strip().lower())
    if appointment_id is None or chosen is None or chosen.get("appointment_id") != str(appointment_id):
        return BookingResult(error="UNKNOWN_OPTION",
                             message="Find options for this appointment's ticket_code, then use one of them.")
    try:
        async with deps.tx() as conn:
            moved = await scheduling.reschedule(conn, tenant=deps.tenant, appointment_id=appointment_id,
                                                start=datetime.fromisoformat(chosen["start"]), now=deps.now(),
                                                technician_id=UUID(chosen["technician_id"]))
    except (SlotTaken, SlotUnavailable) as exc:
        async with deps.tx() as conn:
            ticket = await _ticket_of(conn, appointment_id)
        return BookingResult(error=exc.code, message="That time is no longer free; offer these instead.",
                             options=remember_options(deps, ticket, exc.alternatives, appointment_id))
    except DomainError as exc:
        return BookingResult(error=exc.code, message=exc.message)
    return BookingResult(booked=True, ticket_code=moved.ticket_code, technician=moved.technician_name,
                         start=local_label(moved.start, deps), end=local_label(moved.end, deps))


async def _ticket_of(conn, appointment_id: UUID):
    appointment = await scheduling.get_appointment(conn, appointment_id=appointment_id)
    return await get_ticket(conn, ticket_id=appointment.ticket_id)


async def service_history(ctx: RunContext[AgentDeps]) -> HistoryResult:
    """The verified customer's past and open requests (newest first) and appliances on record."""
    deps = ctx.deps
    deps.tool_calls.append("service_history")
    if not deps.verified:
        return HistoryResult(**VERIFY_FIRST.model_dump())
    async with deps.tx() as conn:
        rows = await fetch_dicts(conn, """
            select code, category, title, status, created_at from tickets
             where kind = 'service' and (customer_phone = %s or contact_id = %s)
             order by created_at desc limit 5""", (deps.conversation.phone, deps.conversation.contact_id))
        equipment = await equipment_on_record(conn, deps)
    return HistoryResult(items=[
        HistoryItem(ticket_code=r["code"], category=r["category"], title=r["title"], status=r["status"],
                    date=f"{r['created_at'].astimezone(deps.tenant.tz):%B %d, %Y}") for r in rows],
        equipment=equipment)
