"""Finding and booking times. The model never writes a time: it picks an option id this module issued."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pydantic_ai import RunContext

from domain.db import fetch_value
from domain.errors import DomainError
from domain.scheduling import service as scheduling
from domain.scheduling.errors import SlotTaken, SlotUnavailable
from domain.scheduling.models import AppointmentOption
from domain.scheduling.tickets import ticket_context
from domain.contacts.addresses import list_addresses
from domain.tickets.lifecycle import update_ticket
from domain.tickets.models import TicketUpdate
from domain.tenants.area import in_service_area
from domain.tickets.service import get_ticket, get_ticket_by_code
from tools.deps import AgentDeps
from tools.handoff import call_staff
from tools.models import BookingResult, Option, OptionsResult
from tools.when import Window, resolve_when

SEARCH_LIMIT = 12


def local_label(moment: datetime | str, deps: AgentDeps) -> str:
    """'Thursday, November 6 at 9:30 AM' in the tenant's timezone."""
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    local = value.astimezone(deps.tenant.tz)
    return f"{local:%A, %B} {local.day} at {local:%I:%M %p}".replace(" at 0", " at ")


async def own_ticket(deps: AgentDeps, conn, code: str):
    """A ticket this caller may schedule: one of this conversation's, or a verified customer's own."""
    try:
        ticket = await get_ticket_by_code(conn, code=code)
    except DomainError:
        return None
    mine = ticket.conversation_id == deps.conversation.id
    owned = deps.verified and ticket.customer_phone == deps.conversation.phone
    return ticket if (mine or owned) else None


def remember_options(deps: AgentDeps, ticket, options: list[AppointmentOption],
                     appointment_id: UUID | None = None) -> list[Option]:
    """Issue short ids for these options; every earlier id stops working."""
    number = deps.state.get("options", {}).get("set", 0) + 1
    items: dict[str, Any] = {}
    shown = []
    for letter, option in zip("abcdef", options):
        option_id = f"{number}{letter}"
        items[option_id] = {"ticket_id": str(ticket.id), "ticket_code": ticket.code,
                            "technician_id": str(option.technician_id), "technician": option.technician_name,
                            "start": option.start.isoformat(), "end": option.end.isoformat(),
                            "appointment_id": str(appointment_id) if appointment_id else None}
        shown.append(Option(option_id=option_id, technician=option.technician_name,
                            start=local_label(option.start, deps), end=local_label(option.end, deps)))
    deps.state["options"] = {"set": number, "items": items}
    return shown


async def search_options(deps: AgentDeps, conn, ticket, when: str | None) -> tuple[list[AppointmentOption], bool]:
    """Options for the customer's words (nearest valid ones when none fit), else for the ticket's urgency.

    Only a verified caller gets their previous technician ranked first: for anyone else that ranking
    would tell who has served this number before.
    """
    now, tenant = deps.now(), deps.tenant
    window = resolve_when(when or ticket.preferred_time or "", now=now, tz=tenant.tz)
    tctx = await ticket_context(conn, ticket_id=ticket.id, now=now)
    if window is None or not window.specific:
        if deps.verified:
            result = await scheduling.find_options_for_ticket(conn, tenant=tenant, ticket_id=ticket.id, now=now)
            return result.options, result.within_window
        start, end = tctx.window(now, scheduling.horizon_end(tenant, now))
        window = Window(earliest=start, latest=end)
    search = dict(tenant=tenant, category=tctx.category, duration_minutes=tctx.duration_minutes, now=now,
                  preferred_technician=tctx.previous_technician_id if deps.verified else None,
                  customer_busy=tctx.customer_busy, spread=ticket.id)
    found = await scheduling.find_options(conn, earliest=window.earliest, latest=window.latest,
                                          limit=SEARCH_LIMIT, **search)
    fitting = [o for o in found if window.accepts(o.start, tenant.tz)]
    if fitting:
        return fitting[:3], True
    nearest = await scheduling.find_options(conn, earliest=window.earliest, latest=scheduling.horizon_end(tenant, now),
                                            limit=3, **search)
    return nearest, False


async def find_appointment_options(ctx: RunContext[AgentDeps], ticket_code: str,
                                   when: str | None = None) -> OptionsResult:
    """Up to three bookable times for a ticket, best first; offer them and book the one chosen.

    Args:
        ticket_code: The ticket from record_service_request (or from list_my_appointments to reschedule).
        when: When the customer wants the visit, in their own words ("tomorrow morning"); never a date you computed.
    """
    deps = ctx.deps
    deps.tool_calls.append("find_appointment_options")
    async with deps.tx() as conn:
        ticket = await own_ticket(deps, conn, ticket_code)
        if ticket is None:
            return OptionsResult(error="UNKNOWN_TICKET", message="Use a ticket code from this conversation.")
        if not in_service_area(ticket.service_address, deps.tenant.service_area_places):
            return outside_area(deps, ticket.code)
        try:
            options, matched = await search_options(deps, conn, ticket, when)
        except DomainError as exc:
            return OptionsResult(error=exc.code, message=exc.message, ticket_code=ticket.code)
        live = await fetch_value(conn, "select id from appointments where ticket_id = %s and status = 'booked'",
                                 (ticket.id,))
    if not options:
        async with deps.tx() as conn:
            await call_staff(deps, conn, f"No technician found for {ticket.service_category} ({ticket.code})")
        return OptionsResult(ticket_code=ticket.code, error="NO_FREE_TIME",
                             message="No free time soon; the request is kept and staff will call back.")
    return OptionsResult(ticket_code=ticket.code, options=remember_options(deps, ticket, options, live),
                         matched_request=matched)


async def book_appointment(ctx: RunContext[AgentDeps], option_id: str) -> BookingResult:
    """Book one of the options from the latest find_appointment_options, after the customer agreed.

    Args:
        option_id: The option_id the customer chose.
    """
    deps = ctx.deps
    deps.tool_calls.append("book_appointment")
    chosen = deps.state.get("options", {}).get("items", {}).get(option_id.strip().lower())
    if chosen is None:
        return await _stale(deps)
    if chosen.get("appointment_id"):
        return BookingResult(error="USE_RESCHEDULE", message="This option moves an existing appointment.")
    start, end = datetime.fromisoformat(chosen["start"]), datetime.fromisoformat(chosen["end"])
    try:
        async with deps.tx() as conn:
            ticket = await get_ticket(conn, ticket_id=UUID(chosen["ticket_id"]))
            ticket = await with_address_on_file(deps, conn, ticket)
            if not in_service_area(ticket.service_address, deps.tenant.service_area_places):
                return BookingResult(error="OUTSIDE_SERVICE_AREA", ticket_code=ticket.code,
                                     message=outside_area(deps, ticket.code).message)
            appointment = await scheduling.book(
                conn, tenant=deps.tenant, ticket_id=ticket.id, technician_id=UUID(chosen["technician_id"]),
                start=start, duration_minutes=int((end - start) / timedelta(minutes=1)), now=deps.now(),
                booked_by=f"agent:{deps.conversation.id}")
            queued = await confirmation_queued(conn, appointment.id)
            if ticket.urgency_level == "emergency":
                await call_staff(deps, conn, f"Emergency booked: {ticket.code} ({ticket.service_category})",
                                 after_open_requests=True)
    except (SlotTaken, SlotUnavailable) as exc:
        async with deps.tx() as conn:
            ticket = await get_ticket(conn, ticket_id=UUID(chosen["ticket_id"]))
        return BookingResult(error=exc.code, message="That time is no longer free; offer these instead.",
                             options=remember_options(deps, ticket, exc.alternatives))
    except DomainError as exc:
        return BookingResult(error=exc.code, message=exc.message)
    _record_booking(deps, ticket, appointment.id)
    return BookingResult(booked=True, ticket_code=ticket.code, technician=appointment.technician_name,
                         start=local_label(appointment.start, deps), end=local_label(appointment.end, deps),
                         address=ticket.service_address, confirmation_sms=queued)


def outside_area(deps: AgentDeps, ticket_code: str) -> OptionsResult:
    """The address is not in the places the business serves: no times are offered (the request is kept)."""
    area = deps.tenant.service_area or ", ".join(deps.tenant.service_area_places)
    return OptionsResult(error="OUTSIDE_SERVICE_AREA", ticket_code=ticket_code,
                         message=f"That address is outside the area we serve ({area}); no time can be booked there.")


async def with_address_on_file(deps: AgentDeps, conn, ticket):
    """A verified returning customer who confirmed 'same address': the ticket takes their primary address."""
    if ticket.service_address or ticket.contact_id is None or not deps.verified:
        return ticket
    addresses = await list_addresses(conn, contact_id=ticket.contact_id)
    primary = next((a for a in addresses if a.is_primary), addresses[0] if addresses else None)
    if primary is None:
        return ticket
    return await update_ticket(conn, tenant_id=deps.tenant.id, ticket_id=ticket.id, now=deps.now(),
                               data=TicketUpdate(service_address=primary.one_line(), address_id=primary.id))


async def confirmation_queued(conn, appointment_id: UUID) -> bool:
    """Whether the booking transaction queued a confirmation text (only then may the agent promise one)."""
    return bool(await fetch_value(conn, """
        select exists (select 1 from scheduled_messages
                        where appointment_id = %s and message_type = 'appointment_confirmation')""",
        (appointment_id,)))


def _record_booking(deps: AgentDeps, ticket, appointment_id: UUID) -> None:
    for entry in deps.state.setdefault("tickets", []):
        if entry["id"] == str(ticket.id):
            entry["appointment_id"] = str(appointment_id)
    deps.state.setdefault("bookings", []).append({"ticket_id": str(ticket.id), "appointment_id": str(appointment_id)})
    deps.state["options"] = {"set": deps.state.get("options", {}).get("set", 0), "items": {}}


async def _stale(deps: AgentDeps) -> BookingResult:
    """An unknown or expired option id: say so, with fresh options for the next unbooked ticket."""
    pending = [t for t in deps.state.get("tickets", []) if not t.get("appointment_id")]
    if not pending:
        return BookingResult(error="UNKNOWN_OPTION", message="Call find_appointment_options first.")
    async with deps.tx() as conn:
        ticket = await get_ticket(conn, ticket_id=UUID(pending[0]["id"]))
        options, _ = await search_options(deps, conn, ticket, None)
    return BookingResult(error="UNKNOWN_OPTION", message="That option is not on offer; offer these instead.",
                         options=remember_options(deps, ticket, options))
