"""Scheduling test data: technicians through the technicians service, tickets with literal SQL.

(The tickets area is built elsewhere; a ticket here is the minimal row the schema accepts.)
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.technicians.models import TechnicianCreate, WorkingSpan
from domain.technicians.service import create_technician

TORONTO = ZoneInfo("America/Toronto")
WEEKDAYS = range(1, 6)


def local(*args: int) -> datetime:
    """A Toronto wall-clock time as an aware datetime."""
    return datetime(*args, tzinfo=TORONTO)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def technician(conn, tenant_id: UUID, name: str, skills: list[str], *,
                     days=WEEKDAYS, starts: time = time(9), ends: time = time(20)) -> UUID:
    tech = await create_technician(conn, tenant_id=tenant_id, data=TechnicianCreate(
        name=name, skills=skills, working_hours=[WorkingSpan(weekday=d, starts=starts, ends=ends) for d in days]))
    return tech.id


async def ticket(conn, tenant_id: UUID, category: str = "HVAC", *, phone: str = "+14165550101",
                 urgency: str = "normal", minutes: int | None = 120, preferred_start: datetime | None = None,
                 contact_id: UUID | None = None, status: str = "open") -> UUID:
    cur = await conn.execute("""
        insert into tickets (tenant_id, customer_phone, category, urgency, estimated_duration_minutes,
                             preferred_start, contact_id, status)
        values (%s, %s, %s, %s, %s, %s, %s, %s) returning id""",
        (tenant_id, phone, category, urgency, minutes, preferred_start, contact_id, status))
    return (await cur.fetchone())[0]


async def time_off(conn, tenant_id: UUID, technician_id: UUID, start: datetime, end: datetime) -> None:
    await conn.execute("insert into time_off (tenant_id, technician_id, during) values (%s, %s, tstzrange(%s, %s))",
                       (tenant_id, technician_id, start, end))


async def overlapping_pairs(conn) -> int:
    """Pairs of live appointments of one technician whose times overlap (must always be 0)."""
    cur = await conn.execute("""
        select count(*) from appointments a join appointments b
          on a.tenant_id = b.tenant_id and a.technician_id = b.technician_id and a.id < b.id
         and a.during && b.during
         where a.status <> 'cancelled' and b.status <> 'cancelled'""")
    return (await cur.fetchone())[0]


# The clock of the sample conversations (Thursday 2025-11-06 09:30 Toronto), fixed: domain functions
# take `now` explicitly, so no assertion depends on how long a test took.
NOW = local(2025, 11, 6, 9, 30)
