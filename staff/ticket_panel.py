"""What a dispatcher sees on a ticket besides the job: who can take it, its visit, cancelling, its thread."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel

from domain.inbox.thread import ThreadItem, ticket_thread
from domain.scheduling.models import Appointment
from domain.scheduling.service import booked_appointment_for_ticket
from domain.technicians.models import Technician
from domain.technicians.service import list_technicians
from domain.staff.service import StaffUser, list_staff
from domain.tickets.participants import Participant, list_participants
from domain.tickets.service import get_ticket


class DispatchPanel(BaseModel):
    qualified: list[Technician]          # active technicians with the ticket's skill (the only ones assignable)
    appointment: Appointment | None
    cancellation_reason: str | None
    thread: list[ThreadItem]
    participants: list[Participant]      # staff following the ticket's updates
    staff: list[StaffUser]               # who could follow it


async def dispatch_panel(conn: AsyncConnection, *, ticket_id: UUID) -> DispatchPanel:
    ticket = await get_ticket(conn, ticket_id=ticket_id)
    return DispatchPanel(qualified=await list_technicians(conn, skill=ticket.service_category),
                         appointment=await booked_appointment_for_ticket(conn, ticket_id=ticket_id),
                         cancellation_reason=ticket.cancellation_reason,
                         thread=await ticket_thread(conn, ticket_id=ticket_id),
                         participants=await list_participants(conn, ticket_id=ticket_id),
                         staff=[p for p in await list_staff(conn) if p.active])
