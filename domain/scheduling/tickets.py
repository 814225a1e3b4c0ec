"""What scheduling needs to know about a ticket, read (and locked) in one query.

The tickets area owns tickets; scheduling reads them and, when booking, assigns and schedules them
with literal SQL of its own (DESIGN.md: one transaction carries the appointment and the ticket).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel

from domain.db import fetch_one
from domain.errors import Conflict, NotFound
from domain.scheduling.models import GRID_MINUTES

DEFAULT_DURATION_MINUTES = 60

_CONTEXT_SQL = """
with t as (
    select * from tickets where id = %(id)s {lock}
),
-- the same customer's other tickets, by phone or by contact: two index lookups, not an OR scan
-- (`deleted_at is null` is spelled out so the partial indexes apply; RLS alone does not imply it)
mine as (
    select o.id from tickets o join t on o.customer_phone = t.customer_phone
     where o.id <> t.id and o.deleted_at is null
    union
    select o.id from tickets o join t on o.contact_id = t.contact_id
     where o.id <> t.id and o.deleted_at is null
),
theirs as (
    select a.technician_id, a.status, a.starts_at, a.ends_at from appointments a
     where a.ticket_id = any(array(select id from mine)) and a.status <> 'cancelled'
)
select t.id, t.code, t.category, t.status, t.urgency, t.contact_id, t.customer_phone, t.preferred_start,
       t.estimated_duration_minutes, t.technician_id, t.waitlisted, t.closed_at,
       u.window_start_hours, u.window_end_hours,
       (select th.technician_id from theirs th join technicians te on te.id = th.technician_id
         where te.active and t.category = any(te.skills)
         order by th.starts_at desc limit 1) as previous_technician_id,
       (select a.id from appointments a where a.ticket_id = t.id and a.status = 'booked') as live_appointment_id,
       coalesce((select array_agg(array[extract(epoch from th.starts_at)::bigint, extract(epoch from th.ends_at)::bigint])
                   from theirs th where th.status = 'booked' and th.ends_at > %(now)s), '{{}}') as customer_busy
  from t
  left join urgency_levels u on u.tenant_id = t.tenant_id and u.key = t.urgency
"""


class TicketContext(BaseModel):
    id: UUID
    code: str
    category: str
    status: str
    urgency: str
    contact_id: UUID | None
    customer_phone: str
    preferred_start: datetime | None
    estimated_duration_minutes: int | None
    technician_id: UUID | None
    waitlisted: bool
    closed_at: datetime | None
    window_start_hours: int | None
    window_end_hours: int | None
    previous_technician_id: UUID | None
    live_appointment_id: UUID | None
    customer_busy: list[tuple[int, int]]

    @property
    def duration_minutes(self) -> int:
        """The estimated duration rounded up to whole 15-minute slots."""
        minutes = self.estimated_duration_minutes or DEFAULT_DURATION_MINUTES
        return -(-minutes // GRID_MINUTES) * GRID_MINUTES

    def window(self, now: datetime, horizon_end: datetime) -> tuple[datetime, datetime]:
        """The 24 hours from the customer's preferred start when one is set, else the urgency window."""
        if self.preferred_start is not None and self.preferred_start >= now:
            return self.preferred_start, self.preferred_start + timedelta(hours=24)
        start = now + timedelta(hours=self.window_start_hours or 0)
        if self.window_end_hours is None:
            return start, horizon_end
        return start, now + timedelta(hours=self.window_end_hours)


async def ticket_context(conn: AsyncConnection, *, ticket_id: UUID, now: datetime,
                         lock: bool = False) -> TicketContext:
    """The ticket with its urgency window, previous technician and the customer's other bookings."""
    query = _CONTEXT_SQL.format(lock="for update" if lock else "")
    ctx = await fetch_one(conn, TicketContext, query, {"id": ticket_id, "now": now})
    if ctx is None:
        raise NotFound("Ticket not found.")
    return ctx


def check_schedulable(ctx: TicketContext) -> None:
    """A ticket can be booked while it is open (or scheduled without a live appointment)."""
    if ctx.closed_at is not None or ctx.status not in ("open", "scheduled"):
        raise Conflict(f"Ticket {ctx.code} is {ctx.status} and cannot be scheduled.", code="TICKET_NOT_OPEN")
    if ctx.live_appointment_id is not None:
        raise Conflict(f"Ticket {ctx.code} already has a booked appointment; reschedule it instead.",
                       code="TICKET_ALREADY_BOOKED")


async def mark_scheduled(conn: AsyncConnection, *, ticket_id: UUID, technician_id: UUID) -> None:
    await conn.execute("""
        update tickets set technician_id = %(tech)s, status = 'scheduled', waitlisted = false
         where id = %(id)s""", {"tech": technician_id, "id": ticket_id})


async def mark_unscheduled(conn: AsyncConnection, *, ticket_id: UUID) -> None:
    """Back to open and unassigned after its appointment was cancelled (never lost)."""
    await conn.execute("""
        update tickets set technician_id = null, status = 'open'
         where id = %(id)s and status = 'scheduled'""", {"id": ticket_id})


async def mark_waitlisted(conn: AsyncConnection, *, ticket_id: UUID) -> bool:
    """Open, unassigned and waitlisted; True when the flag was newly set."""
    cur = await conn.execute("""
        update tickets set waitlisted = true, technician_id = null
         where id = %(id)s and status = 'open' and not waitlisted""", {"id": ticket_id})
    return cur.rowcount > 0

