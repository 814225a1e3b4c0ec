"""Technicians over a window: booked against working time, completed jobs, cancellations and no-shows.

Working time is the weekly hours laid on the window's local dates by PostgreSQL itself
(`(day + time) at time zone tz`, so a shift across a DST change is its true length), less time off,
clipped to the window; multiranges do the arithmetic.
"""

from __future__ import annotations

from datetime import date, datetime

from psycopg import AsyncConnection

from domain.db import fetch_all
from domain.reports.models import ReportWindow, TechnicianReliability, Utilization

UTILIZATION_SQL = """
with window_range as (select tstzmultirange(tstzrange(%(start)s, %(end)s)) as w),
shifts as (
    select h.technician_id,
           range_agg(tstzrange((d.day + h.starts) at time zone %(tz)s, (d.day + h.ends) at time zone %(tz)s)) as spans
      from working_hours h
      join unnest(%(days)s::date[]) as d(day) on extract(isodow from d.day) = h.weekday
     group by h.technician_id
),
away as (
    select o.technician_id, range_agg(o.during) as spans from time_off o
     where o.during && tstzrange(%(start)s, %(end)s) group by o.technician_id
),
booked as (
    select a.technician_id,
           sum(extract(epoch from least(a.ends_at, %(end)s) - greatest(a.starts_at, %(start)s))) / 60 as minutes
      from appointments a
     where a.status <> 'cancelled' and a.starts_at < %(end)s and a.ends_at > %(start)s
       and a.starts_at >= %(start)s::timestamptz - interval '1 day'
     group by a.technician_id
)
select c.id::text as technician_id, c.name as technician,
       round(coalesce(b.minutes, 0)::numeric, 1)::float8 as booked_minutes,
       coalesce((select sum(extract(epoch from upper(r) - lower(r))) / 60
                   from unnest((coalesce(s.spans, '{}') - coalesce(o.spans, '{}')) * w.w) r), 0)::float8
           as working_minutes
  from technicians c cross join window_range w
  left join shifts s on s.technician_id = c.id
  left join away o on o.technician_id = c.id
  left join booked b on b.technician_id = c.id
 where c.active or b.minutes is not null
 order by c.name, c.id
"""

RELIABILITY_SQL = """
select c.id::text as technician_id, c.name as technician,
       (select count(distinct h.ticket_id) from ticket_status_history h join tickets t on t.id = h.ticket_id
         where t.technician_id = c.id and h.status = 'completed'
           and h.changed_at >= %(start)s and h.changed_at < %(end)s) as jobs_completed,
       (select count(*) from appointments a
         where a.technician_id = c.id and a.status = 'cancelled'
           and a.cancelled_at >= %(start)s and a.cancelled_at < %(end)s) as cancellations,
       (select count(*) from appointments a join tickets t on t.id = a.ticket_id
         where a.technician_id = c.id and a.status = 'booked' and t.clock_in_at is null
           and a.ends_at >= %(start)s and a.ends_at < least(%(end)s, %(now)s)) as no_shows
  from technicians c
 order by c.name, c.id
"""


async def utilization(conn: AsyncConnection, *, window: ReportWindow, days: list[date]) -> list[Utilization]:
    """Booked and working minutes per technician (active ones, and any other with bookings in the window)."""
    rows = await fetch_all(conn, _Measured, UTILIZATION_SQL, {"start": window.start, "end": window.end,
                                                          "tz": window.timezone, "days": days})
    return [row.model_copy(update={"utilization": round(row.booked_minutes / row.working_minutes, 4)
                                   if row.working_minutes else None}) for row in rows]


async def reliability(conn: AsyncConnection, *, window: ReportWindow, now: datetime) -> list[TechnicianReliability]:
    """Completed jobs, cancelled visits and no-shows per technician."""
    rows = await fetch_all(conn, TechnicianReliability, RELIABILITY_SQL,
                           {"start": window.start, "end": window.end, "now": now})
    return [row for row in rows if row.jobs_completed or row.cancellations or row.no_shows]


class _Measured(Utilization):
    utilization: float | None = None     # computed from the two minutes, not read
