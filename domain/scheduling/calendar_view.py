"""Seed 004's per-technician views, computed: free time over a range, and the 15-minute cell calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_value
from domain.errors import Invalid, NotFound
from domain.scheduling.availability import ceil_grid, epoch, fetch_free_time, floor_grid, utc
from domain.scheduling.models import CalendarCell, FreeRange, TechnicianAvailability
from domain.tenants.models import Tenant

MAX_CALENDAR_DAYS = 31


def clamp_range(start: datetime, end: datetime, max_days: int = MAX_CALENDAR_DAYS) -> datetime:
    """The window's end, cut to `max_days` after its start; a window that ends before it starts is empty."""
    try:
        return max(start, min(end, start + timedelta(days=max_days)))
    except OverflowError:   # a start in the year 9999: nothing to cut
        return max(start, end)


async def technician_availability(conn: AsyncConnection, *, tenant: Tenant, technician_id: UUID,
                                  start: datetime, end: datetime) -> TechnicianAvailability:
    """Free time of one technician in [start, end), snapped inward to the grid; `available` if all of it is free."""
    end = clamp_range(start, end)
    rows = await fetch_free_time(conn, tz=tenant.tz, start=start, end=end, buffer_minutes=tenant.buffer_minutes,
                                 technician_id=technician_id)
    if not rows:
        raise NotFound("Technician not found.")
    [row] = rows
    whole = end > start and any(lo <= epoch(start) and epoch(end) <= hi for lo, hi in row.free)
    free = [(ceil_grid(lo), floor_grid(hi)) for lo, hi in row.free]
    free = [(lo, hi) for lo, hi in free if lo < hi]
    return TechnicianAvailability(
        technician_id=row.technician_id, technician_name=row.name, available=whole,
        total_available_minutes=sum(hi - lo for lo, hi in free) // 60,
        free=[FreeRange(start=utc(lo), end=utc(hi)) for lo, hi in free])


CALENDAR_SQL = """
with cand as (
    select id from technicians where (%(tech)s::uuid is null and active) or id = %(tech)s::uuid
),
work as (
    select w.technician_id, (d.day + w.starts) at time zone %(tz)s as lo, (d.day + w.ends) at time zone %(tz)s as hi
      from cand c
      join working_hours w on w.technician_id = c.id
      join (select g::date as day from generate_series(%(day_from)s::date, %(day_to)s::date, interval '1 day') g) d
        on extract(isodow from d.day) = w.weekday
),
cells as (
    select w.technician_id, g as from_ts, g + interval '15 minutes' as to_ts
      from work w, generate_series(w.lo, w.hi - interval '15 minutes', interval '15 minutes') g
     where g >= %(start)s and g < %(end)s
)
select c.technician_id, c.from_ts, c.to_ts, booked.id as appointment_id,
       (c.from_ts >= %(now)s and booked.id is null
        and not exists (select 1 from appointments a
                         where a.technician_id = c.technician_id and a.status <> 'cancelled'
                           and a.during && tstzrange(c.from_ts - %(buffer)s, c.to_ts + %(buffer)s))
        and not exists (select 1 from time_off o
                         where o.technician_id = c.technician_id and o.during && tstzrange(c.from_ts, c.to_ts))
        and not exists (select 1 from business_closures b
                         where b.day = (c.from_ts at time zone %(tz)s)::date))
           as available
  from cells c
  left join lateral (select a.id from appointments a
                      where a.technician_id = c.technician_id and a.status <> 'cancelled'
                        and a.during && tstzrange(c.from_ts, c.to_ts) limit 1) booked on true
 order by c.technician_id, c.from_ts
"""


async def person_calendar(conn: AsyncConnection, *, tenant: Tenant, start: datetime, end: datetime, now: datetime,
                          technician_id: UUID | None = None) -> list[CalendarCell]:
    """Every 15-minute cell of working time in [start, end): bookable or not, and the appointment in it."""
    end = clamp_range(start, end)
    if technician_id is not None and not await fetch_value(
            conn, "select exists (select 1 from technicians where id = %s)", (technician_id,)):
        raise NotFound("Technician not found.")
    tz = tenant.tz
    return await fetch_all(conn, CalendarCell, CALENDAR_SQL, {
        "tech": technician_id, "tz": tz.key, "start": start, "end": end, "now": now,
        "day_from": start.astimezone(tz).date() - timedelta(days=1),
        "day_to": end.astimezone(tz).date() + timedelta(days=1),
        "buffer": timedelta(minutes=tenant.buffer_minutes)})
