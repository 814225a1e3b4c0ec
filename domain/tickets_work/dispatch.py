"""The dispatcher's board, composed from the scheduling area's calendar: technicians' days on the
15-minute grid, their weeks, and the open tickets still waiting for a time.

Availability and bookings are scheduling's (person_calendar, list_appointments, book); this module
only lays them out as rows and columns.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel

from domain.scheduling.calendar_view import person_calendar
from domain.scheduling.models import Appointment, CalendarCell
from domain.scheduling.service import list_appointments
from domain.technicians.models import Technician
from domain.technicians.service import list_technicians
from domain.tenants.models import Tenant
from domain.tickets.models import Ticket, TicketFilter
from domain.tickets.service import get_tickets, list_tickets


class BoardCell(BaseModel):
    state: Literal["available", "booked", "off"]
    technician_id: UUID
    start: datetime                       # in the business's timezone
    appointment: Appointment | None = None
    first: bool = False                   # the cell the appointment starts in (where its label goes)


class BoardRow(BaseModel):
    start: datetime                       # in the business's timezone
    cells: list[BoardCell]


class Board(BaseModel):
    technicians: list[Technician]
    appointments: list[Appointment]
    rows: list[BoardRow]                  # the day view's grid; empty for a week
    tickets: dict[UUID, Ticket] = {}      # each appointment's ticket (customer, service, urgency, stage)


def _local_midnight(day: date, tenant: Tenant) -> datetime:
    return datetime.combine(day, time(0), tenant.tz)


def _cell(tech_id: UUID, start: datetime, found: CalendarCell | None,
          appointments: dict[UUID, Appointment]) -> BoardCell:
    if found is None:
        return BoardCell(state="off", technician_id=tech_id, start=start)
    if found.appointment_id is not None and found.appointment_id in appointments:
        appointment = appointments[found.appointment_id]
        return BoardCell(state="booked", technician_id=tech_id, start=start, appointment=appointment,
                         first=found.from_ts <= appointment.start < found.to_ts)
    return BoardCell(state="available" if found.available else "off", technician_id=tech_id, start=start)


def day_rows(technicians: list[Technician], cells: list[CalendarCell], appointments: list[Appointment],
             tenant: Tenant) -> list[BoardRow]:
    """One row per 15-minute cell that anyone works, a column per technician."""
    by_slot = {(c.technician_id, c.from_ts): c for c in cells}
    by_id = {a.id: a for a in appointments}
    return [BoardRow(start=moment.astimezone(tenant.tz),
                     cells=[_cell(t.id, moment.astimezone(tenant.tz), by_slot.get((t.id, moment)), by_id)
                            for t in technicians])
            for moment in sorted({c.from_ts for c in cells})]


async def board(conn: AsyncConnection, *, tenant: Tenant, days: list[date], now: datetime) -> Board:
    """Active technicians and the appointments of `days`; the cell grid when it is a single day."""
    start, end = _local_midnight(days[0], tenant), _local_midnight(days[-1] + timedelta(days=1), tenant)
    technicians = await list_technicians(conn)
    appointments = await list_appointments(conn, start=start, end=end)
    rows: list[BoardRow] = []
    if len(days) == 1:
        cells = await person_calendar(conn, tenant=tenant, start=start, end=end, now=now)
        rows = day_rows(technicians, cells, appointments, tenant)
    tickets = {t.id: t for t in await get_tickets(conn, ticket_ids=[a.ticket_id for a in appointments])}
    return Board(technicians=technicians, appointments=appointments, rows=rows, tickets=tickets)


async def unassigned_tickets(conn: AsyncConnection, *, limit: int = 200) -> list[Ticket]:
    """Open requests, oldest first: none has a booked appointment (booking schedules, cancelling reopens)."""
    return (await list_tickets(conn, filters=TicketFilter(status="open"), limit=limit)).data


def week_chips(board: Board, tenant: Tenant) -> dict[tuple[UUID, date], list[Appointment]]:
    """(technician, local day) -> that day's appointments, for the week view."""
    out: dict[tuple[UUID, date], list[Appointment]] = {}
    for appointment in board.appointments:
        out.setdefault((appointment.technician_id, appointment.start.astimezone(tenant.tz).date()), []).append(appointment)
    return out
