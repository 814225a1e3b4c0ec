"""Figures from the ticket status history: time in each status, jobs completed, requests never booked."""

from __future__ import annotations

from datetime import datetime

from psycopg import AsyncConnection

from domain.db import fetch_dicts, fetch_value
from domain.reports.models import TIMED_STATUSES, UNBOOKED_REASONS, ReportWindow

# Each stay in a status runs until the ticket's next status (or now), clipped to the window; the figure
# is the average per ticket that spent any of the window in that status.
TIME_IN_STATUS_SQL = """
with stays as (
    select h.ticket_id, h.status, h.changed_at as entered,
           coalesce(lead(h.changed_at) over (partition by h.ticket_id order by h.changed_at, h.seq),
                    greatest(%(now)s, h.changed_at)) as left_at
      from ticket_status_history h
     where h.ticket_id in (select ticket_id from ticket_status_history where changed_at < %(until)s)
),
clipped as (
    select ticket_id, status,
           extract(epoch from least(left_at, %(until)s) - greatest(entered, %(start)s)) / 60 as minutes
      from stays
     where status = any(%(statuses)s) and entered < %(until)s and left_at > %(start)s
)
select status, round((sum(minutes) / count(distinct ticket_id))::numeric, 1)::float8 as minutes
  from clipped where minutes > 0 group by status
"""

JOBS_COMPLETED_SQL = """
select count(distinct ticket_id) from ticket_status_history
 where status = 'completed' and changed_at >= %(start)s and changed_at < %(end)s
"""

# Requests of the window that never had an appointment, by the reason scheduling recorded when it found
# no time (the ticket.waitlisted events); with no such reason, the customer left before booking.
UNBOOKED_SQL = """
with reasons as (
    select distinct on (e.entity_id) e.entity_id as ticket_id, e.payload->>'reason' as code
      from outbox_events e
     where e.event_type in ('ticket.waitlisted', 'ticket.unbooked') and e.created_at >= %(start)s
     order by e.entity_id, e.created_at desc
)
select case r.code when 'NO_SKILLED_TECHNICIAN' then 'no_skill'
                   when 'NO_FREE_TIME' then 'no_capacity'
                   when 'OUTSIDE_SERVICE_AREA' then 'outside_area'
                   else 'customer_left' end as reason,
       count(*) as requests
  from tickets t left join reasons r on r.ticket_id = t.id
 where t.created_at >= %(start)s and t.created_at < %(end)s and t.kind = 'service'
   and not exists (select 1 from appointments a where a.ticket_id = t.id)
 group by 1
"""


async def time_in_status(conn: AsyncConnection, *, window: ReportWindow, now: datetime) -> dict[str, float]:
    """Average minutes per ticket in open, scheduled and in progress, inside the window (up to now)."""
    until = min(window.end, now)
    rows = await fetch_dicts(conn, TIME_IN_STATUS_SQL, {"start": window.start, "until": until, "now": now,
                                                         "statuses": list(TIMED_STATUSES)})
    found = {row["status"]: row["minutes"] for row in rows}
    return {status: found.get(status, 0.0) for status in TIMED_STATUSES}


async def jobs_completed(conn: AsyncConnection, *, window: ReportWindow) -> int:
    return int(await fetch_value(conn, JOBS_COMPLETED_SQL, {"start": window.start, "end": window.end}) or 0)


async def unbooked(conn: AsyncConnection, *, window: ReportWindow) -> dict[str, int]:
    """Requests created in the window that were never booked, by reason (every reason present, 0 or more)."""
    rows = await fetch_dicts(conn, UNBOOKED_SQL, {"start": window.start, "end": window.end})
    found = {row["reason"]: int(row["requests"]) for row in rows}
    return {reason: found.get(reason, 0) for reason in UNBOOKED_REASONS}
