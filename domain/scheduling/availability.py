"""Free time of every candidate technician from one query, and the choice of options from it.

Free time = working hours - time off - live appointments (widened by the tenant's buffer). One query
fetches, for all candidates at once, their weekly hours and the appointments and time off near the
span (index-only range scans, epoch seconds); Python lays the hours on local dates the way PostgreSQL's
`(day + time) at time zone tz` does (so DST days come out right) and subtracts in one sweep. Measured
against the same subtraction on PostgreSQL multiranges, this was cheaper per technician.
Options are then snapped to the 15-minute grid and ranked.

The epoch grid is the local grid: every UTC offset in use today is a multiple of 15 minutes.
"""

from __future__ import annotations


import bisect
import hashlib
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from uuid import UUID
from zoneinfo import ZoneInfo

from psycopg import AsyncConnection

from domain.scheduling.models import GRID_MINUTES, AppointmentOption

GRID = GRID_MINUTES * 60
Interval = tuple[int, int]  # [start, end) in epoch seconds


@dataclass
class FreeTime:
    """One technician's free intervals inside the searched span (sorted, disjoint), or their source:
    the intervals shift by shift, produced as a search reads them (Schedule.free_time)."""
    technician_id: UUID
    name: str
    active: bool
    free: list[Interval] | Iterator[list[Interval]]

    def shifts(self) -> Iterator[list[Interval]]:
        return iter([self.free]) if isinstance(self.free, list) else self.free

    def materialized(self) -> FreeTime:
        self.free = [interval for shift in self.shifts() for interval in shift]
        return self


# One fetch for every candidate: weekly hours, the live appointments and the time off (with the business's
# closures, whole local days off for everyone) near the span,
# as epoch seconds (each subquery is an index range scan on the technician). The weekly hours come as
# one text value ("1 32400 72000,2 ..."): the key under which their laid intervals are cached (it
# costs the server less than an array, and is parsed only when a new pattern turns up).
FREE_TIME_SQL = """
select c.id, c.name, c.active,
       (select string_agg(w.weekday || ' ' || date_part('epoch', w.starts)::int || ' ' || date_part('epoch', w.ends)::int, ','
                          order by w.weekday, w.starts)
          from working_hours w where w.technician_id = c.id) as hours,
       array(select array[date_part('epoch', a.starts_at)::int8, date_part('epoch', a.ends_at)::int8]
               from appointments a
              where a.technician_id = c.id and a.status <> 'cancelled'
                and a.starts_at >= %(busy_from)s::timestamptz - interval '1 day' and a.starts_at < %(busy_to)s
                and a.ends_at > %(busy_from)s
              order by a.starts_at) as booked,
       array(select array[date_part('epoch', lower(o.during))::int8, date_part('epoch', upper(o.during))::int8]
               from time_off o where o.technician_id = c.id and o.during && %(span)s::tstzrange
             union all
             select array[date_part('epoch', b.day::timestamp at time zone %(tz)s)::int8,
                          date_part('epoch', (b.day + 1)::timestamp at time zone %(tz)s)::int8]
               from business_closures b where b.day between %(first_day)s and %(last_day)s) as time_off
  from technicians c
 where (%(technician_id)s::uuid is null and c.active and %(category)s = any(c.skills)) or c.id = %(technician_id)s::uuid
 order by c.name, c.id
"""


@dataclass
class Schedule:
    """One technician's working time (laid on dates) and busy time (sorted by start), from which free time
    over any part of the fetched span is one sweep."""
    technician_id: UUID
    name: str
    active: bool
    work: Sequence[Interval]
    busy: Sequence[Sequence[int]]

    def free_time(self, lo: int, hi: int, also_busy: Sequence[Interval] = ()) -> FreeTime:
        """Free time in [lo, hi) (inside the fetched span) and outside `also_busy` (e.g. the customer's other
        bookings), produced lazily as whoever reads it goes."""
        busy = sorted([*map(tuple, self.busy), *also_busy]) if also_busy else self.busy
        shifts = free_by_shift(self.work, busy, lo, hi) if self.active else iter(())
        return FreeTime(technician_id=self.technician_id, name=self.name, active=self.active, free=shifts)


async def fetch_schedules(conn: AsyncConnection, *, tz: ZoneInfo, start: datetime, end: datetime,
                          buffer_minutes: int, category: str | None = None,
                          technician_id: UUID | None = None) -> list[Schedule]:
    """The schedules over [start, end) of one technician, or of every active one with the skill: one query."""
    buffer = timedelta(minutes=buffer_minutes)
    cur = conn.cursor(binary=True)
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    await cur.execute(FREE_TIME_SQL, {
        "technician_id": technician_id, "category": category, "span": _range(start, end),
        "busy_from": start - buffer, "busy_to": end + buffer, "tz": tz.key, "first_day": first, "last_day": last})
    days = (last - first).days + 1
    return [Schedule(technician_id=tech_id, name=name, active=active,
                     work=laid_hours(hours, first, days, tz) if active and hours else (),
                     busy=_busy(booked, time_off, buffer_minutes * 60))
            for tech_id, name, active, hours, booked, time_off in await cur.fetchall()]


async def fetch_free_time(conn: AsyncConnection, *, tz: ZoneInfo, start: datetime, end: datetime,
                          buffer_minutes: int, category: str | None = None,
                          technician_id: UUID | None = None) -> list[FreeTime]:
    """Free time in [start, end) of one technician, or of every active one with the skill: one query, then arithmetic."""
    schedules = await fetch_schedules(conn, tz=tz, start=start, end=end, buffer_minutes=buffer_minutes,
                                      category=category, technician_id=technician_id)
    span = (round(start.timestamp()), round(end.timestamp()))
    return [schedule.free_time(*span).materialized() for schedule in schedules]


@lru_cache(maxsize=1024)
def laid_hours(pattern: str, first: date, days: int, tz: ZoneInfo) -> tuple[Interval, ...]:
    """Weekly hours ("weekday start end" in seconds after local midnight, comma-separated) laid on `days`
    local dates from `first`, merged. Technicians often share their weekly hours and searches their
    dates, so each pattern is laid once, not once per technician and search."""
    hours = [tuple(map(int, span.split())) for span in pattern.split(",")]
    return tuple(merge(working_intervals(hours, [first + timedelta(days=n) for n in range(days)], tz)))


def _busy(booked: list[list[int]], time_off: list[list[int]], buffer: int) -> Sequence[Sequence[int]]:
    """Appointments (by start) widened by the buffer, with time off: sorted by start."""
    if buffer:
        booked = [[lo - buffer, hi + buffer] for lo, hi in booked]
    return sorted(booked + time_off) if time_off else booked


def local_epoch(day: date, seconds: int, tz: ZoneInfo) -> int:
    """PostgreSQL's `(day + time) at time zone tz`: a skipped or repeated local time takes the later reading."""
    wall = datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(seconds=seconds)
    return int(max(wall.timestamp(), wall.replace(fold=1).timestamp()))


def working_intervals(hours: Iterable[tuple[int, int, int]], days: Sequence[date], tz: ZoneInfo) -> list[Interval]:
    """Weekly hours (ISO weekday, start and end seconds after local midnight) laid on local dates, sorted."""
    by_weekday: dict[int, list[tuple[int, int]]] = {}
    for weekday, lo, hi in hours:
        by_weekday.setdefault(weekday, []).append((lo, hi))
    return sorted((local_epoch(day, lo, tz), local_epoch(day, hi, tz))
                  for day in days for lo, hi in by_weekday.get(day.isoweekday(), ()))


def merge(intervals: Sequence[Interval]) -> list[Interval]:
    """Sorted intervals with overlapping or touching ones joined."""
    merged: list[Interval] = []
    for lo, hi in intervals:
        if merged and lo <= merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def free_between(work: Sequence[Interval], busy: Sequence[Sequence[int]], lo: int, hi: int) -> list[Interval]:
    """`work` (merged, sorted) minus `busy` (sorted by start, may overlap), inside [lo, hi): one sweep of both."""
    return [interval for shift in free_by_shift(work, busy, lo, hi) for interval in shift]


def free_by_shift(work: Sequence[Interval], busy: Sequence[Sequence[int]], lo: int, hi: int) -> Iterator[list[Interval]]:
    """free_between, one work shift at a time: a search that settles early never sweeps the rest."""
    n, first = len(busy), 0
    for w_lo, w_hi in work:
        w_lo, w_hi = (lo if w_lo < lo else w_lo), (hi if w_hi > hi else w_hi)
        if w_lo >= w_hi:
            continue
        while first < n and busy[first][1] <= w_lo:   # ends before this shift: before every later one too
            first += 1
        free: list[Interval] = []
        cursor, i = w_lo, first
        while i < n:
            b_lo, b_hi = busy[i]
            if b_lo >= w_hi:
                break
            if b_lo > cursor:
                free.append((cursor, b_lo))
            if b_hi > cursor:
                cursor = b_hi
            i += 1
        if cursor < w_hi:
            free.append((cursor, w_hi))
        yield free


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
    """`free` minus every interval of `busy` (both sorted or not; the result is sorted): the plain definition
    the sweep (`free_between`, `free_by_shift`) is tested against."""
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
    """Inclusive ranges [first, last] of grid starts that fit `duration` and start in [earliest, latest).

    The definition `next_fit` is tested against (it finds the same starts without building these ranges).
    """
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


def first_reaching(free: Sequence[Interval], moment: int) -> int:
    """The index of the first of `free` (sorted, disjoint) that ends after `moment`."""
    i = bisect.bisect_right(free, (moment, math.inf)) - 1
    return i + 1 if i < 0 or free[i][1] <= moment else i


def next_fit(free: Sequence[Interval], cursor: int, duration: int, latest: int,
             more: Callable[[], bool] = lambda: False) -> int | None:
    """The earliest grid start in [cursor, latest) that fits `duration` in one of `free` (sorted, disjoint).

    The same starts as `next_start(start_ranges(...))`, found lazily: only the intervals up to the answer are
    looked at. `more` appends the next interval to `free` when there is one (False when there is none).
    """
    i = first_reaching(free, cursor)
    while i < len(free) or more():
        lo, hi = free[i]
        start = ceil_grid(max(lo, cursor))
        if start >= latest:
            return None
        if start + duration <= hi:
            return start
        i += 1
    return None


class _Candidate:
    """A technician's free time, read from its source only as far as the search needs (searches usually
    settle within days of a wider window), with the intervals long enough for the duration picked out."""

    def __init__(self, time: FreeTime, duration: int) -> None:
        self.time = time
        self.duration = duration
        self.free: list[Interval] = []
        self.long: list[Interval] = []
        self._source = time.shifts()

    def _read(self) -> bool:
        """Reads the next shift's intervals; False when none are left."""
        shift = next(self._source, None)
        if shift is None:
            return False
        self.free += shift
        self.long += [(lo, hi) for lo, hi in shift if hi - lo >= self.duration]
        return True

    def _more_long(self) -> bool:
        """Reads until `long` has grown; False when nothing is left to read."""
        known = len(self.long)
        while len(self.long) == known:
            if not self._read():
                return False
        return True

    def read_past(self, moment: int) -> None:
        """Reads until an interval ending after `moment` has been read, or none are left."""
        while (not self.free or self.free[-1][1] <= moment) and self._read():
            pass

    def next_fit(self, cursor: int, latest: int) -> int | None:
        return next_fit(self.long, cursor, self.duration, latest, self._more_long)


def pick_options(free_times: Sequence[FreeTime], *, duration: int, earliest: int, latest: int, tz: ZoneInfo,
                 limit: int, preferred: UUID | None = None, spread: UUID | None = None) -> list[AppointmentOption]:
    """Ranked, mutually non-overlapping options: preferred technician first, then earliest, then least loaded.

    `spread` (the ticket) breaks ties between equally loaded technicians differently for each ticket,
    so customers asking at the same moment are not all offered the same person at the same time.
    """
    cands = [_Candidate(t, duration) for t in free_times]
    groups = [[c for c in cands if c.time.technician_id == preferred],
              [c for c in cands if c.time.technician_id != preferred]]
    chosen: list[AppointmentOption] = []
    taken: list[Interval] = []
    for group in groups:
        cursor = earliest
        starts: dict[int, int] = {}
        while group and len(chosen) < limit:
            starts = {id(c): s for c in group if (s := _next_fit(c, starts.get(id(c)), cursor, latest)) is not None}
            if not starts:
                break
            t = min(starts.values())
            clash = [hi for lo, hi in taken if lo < t + duration and t < hi]
            if clash:
                cursor = max(clash)
                continue
            best = _least_loaded([c for c in group if starts.get(id(c)) == t], t, tz, spread)
            chosen.append(AppointmentOption(
                technician_id=best.time.technician_id, technician_name=best.time.name, start=utc(t),
                end=utc(t + duration), previous_technician=best.time.technician_id == preferred))
            taken.append((t, t + duration))
            cursor = t + duration
    return chosen


def _next_fit(c: _Candidate, known: int | None, cursor: int, latest: int) -> int | None:
    """The candidate's next fit from `cursor`: the one found before while the cursor has not passed it."""
    return known if known is not None and known >= cursor else c.next_fit(cursor, latest)


def _least_loaded(cands: list[_Candidate], t: int, tz: ZoneInfo, spread: UUID | None = None) -> _Candidate:
    """The one with the most free time left that local day (booked work, time off and short shifts all count)."""
    if len(cands) == 1:
        return cands[0]
    day = datetime.fromtimestamp(t, tz).date()
    lo, hi = epoch(_midnight(day, tz)), epoch(_midnight(day + timedelta(days=1), tz))

    def free_that_day(c: _Candidate) -> int:
        total = 0
        c.read_past(hi)
        free = c.free
        for a, b in free[first_reaching(free, lo):]:
            if a >= hi:
                break
            total += min(b, hi) - max(a, lo)
        return total
    def tie_break(c: _Candidate) -> tuple:
        if spread is None:
            return (c.time.name, str(c.time.technician_id))
        return (hashlib.blake2b(spread.bytes + c.time.technician_id.bytes, digest_size=8).digest(),)
    return min(cands, key=lambda c: (-free_that_day(c), *tie_break(c)))


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
       (exists (select 1 from time_off o
                 where o.technician_id = te.id and o.during && tstzrange(%(start)s, %(end)s))
        or exists (select 1 from business_closures b
                    where b.day between %(day)s::date - 1 and %(day)s::date + 1
                      and tstzrange(b.day::timestamp at time zone %(tz)s, (b.day + 1)::timestamp at time zone %(tz)s)
                          && tstzrange(%(start)s, %(end)s))) as slot_time_off,
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
