"""Free time of every candidate technician in one query, and the choice of options from it.

Free time = working hours - time off - live appointments (widened by the tenant's buffer). The
subtraction runs in PostgreSQL on multiranges, for all candidates at once; working hours are laid
on local dates with `(day + time) at time zone tz`, so DST days come out right. Python then works on
epoch seconds: it snaps starts to the 15-minute grid and picks the ranked options.

The epoch grid is the local grid: every UTC offset in use today is a multiple of 15 minutes.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from domain.scheduling.models import GRID_MINUTES, AppointmentOption

GRID = GRID_MINUTES * 60
Interval = tuple[int, int]  # [start, end) in epoch seconds


@dataclass
class FreeTime:
    """One technician's free intervals inside the searched span."""
    technician_id: UUID
    name: str
    active: bool
    free: list[Interval]


FREE_TIME_SQL = """
with cand as materialized (
    select id, name, active from technicians
     where (%(technician_id)s::uuid is null and active and %(category)s = any(skills))
        or id = %(technician_id)s::uuid
),
days as materialized (
    select g::date as day from generate_series(%(day_from)s::date, %(day_to)s::date, interval '1 day') g
),
work as materialized (
    select w.technician_id,
           range_agg(tstzrange((d.day + w.starts) at time zone %(tz)s,
                               (d.day + w.ends) at time zone %(tz)s)) as m
      from cand c
      join working_hours w on w.technician_id = c.id
      join days d on extract(isodow from d.day) = w.weekday
     group by w.technician_id
),
booked as materialized (
    select a.technician_id, a.during
      from appointments a
     where a.status <> 'cancelled' and a.technician_id = any(array(select id from cand))
       and a.starts_at >= %(busy_from)s::timestamptz - interval '1 day' and a.starts_at < %(busy_to)s
       and a.ends_at > %(busy_from)s and a.id is distinct from %(ignore)s::uuid
),
busy as materialized (
    select technician_id, range_agg(r) as m from (
        select technician_id, tstzrange(lower(during) - %(buffer)s, upper(during) + %(buffer)s) as r from booked
        union all
        select o.technician_id, o.during from time_off o join cand c on c.id = o.technician_id
         where o.during && %(span)s::tstzrange
    ) b group by technician_id
),
free as materialized (
    select w.technician_id,
           (w.m - coalesce(b.m, '{}'::tstzmultirange)) * tstzmultirange(%(span)s::tstzrange) as m
      from work w left join busy b using (technician_id)
)
select c.id, c.name, c.active,
       coalesce((select array_agg(array[extract(epoch from lower(r))::bigint, extract(epoch from upper(r))::bigint]
                                  order by lower(r))
                   from unnest(f.m) r), '{}') as free
  from cand c left join free f on f.technician_id = c.id
 order by c.name, c.id
"""


async def fetch_free_time(conn: AsyncConnection, *, tz: ZoneInfo, start: datetime, end: datetime,
                          buffer_minutes: int, category: str | None = None,
                          technician_id: UUID | None = None,
                          ignore_appointment: UUID | None = None) -> list[FreeTime]:
    """Free time in [start, end) of one technician, or of every active one with the skill."""
    day_from = start.astimezone(tz).date() - timedelta(days=1)
    day_to = end.astimezone(tz).date() + timedelta(days=1)
    buffer = timedelta(minutes=buffer_minutes)
    cur = conn.cursor(row_factory=dict_row)
    await cur.execute(FREE_TIME_SQL, {
        "technician_id": technician_id, "category": category, "tz": tz.key,
        "day_from": day_from, "day_to": day_to, "buffer": buffer,
        "span": _range(start, end), "busy_from": start - buffer, "busy_to": end + buffer,
        "ignore": ignore_appointment})
    return [FreeTime(technician_id=r["id"], name=r["name"], active=r["active"],
                     free=[(lo, hi) for lo, hi in r["free"]] if r["active"] else [])
            for r in await cur.fetchall()]


def _range(start: datetime, end: datetime) -> str:
    return f"[{start.isoformat()},{end.isoformat()})"


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def epoch(moment: datetime) -> int:
    """Whole epoch seconds, rounded up: a bound never moves before the instant it came from."""
    return math.ceil(moment.timestamp())


def utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def ceil_grid(seconds: int) -> int:
    return -(-seconds // GRID) * GRID


def floor_grid(seconds: int) -> int:
    return seconds // GRID * GRID


def subtract(free: Sequence[Interval], busy: Iterable[Interval]) -> list[Interval]:
    """`free` minus every interval of `busy` (both sorted or not; the result is sorted)."""
    result = sorted(free)
    for b_lo, b_hi in busy:
        pieces: list[Interval] = []
        for lo, hi in result:
            if b_hi <= lo or hi <= b_lo:
                pieces.append((lo, hi))
                continue
            if lo < b_lo:
                pieces.append((lo, b_lo))
            if b_hi < hi:
                pieces.append((b_hi, hi))
        result = pieces
    return result


def start_ranges(free: Sequence[Interval], duration: int, earliest: int, latest: int) -> list[Interval]:
    """Inclusive ranges [first, last] of grid starts that fit `duration` and start in [earliest, latest)."""
    ranges = []
    for lo, hi in free:
        first = ceil_grid(max(lo, earliest))
        last = min(floor_grid(hi - duration), floor_grid(latest - 1))
        if first <= last:
            ranges.append((first, last))
    return ranges


def next_start(ranges: Sequence[Interval], cursor: int) -> int | None:
    """The earliest grid start at or after `cursor` in `ranges`, if any."""
    cursor = ceil_grid(cursor)
    i = bisect.bisect_left(ranges, cursor, key=lambda r: r[1])
    if i == len(ranges):
        return None
    return max(ranges[i][0], cursor)


def fits(free: Sequence[Interval], start: int, end: int) -> bool:
    """True when [start, end) lies inside one free interval."""
    return any(lo <= start and end <= hi for lo, hi in free)


@dataclass
class _Candidate:
    time: FreeTime
    ranges: list[Interval]


def pick_options(free_times: Sequence[FreeTime], *, duration: int, earliest: int, latest: int, tz: ZoneInfo,
                 limit: int, preferred: UUID | None = None) -> list[AppointmentOption]:
    """Ranked, mutually non-overlapping options: preferred technician first, then earliest, then least loaded."""
    cands = [_Candidate(t, start_ranges(t.free, duration, earliest, latest)) for t in free_times]
    groups = [[c for c in cands if c.time.technician_id == preferred],
              [c for c in cands if c.time.technician_id != preferred]]
    chosen: list[AppointmentOption] = []
    taken: list[Interval] = []
    for group in groups:
        cursor = earliest
        while group and len(chosen) < limit:
            starts = [s for c in group if (s := next_start(c.ranges, cursor)) is not None]
            if not starts:
                break
            t = min(starts)
            clash = [hi for lo, hi in taken if lo < t + duration and t < hi]
            if clash:
                cursor = max(clash)
                continue
            best = _least_loaded([c for c in group if next_start(c.ranges, t) == t], t, tz)
            chosen.append(AppointmentOption(
                technician_id=best.time.technician_id, technician_name=best.time.name, start=utc(t),
                end=utc(t + duration), previous_technician=best.time.technician_id == preferred))
            taken.append((t, t + duration))
            cursor = t + duration
    return chosen


def _least_loaded(cands: list[_Candidate], t: int, tz: ZoneInfo) -> _Candidate:
    """The one with the most free time left that local day (booked work, time off and short shifts all count)."""
    if len(cands) == 1:
        return cands[0]
    day = datetime.fromtimestamp(t, tz).date()
    lo, hi = epoch(_midnight(day, tz)), epoch(_midnight(day + timedelta(days=1), tz))
    def free_that_day(c: _Candidate) -> int:
        return sum(max(0, min(b, hi) - max(a, lo)) for a, b in c.time.free)
    return min(cands, key=lambda c: (-free_that_day(c), c.time.name, str(c.time.technician_id)))


@dataclass
class SlotCheck:
    """Whether one technician can take [start, end): the cheap check a booking makes before writing."""
    exists: bool
    name: str = ""
    active: bool = False
    skills: tuple[str, ...] = ()
    in_hours: bool = False
    time_off: bool = False
    taken: bool = False

    def qualified(self, category: str) -> bool:
        return self.active and category in self.skills

    @property
    def free(self) -> bool:
        return self.in_hours and not self.time_off and not self.taken


# One technician's answer for [start, end): composed by the booking into its ticket read (one round trip).
SLOT_SQL = """
select te.name as slot_name, te.active as slot_active, te.skills as slot_skills,
       coalesce((select range_agg(tstzrange((v.day + w.starts) at time zone %(tz)s, (v.day + w.ends) at time zone %(tz)s))
                   from working_hours w, (values (%(day)s::date), (%(day)s::date + 1)) v(day)
                  where w.technician_id = te.id and w.weekday = extract(isodow from v.day)), '{}')
           @> tstzrange(%(start)s, %(end)s) as slot_in_hours,
       exists (select 1 from time_off o
                where o.technician_id = te.id and o.during && tstzrange(%(start)s, %(end)s)) as slot_time_off,
       exists (select 1 from appointments a
                where a.technician_id = te.id and a.status <> 'cancelled' and a.id is distinct from %(ignore)s::uuid
                  and a.starts_at >= %(start)s::timestamptz - %(buffer)s - interval '1 day'
                  and a.starts_at < %(end)s::timestamptz + %(buffer)s
                  and a.ends_at > %(start)s::timestamptz - %(buffer)s) as slot_taken
  from technicians te where te.id = %(technician_id)s
"""
SLOT_COLUMNS = ("slot_name", "slot_active", "slot_skills", "slot_in_hours", "slot_time_off", "slot_taken")


def slot_params(*, tz: ZoneInfo, technician_id: UUID, start: datetime, end: datetime, buffer_minutes: int,
                ignore_appointment: UUID | None = None) -> dict:
    """The parameters of SLOT_SQL: the rule of fetch_free_time (hours - time off - buffered appointments)."""
    return {"technician_id": technician_id, "tz": tz.key, "start": start, "end": end,
            "day": start.astimezone(tz).date(), "buffer": timedelta(minutes=buffer_minutes),
            "ignore": ignore_appointment}


def slot_check_of(row: dict) -> SlotCheck:
    """The SlotCheck in a row holding SLOT_SQL's columns (all null: no such technician)."""
    name, active, skills, *flags = (row.pop(column) for column in SLOT_COLUMNS)
    if name is None:
        return SlotCheck(exists=False)
    return SlotCheck(True, name, active, tuple(skills), *flags)
