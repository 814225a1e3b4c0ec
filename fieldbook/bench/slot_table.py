"""Seed 004's availability design, built in the benchmark's database as the baseline to beat.

Seed 004 (pattern 6) pre-generates a row per technician per 15-minute slot with an availability flag
(`d_entity_person_calendar`), and its `GET /employee/:id/availability` reads one technician's rows at a
time. Here: the same table, filled from the seeded working hours, time off and appointments (buffer
included, so both designs see the same free time), with the seed's index; and the seed's way of asking:
list the qualified technicians, read each one's slots for the window, find the runs long enough for the
job, rank the candidates. The product itself never stores slots (DESIGN.md, Scheduling).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from psycopg import AsyncConnection

from domain.db import Database, admin_tx
from domain.scheduling.availability import GRID, FreeTime, epoch, pick_options
from domain.scheduling.models import AppointmentOption
from domain.technicians.service import list_technicians
from domain.tenants.models import Tenant

CREATE_SQL = """
create table if not exists bench_slots (
    tenant_id      uuid not null,
    technician_id  uuid not null,
    slot_start     timestamptz not null,
    available      boolean not null,
    appointment_id uuid,
    primary key (tenant_id, technician_id, slot_start)
)"""

# Every working 15-minute cell of every technician of the tenant over the days, flagged busy where an
# appointment (with the tenant's buffer on both sides) or time off overlaps it.
FILL_SQL = """
insert into bench_slots (tenant_id, technician_id, slot_start, available, appointment_id)
select w.tenant_id, w.technician_id, cell, busy.id is null and off.id is null, busy.id
  from working_hours w
  join tenants t on t.id = w.tenant_id
  join generate_series(%(day_from)s::date, %(day_to)s::date, interval '1 day') d(day)
    on extract(isodow from d.day) = w.weekday
  cross join lateral generate_series((d.day::date + w.starts) at time zone t.timezone,
                                     (d.day::date + w.ends) at time zone t.timezone - interval '15 minutes',
                                     interval '15 minutes') cell
  left join lateral (
      select a.id from appointments a
       where a.tenant_id = w.tenant_id and a.technician_id = w.technician_id and a.status <> 'cancelled'
         and a.during && tstzrange(cell - make_interval(mins => t.buffer_minutes),
                                   cell + interval '15 minutes' + make_interval(mins => t.buffer_minutes))
       limit 1) busy on true
  left join lateral (
      select o.id from time_off o
       where o.tenant_id = w.tenant_id and o.technician_id = w.technician_id
         and o.during && tstzrange(cell, cell + interval '15 minutes')
       limit 1) off on true
 where w.tenant_id = %(tenant)s"""

# What the seed's GET /employee/:id/availability?from=&to= reads.
ONE_TECHNICIAN_SQL = """
select slot_start, available from bench_slots
 where tenant_id = %(tenant)s and technician_id = %(technician)s
   and slot_start >= %(start)s and slot_start < %(end)s
 order by slot_start"""


async def build(db: Database, *, tenant: Tenant, start: datetime, days: int) -> int:
    """Fill the slot table for the tenant's technicians over `days` from `start`; returns the rows made."""
    async with admin_tx(db) as conn:
        await conn.execute(CREATE_SQL)
        await conn.execute("grant select on bench_slots to fieldbook_app")
        cur = await conn.execute(FILL_SQL, {"tenant": tenant.id, "day_from": start.date(),
                                            "day_to": (start + timedelta(days=days)).date()})
        made = cur.rowcount
    async with db.admin_pool.connection() as conn:
        await conn.set_autocommit(True)
        await conn.execute("analyze bench_slots")
    return made


async def find_options(conn: AsyncConnection, *, tenant: Tenant, category: str, duration_minutes: int,
                       earliest: datetime, latest: datetime, limit: int = 3) -> list[AppointmentOption]:
    """The seed's way: each qualified technician's slots in turn, then the same ranking as the product."""
    free = []
    for tech in await list_technicians(conn, skill=category):
        cur = await conn.execute(ONE_TECHNICIAN_SQL, {"tenant": tenant.id, "technician": tech.id, "start": earliest,
                                                      "end": latest + timedelta(minutes=duration_minutes)})
        free.append(FreeTime(technician_id=tech.id, name=tech.name, active=True,
                             free=free_runs(await cur.fetchall())))
    return pick_options(free, duration=duration_minutes * 60, earliest=epoch(earliest), latest=epoch(latest),
                        tz=tenant.tz, limit=limit)


def free_runs(slots: list[tuple[datetime, bool]]) -> list[tuple[int, int]]:
    """Consecutive available slots joined into (start, end) epoch intervals."""
    runs: list[tuple[int, int]] = []
    for slot_start, available in slots:
        if not available:
            continue
        lo = epoch(slot_start)
        if runs and runs[-1][1] == lo:
            runs[-1] = (runs[-1][0], lo + GRID)
        else:
            runs.append((lo, lo + GRID))
    return runs

