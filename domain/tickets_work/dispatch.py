"""The dispatcher's board: technicians' days on the 15-minute grid, unassigned tickets, assigning.

`book_slot` is the board's direct booking until the scheduling slice's `book` is wired in; the
exclusion constraint `appointments_no_overlap` is the guarantee either way.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_dicts, fetch_value
from domain.errors import Conflict, Invalid, NotFound
from domain.outbox.service import emit_event
from domain.technicians.models import Technician
from domain.technicians.service import COLUMNS as TECH_COLUMNS
from domain.tickets_work.models import WorkTicket
from domain.tickets_work.service import WORK_SELECT

SLOT = timedelta(minutes=15)


async def board_data(conn: AsyncConnection, *, start: datetime, end: datetime) -> dict[str, Any]:
    """Active technicians, their weekly hours, and the appointments and time off within [start, end)."""
    techs = await fetch_all(conn, Technician, f"select {TECH_COLUMNS} from technicians where active order by name")
    hours = await fetch_dicts(conn, "select technician_id, weekday, starts, ends from working_hours")
    booked = await fetch_dicts(conn, """
        select a.id, a.technician_id, lower(a.during) as starts, upper(a.during) as ends, t.id as ticket_id,
               t.code, t.category, a.status
          from appointments a join tickets t on t.tenant_id = a.tenant_id and t.id = a.ticket_id
         where a.status <> 'cancelled' and a.during && tstzrange(%s, %s)""", (start, end))
    off = await fetch_dicts(conn, """
        select technician_id, lower(during) as starts, upper(during) as ends from time_off
         where during && tstzrange(%s, %s)""", (start, end))
    return {"technicians": techs, "hours": hours, "appointments": booked, "time_off": off}


def day_grid(data: dict[str, Any], day: date, tz: ZoneInfo, first: time = time(9), last: time = time(20)):
    """Rows of (slot start, [cell per technician]); a cell is available, booked (with its appointment) or off."""
    rows = []
    moment = datetime.combine(day, first, tz)
    stop = datetime.combine(day, last, tz)
    while moment < stop:
        cells = [_cell(data, tech.id, moment, day.isoweekday()) for tech in data["technicians"]]
        rows.append((moment, cells))
        moment = (moment.astimezone(ZoneInfo("UTC")) + SLOT).astimezone(tz)
    return rows


def _cell(data: dict[str, Any], tech_id: UUID, moment: datetime, weekday: int) -> dict[str, Any]:
    end = moment + SLOT
    for appt in data["appointments"]:
        if appt["technician_id"] == tech_id and appt["starts"] < end and appt["ends"] > moment:
            return {"state": "booked", "appointment": appt, "first": appt["starts"] >= moment}
    for span in data["time_off"]:
        if span["technician_id"] == tech_id and span["starts"] < end and span["ends"] > moment:
            return {"state": "off"}
    local_start = moment.time()
    local_end = (moment + SLOT).time()
    working = any(h["technician_id"] == tech_id and h["weekday"] == weekday and h["starts"] <= local_start
                  and (local_end <= h["ends"] or local_end == time(0)) for h in data["hours"])
    return {"state": "available" if working else "off", "technician_id": tech_id, "start": moment}


async def unassigned_tickets(conn: AsyncConnection) -> list[WorkTicket]:
    """Open requests with no appointment, oldest first (including those no technician has the skill for)."""
    return await fetch_all(conn, WorkTicket, WORK_SELECT + """
         where t.closed_at is null and t.status = 'open' and ap.technician_id is null
         order by t.created_at limit 200""")


async def assign(conn: AsyncConnection, *, ticket_id: UUID, technician_id: UUID) -> None:
    """Give an open ticket to a technician without a time yet."""
    if await fetch_value(conn, "select id from technicians where id = %s and active", (technician_id,)) is None:
        raise Invalid("Unknown technician.", code="UNKNOWN_TECHNICIAN")
    cur = await conn.execute("update tickets set technician_id = %s where id = %s and closed_at is null",
                             (technician_id, ticket_id))
    if cur.rowcount == 0:
        raise NotFound("Ticket not found.")


async def book_slot(conn: AsyncConnection, *, tenant_id: UUID, ticket_id: UUID, technician_id: UUID,
                    start: datetime, minutes: int, actor: str) -> UUID:
    """An appointment for an open ticket; a taken slot is refused by the database (SLOT_TAKEN)."""
    status = await fetch_value(conn, "select status from tickets where id = %s and closed_at is null", (ticket_id,))
    if status is None:
        raise NotFound("Ticket not found.")
    if status != "open":
        raise Conflict("This ticket is already scheduled.", code="ALREADY_SCHEDULED")
    appointment_id = await fetch_value(conn, """
        insert into appointments (tenant_id, ticket_id, technician_id, during, booked_by)
        values (%s, %s, %s, tstzrange(%s, %s), %s) returning id""",
        (tenant_id, ticket_id, technician_id, start, start + timedelta(minutes=minutes), actor))
    await conn.execute("update tickets set technician_id = %s, status = 'scheduled' where id = %s",
                       (technician_id, ticket_id))
    await emit_event(conn, tenant_id=tenant_id, event_type="appointment.booked", entity_id=appointment_id,
                     payload={"ticket_id": ticket_id, "technician_id": technician_id, "start": start})
    return appointment_id
