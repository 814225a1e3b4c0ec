"""Benchmark tenants: 50 technicians, weekly hours, 10,000 appointments over 60 days each (deterministic).

Tickets and appointments go in with COPY through the migration role (COPY cannot run under row-level
security), codes numbered here and the tenant's counter set once: one counter row updated 10,000 times in
a transaction is what made the older seed take minutes at 100,000 appointments."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.db import Database, admin_tx, tenant_tx
from domain.technicians.models import TechnicianCreate, WorkingSpan
from domain.technicians.service import create_technician
from domain.tenants.models import Tenant, TenantCreate
from domain.tenants.service import create_tenant

TZ = ZoneInfo("America/Toronto")
NOW = datetime(2025, 11, 3, 0, 0, tzinfo=TZ)   # a Monday: the benchmark's fixed clock
DAYS = 60
CATEGORIES = ["HVAC", "Plumbing", "Electrical", "Landscaping", "General Contracting"]
WORK_START, WORK_END = time(9), time(20)


@dataclass
class BenchTenant:
    tenant: Tenant
    technicians: list[tuple[UUID, str]]   # (id, primary category)
    appointments: int


def skills_of(i: int) -> list[str]:
    """One trade each; every tenth and the next are generalists who also take HVAC (20 of 50 do HVAC)."""
    primary = CATEGORIES[i % len(CATEGORIES)]
    return [primary] + (["HVAC"] if i % 10 in (1, 2) and primary != "HVAC" else [])


async def seed(db: Database, *, slug: str = "bench", technicians: int = 50, appointments: int = 10_000,
               analyze: bool = True) -> BenchTenant:
    """One benchmark tenant; `analyze` runs VACUUM ANALYZE afterwards (leave it to the last of several)."""
    async with admin_tx(db) as conn:
        tenant = await create_tenant(conn, TenantCreate(
            name=f"Bench Home Services {slug}", slug=slug, timezone=TZ.key, booking_horizon_days=90))
    hours = [WorkingSpan(weekday=d, starts=WORK_START, ends=WORK_END) for d in range(1, 6)]
    techs: list[tuple[UUID, str]] = []
    async with tenant_tx(db.app_pool, tenant.id, "bench") as conn:
        for i in range(technicians):
            skills = skills_of(i)
            tech = await create_technician(conn, tenant_id=tenant.id, data=TechnicianCreate(
                name=f"Technician {i:02d}", skills=skills, working_hours=hours))
            techs.append((tech.id, skills[0]))
    plan = plan_appointments(techs, appointments)
    await copy_appointments(db, tenant.id, plan)
    if analyze:
        await vacuum_analyze(db)
    return BenchTenant(tenant=tenant, technicians=techs, appointments=len(plan))


async def copy_appointments(db: Database, tenant_id: UUID, plan: list[dict]) -> None:
    """Scheduled tickets and their appointments, as COPY, in one transaction."""
    ticket_ids = [uuid.uuid4() for _ in plan]
    async with admin_tx(db) as conn:
        first = await conn.execute("select coalesce(max(last_value), 0) from ticket_counters where tenant_id = %s",
                                   (tenant_id,))
        number = (await first.fetchone())[0]
        async with conn.cursor() as cur:
            async with cur.copy("""copy tickets (tenant_id, id, code, customer_phone, category, status, technician_id,
                                                 estimated_duration_minutes) from stdin""") as copy:
                for n, (ticket_id, p) in enumerate(zip(ticket_ids, plan), start=number + 1):
                    await copy.write_row((tenant_id, ticket_id, f"TASK-{n:05d}", p["phone"], p["category"],
                                          "scheduled", p["tech"], p["minutes"]))
            async with cur.copy("copy appointments (tenant_id, ticket_id, technician_id, during, booked_by) from stdin") as copy:
                for ticket_id, p in zip(ticket_ids, plan):
                    during = f"[{p['start'].isoformat()},{p['end'].isoformat()})"
                    await copy.write_row((tenant_id, ticket_id, p["tech"], during, "bench-seed"))
        await conn.execute("""insert into ticket_counters (tenant_id, last_value) values (%s, %s)
                              on conflict (tenant_id) do update set last_value = excluded.last_value""",
                           (tenant_id, number + len(plan)))


async def vacuum_analyze(db: Database) -> None:
    """As autovacuum would have by now on a live server: statistics, and the visibility map that lets
    index-only scans skip the heap (autovacuum vacuums insert-only tables too, since PostgreSQL 13)."""
    async with db.admin_pool.connection() as conn:
        await conn.set_autocommit(True)
        await conn.execute("vacuum analyze")


def plan_appointments(techs: list[tuple[UUID, str]], total: int) -> list[dict]:
    """`total` non-overlapping appointments spread over the technicians' working days."""
    rng = random.Random(42)
    days = [NOW.date() + timedelta(days=d) for d in range(DAYS)]
    slots = [(tech, day) for day in days if day.isoweekday() <= 5 for tech in techs]
    per_slot = [total // len(slots) + (1 if i < total % len(slots) else 0) for i in range(len(slots))]
    plan = []
    for n, ((tech_id, category), day) in zip(per_slot, slots):
        plan.extend(_day_plan(rng, tech_id, category, day, n))
    return plan


def _day_plan(rng: random.Random, tech_id: UUID, category: str, day, n: int) -> list[dict]:
    durations = [rng.choice((60, 90, 120)) for _ in range(n)]
    spare = (WORK_END.hour - WORK_START.hour) * 60 - sum(durations)
    cursor = datetime.combine(day, WORK_START, tzinfo=TZ)
    out = []
    for k, minutes in enumerate(durations):
        gap = rng.randrange(0, spare // (n - k + 1) // 15 + 1) * 15
        spare -= gap
        start = cursor + timedelta(minutes=gap)
        out.append({"tech": tech_id, "category": category, "minutes": minutes, "start": start,
                    "end": start + timedelta(minutes=minutes), "phone": f"+1416{rng.randrange(2000000, 9999999)}"})
        cursor = start + timedelta(minutes=minutes)
    return out
