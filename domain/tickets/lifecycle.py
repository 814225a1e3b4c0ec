"""Changing a ticket: guarded status transitions, contact linking, field updates."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection, sql

from domain.categories.service import require_category, require_urgency
from domain.contacts.service import get_contact
from domain.db import fetch_one, fetch_value
from domain.errors import Conflict, Invalid, NotFound
from domain.outbox.service import NewEvent, emit_events
from domain.tickets.models import CLOSING, TRANSITIONS, Ticket, TicketStatus, TicketUpdate
from domain.tickets.service import COLUMNS, ensure_open, get_ticket

# TicketUpdate fields stored under another column name
COLUMN_OF = {"service_category": "category", "urgency_level": "urgency"}


async def change_status(conn: AsyncConnection, *, tenant_id: UUID, ticket_id: UUID, status: TicketStatus,
                        now: datetime, reason: str | None = None) -> Ticket:
    """Move along the lifecycle (the workflow step's own move); completing or cancelling closes it for good.

    Surfaces never call this with a status of their choosing: domain/workflow decides which step may.
    """
    ticket = await get_ticket(conn, ticket_id=ticket_id)
    if status == ticket.status:
        return ticket
    check_transition(ticket, status)
    updated = await fetch_one(conn, Ticket, f"""
        update tickets set status = %(status)s,
               closed_at = case when %(closing)s then %(now)s end,
               cancellation_reason = case when %(status)s = 'cancelled' then %(reason)s end,
               waitlisted = waitlisted and not %(closing)s
         where id = %(id)s returning {COLUMNS}""",
        {"status": status, "closing": status in CLOSING, "now": now, "id": ticket_id, "reason": reason})
    assert updated is not None
    await _status_changed(conn, tenant_id, ticket, status)
    return updated


def check_transition(ticket: Ticket, status: TicketStatus) -> None:
    """Conflict unless the lifecycle lets `ticket` become `status` (a closed ticket never changes)."""
    ensure_open(ticket)
    if status not in TRANSITIONS[ticket.status]:
        raise Conflict(f"A ticket that is {ticket.status} cannot become {status}.", code="INVALID_TRANSITION")


def ensure_schedulable(ticket: Ticket) -> None:
    """A ticket can take an appointment while open, or while scheduled (to another time or technician)."""
    if ticket.status != "scheduled":
        check_transition(ticket, "scheduled")


def status_changed(ticket: Ticket, status: str) -> NewEvent:
    return NewEvent(event_type="ticket.status_changed", entity_id=ticket.id,
                    payload={"code": ticket.code, "from": ticket.status, "to": status})


async def _status_changed(conn: AsyncConnection, tenant_id: UUID, ticket: Ticket, status: str) -> None:
    await emit_events(conn, tenant_id=tenant_id, events=[status_changed(ticket, status)])


def schedule_sql(only_if: str = "true") -> str:
    """Ticket `%(ticket)s` scheduled, assigned to `%(technician)s` and off the waitlist, when `only_if` holds.

    A statement of its own (schedule_ticket), or one part of the statement that books an appointment.
    """
    return f"""
        update tickets set status = 'scheduled', technician_id = %(technician)s, waitlisted = false
         where id = %(ticket)s and {only_if}"""


def schedule_events(ticket: Ticket) -> list[NewEvent]:
    """What scheduling `ticket` announces (after the lifecycle allows it): its status change, if any."""
    ensure_schedulable(ticket)
    return [] if ticket.status == "scheduled" else [status_changed(ticket, "scheduled")]


async def schedule_ticket(conn: AsyncConnection, *, tenant_id: UUID, ticket: Ticket, technician_id: UUID) -> None:
    """Its appointment is booked: scheduled, assigned to the technician and off the waitlist."""
    events = schedule_events(ticket)
    await conn.execute(schedule_sql(), {"technician": technician_id, "ticket": ticket.id})
    await emit_events(conn, tenant_id=tenant_id, events=events)


async def unschedule_ticket(conn: AsyncConnection, *, tenant_id: UUID, ticket: Ticket) -> None:
    """Its appointment was cancelled: a scheduled ticket is open and unassigned again (never lost)."""
    if ticket.status != "scheduled":
        return   # work already started (in progress) stays where it is
    check_transition(ticket, "open")
    await conn.execute("update tickets set technician_id = null, status = 'open' where id = %s", (ticket.id,))
    await _status_changed(conn, tenant_id, ticket, "open")


async def set_technician(conn: AsyncConnection, *, ticket_id: UUID, technician_id: UUID | None) -> None:
    """The ticket's technician, for a ticket without a booked appointment (the workflow checks the rest)."""
    await conn.execute("update tickets set technician_id = %s where id = %s", (technician_id, ticket_id))


async def attach_conversation(conn: AsyncConnection, *, ticket_id: UUID, conversation_id: UUID) -> None:
    """The conversation the ticket's thread is carried on (a phone-in ticket gets one when staff first write)."""
    await conn.execute("update tickets set conversation_id = %s where id = %s and conversation_id is null",
                       (conversation_id, ticket_id))


async def waitlist_ticket(conn: AsyncConnection, *, ticket_id: UUID) -> bool:
    """No time to offer: an open ticket stays open, unassigned and waitlisted; True when newly flagged."""
    cur = await conn.execute("""
        update tickets set waitlisted = true, technician_id = null
         where id = %(id)s and status = 'open' and not waitlisted""", {"id": ticket_id})
    return cur.rowcount > 0


async def link_contact(conn: AsyncConnection, *, ticket_id: UUID, contact_id: UUID) -> Ticket:
    """Attach the customer record to a task-first ticket; linking the same contact again changes nothing."""
    ticket = await get_ticket(conn, ticket_id=ticket_id)
    if ticket.contact_id == contact_id:
        return ticket
    ensure_open(ticket)
    if ticket.contact_id is not None:
        raise Conflict("This ticket already belongs to another contact.", code="TICKET_ALREADY_LINKED")
    try:
        contact = await get_contact(conn, contact_id=contact_id)
    except NotFound:
        raise NotFound("Unknown contact.", code="UNKNOWN_CONTACT") from None
    linked = await fetch_one(conn, Ticket, f"""
        update tickets set contact_id = %s, customer_name = coalesce(customer_name, %s)
         where id = %s returning {COLUMNS}""", (contact.id, contact.name, ticket_id))
    assert linked is not None
    return linked


async def link_tickets_by_phone(conn: AsyncConnection, *, contact_id: UUID) -> int:
    """Link every open, unlinked ticket carrying the contact's phone (after the customer registers)."""
    contact = await get_contact(conn, contact_id=contact_id)
    if not contact.phone:
        return 0
    cur = await conn.execute("""
        update tickets set contact_id = %s, customer_name = coalesce(customer_name, %s)
         where contact_id is null and customer_phone = %s and closed_at is null""",
        (contact.id, contact.name, contact.phone))
    return cur.rowcount


async def _checked_fields(conn: AsyncConnection, ticket: Ticket, fields: dict[str, Any]) -> dict[str, Any]:
    """The changed fields with vocabulary and references resolved against the tenant's data."""
    if fields.get("service_category") is not None:
        fields["service_category"] = (await require_category(conn, text=fields["service_category"])).key
    if fields.get("urgency_level") is not None:
        fields["urgency_level"] = (await require_urgency(conn, key=fields["urgency_level"])).key
    if fields.get("address_id") is not None:
        owner = await fetch_value(conn, "select contact_id from addresses where id = %s", (fields["address_id"],))
        if owner is None or owner != ticket.contact_id:
            raise NotFound("The address is not one of this ticket's customer.", code="UNKNOWN_ADDRESS")
    for required in ("service_category", "urgency_level", "description"):
        if required in fields and fields[required] is None:
            raise Invalid(f"{required} cannot be empty.", code="VALIDATION_ERROR")
    return fields


async def update_ticket(conn: AsyncConnection, *, tenant_id: UUID, ticket_id: UUID, data: TicketUpdate,
                        now: datetime) -> Ticket:
    """Change only the detail fields that were sent; the contact is linked.

    The status and the technician move only through domain/workflow (change_ticket), which calls this for the rest.
    """
    fields = data.model_dump(exclude_unset=True)
    if "status" in fields or "technician_id" in fields:
        raise Invalid("Status and technician change through the ticket workflow.", code="WORKFLOW_FIELD")
    contact_id = fields.pop("contact_id", None)
    ensure_open(await get_ticket(conn, ticket_id=ticket_id))
    if contact_id is not None:
        await link_contact(conn, ticket_id=ticket_id, contact_id=contact_id)
    fields = await _checked_fields(conn, await get_ticket(conn, ticket_id=ticket_id), fields)
    if fields:
        assignments = sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.Identifier(COLUMN_OF.get(name, name)), sql.Placeholder(name))
            for name in fields)
        await conn.execute(sql.SQL("update tickets set {} where id = %(id)s").format(assignments),
                           fields | {"id": ticket_id})
    return await get_ticket(conn, ticket_id=ticket_id)
