"""The `serviceRequest` of a chat reply: the latest booking of the conversation, as the caller may see it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import AsyncConnection

from domain.scheduling.service import get_appointment
from domain.tickets.service import get_ticket
from tools.deps import AgentDeps


async def service_request_of(conn: AsyncConnection, deps: AgentDeps) -> dict[str, Any] | None:
    """Ticket, customer, technician and appointment of the latest booking; None before any booking."""
    bookings = deps.state.get("bookings") or []
    if not bookings:
        return None
    appointment = await get_appointment(conn, appointment_id=UUID(bookings[-1]["appointment_id"]))
    ticket = await get_ticket(conn, ticket_id=appointment.ticket_id)
    # an unverified caller sees the name they gave, never the one stored for the number
    name = ticket.customer_name if deps.verified else deps.state.get("customer_name")
    return {
        "ticket": {"code": ticket.code, "status": ticket.status, "service_category": ticket.service_category,
                   "urgency_level": ticket.urgency_level},
        "customer": {"phone": ticket.customer_phone, "name": name},
        "technician": {"name": appointment.technician_name},
        "appointment": {"start": appointment.start.isoformat(), "end": appointment.end.isoformat(),
                        "address": ticket.service_address, "status": appointment.status},
        "bookings": len(bookings),
    }
