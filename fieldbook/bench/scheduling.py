"""`fieldbook bench scheduling --out FILE.json`: availability latency, booking throughput, the race, growth.

Runs against a fresh embedded PostgreSQL (or a fresh `fieldbook_bench` database on DATABASE_URL's
server), seeds the benchmark tenant, measures, writes the JSON file and prints the figures.

Baselines, each measured in the same run:
- availability: seed 004's own design, pre-generated 15-minute slot rows asked one technician at a time
  (`slot_table.py`): `speedup_vs_seed`. The product's own per-technician endpoint asked one by one stays
  as information (`availability_speedup`).
- growth: the same availability question in a database of one tenant and in one of ten tenants of the
  same shape (500 technicians, 100,000 appointments), asked alternately: `availability_p50_ms_10x` and
  `availability_growth` (its p50 over the one-tenant database's).
- booking: pgbench's TPC-B-like script on the same server, for Python (`booking_vs_pgbench`) and for the
  booking's own statements run by pgbench (`booking_sql_vs_pgbench`, the server's share).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from itertools import zip_longest
from pathlib import Path
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from domain.db import APP_ROLE, Database, tenant_tx
from domain.errors import DomainError
from domain.scheduling import calendar_view, service
from domain.scheduling.availability import FreeTime, epoch, fetch_free_time, pick_options, utc
from domain.scheduling.errors import SlotTaken
from domain.technicians.service import list_technicians
from domain.tenants.models import Tenant
from fieldbook.bench import booking_sql, pgbench, slot_table
from fieldbook.bench.seed import DAYS, NOW, BenchTenant, seed, skills_of
from fieldbook.migrate import migrate

DATABASE = "fieldbook_bench"
PROCESSES = 4
GROWTH_TENANTS = 10
TARGETS = {"availability_p50_ms": ("<=", 5.0), "speedup_vs_seed": (">=", 10.0),
           "availability_p50_ms_10x": ("<=", 5.0), "booking_sql_vs_pgbench": (">=", 0.35),
           "booking_vs_pgbench": (">=", 0.25), "race_successes": ("==", 1), "overlaps": ("==", 0)}


def run(*, out: Path, seconds: float, iterations: int, database_url: str | None) -> int:
    """Run every measurement and write `out`; returns 0 when every target is met."""
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="fieldbook-bench-") as tmp:
        server_url, stop = _server(database_url, Path(tmp))
        try:
            result = asyncio.run(_measure(server_url, database_url is None, seconds, iterations))
        finally:
            stop()
    result |= {"cpus": os.cpu_count(), "load_average_before": load_before, "load_average_after": os.getloadavg()[0]}
    result["targets"] = {k: f"{op} {v}" for k, (op, v) in TARGETS.items()}
    result["targets_met"] = all(_meets(result[k], op, v) for k, (op, v) in TARGETS.items())
    out.write_text(json.dumps(result, indent=2) + "\n")
    for key in ("availability_p50_ms", "availability_p99_ms", "seed_baseline_p50_ms", "speedup_vs_seed",
                "baseline_p50_ms", "availability_speedup", "availability_p50_ms_10x", "availability_growth",
                "booking_tps", "client_cpu_ms_per_booking", "pgbench_tpcb_tps", "booking_vs_pgbench",
                "booking_sql_tps", "booking_sql_vs_pgbench", "race_attempts", "race_successes", "overlaps",
                "targets_met"):
        print(f"{key:24} {result[key]}")
    print(f"written to {out}")
    return 0 if result["targets_met"] else 1


def _meets(value, op: str, target) -> bool:
    return {"<=": value <= target, ">=": value >= target, "==": value == target}[op]


def _server(database_url: str | None, tmp: Path):
    if database_url:
        return make_conninfo(database_url, dbname="postgres"), lambda: None
    from fieldbook.embedded import EmbeddedPostgres
    pg = EmbeddedPostgres(tmp)
    return pg.server_url, pg.stop


def _fresh_database(server_url: str, name: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return make_conninfo(server_url, dbname=name)


async def _measure(server_url: str, embedded: bool, seconds: float, iterations: int) -> dict:
    db, urls = await _open(server_url, DATABASE, embedded, max_size=60)
    try:
        bench = await seed(db)
        result = {"technicians": len(bench.technicians), "appointments": bench.appointments,
                  "hvac_technicians": sum("HVAC" in skills_of(i) for i in range(len(bench.technicians))),
                  "iterations": iterations, "seconds": seconds}
        result |= await _availability(db, bench, iterations)
        result |= await _booking(db, bench, seconds, urls)
        result |= pgbench.tpcb(server_url, clients=8, seconds=seconds)
        result["booking_vs_pgbench"] = round(result["booking_tps"] / result["pgbench_tpcb_tps"], 3)
        result |= await _race(db, bench)   # before _booking_sql, which books the free hours up to the horizon
        result |= await _booking_sql(db, bench, seconds, urls[0], urls[2])
        result["booking_sql_vs_pgbench"] = round(result["booking_sql_tps"] / result["pgbench_tpcb_tps"], 3)
    finally:
        await db.close()
    result |= await _growth(server_url, embedded, iterations)
    return result


async def _open(server_url: str, name: str, embedded: bool, *, max_size: int) -> tuple[Database, tuple]:
    """A fresh, migrated database and its opened pools; (app url, admin url, role to SET) for other processes."""
    admin_url = _fresh_database(server_url, name)
    migrate(admin_url)
    app_url = make_conninfo(admin_url, user=APP_ROLE) if embedded else admin_url
    role = None if embedded else APP_ROLE
    db = Database(app_url, admin_url, app_role=role, min_size=min(8, max_size), max_size=max_size)
    await db.open()
    return db, (app_url, admin_url, role)


def _windows(iterations: int) -> list:
    """7-day windows starting on successive days across the seeded 60 days."""
    return [NOW + timedelta(days=i % 50, hours=8) for i in range(iterations)]


async def _availability(db: Database, bench: BenchTenant, iterations: int) -> dict:
    """The product's one query against the seed's slot table and the product's per-technician endpoint."""
    tenant = bench.tenant
    await slot_table.build(db, tenant=tenant, start=NOW, days=DAYS + 8)
    ours, per_technician, seed_way, same_per_technician, same_seed = [], [], [], 0, 0
    for i, start in enumerate(_windows(iterations + 20)):
        end = start + timedelta(days=7)
        async with tenant_tx(db.app_pool, tenant.id, "bench") as conn:
            t0 = time.perf_counter()
            options = await _ours(conn, tenant, start, end)
            t1 = time.perf_counter()
            one_by_one = await _one_by_one(conn, bench, start, end)
            t2 = time.perf_counter()
            slots = await slot_table.find_options(conn, tenant=tenant, category="HVAC", duration_minutes=120,
                                                  earliest=start, latest=end)
            t3 = time.perf_counter()
        if i >= 20:  # the first calls warm the caches and prepare the statements
            ours.append((t1 - t0) * 1000)
            per_technician.append((t2 - t1) * 1000)
            seed_way.append((t3 - t2) * 1000)
            same_per_technician += _starts(options) == _starts(one_by_one)
            same_seed += _starts(options) == _starts(slots)
    p50 = statistics.median(ours)
    base, seed_p50 = statistics.median(per_technician), statistics.median(seed_way)
    return {"availability_p50_ms": round(p50, 3), "availability_p99_ms": round(_percentile(ours, 99), 3),
            "seed_baseline_p50_ms": round(seed_p50, 3), "speedup_vs_seed": round(seed_p50 / p50, 2),
            "seed_same_starts": f"{same_seed}/{len(ours)}",
            "baseline_p50_ms": round(base, 3), "availability_speedup": round(base / p50, 2),
            "baseline_same_starts": f"{same_per_technician}/{len(ours)}"}


async def _ours(conn, tenant: Tenant, start, end) -> list:
    return await service.find_options(conn, tenant=tenant, category="HVAC", duration_minutes=120,
                                      earliest=start, latest=end, now=NOW)


def _starts(options: list) -> list:
    return [o.start for o in options]


async def _growth(server_url: str, embedded: bool, iterations: int) -> dict:
    """The same availability question in a database holding one tenant and in one holding ten (500
    technicians, 100,000 appointments), each asked of a tenant seeded exactly alike, alternating between
    the two so that the machine's load weighs on both equally."""
    one, _ = await _open(server_url, DATABASE + "_1x", embedded, max_size=2)
    ten, _ = await _open(server_url, DATABASE + "_10x", embedded, max_size=2)
    try:
        alone = await seed(one, slug="bench")
        crowd = [await seed(ten, slug=f"bench-{n}", analyze=n == GROWTH_TENANTS) for n in range(1, GROWTH_TENANTS + 1)]
        timings: dict[str, list[float]] = {"1x": [], "10x": []}
        for i, start in enumerate(_windows(iterations + 20)):
            for key, db, tenant in (("1x", one, alone.tenant), ("10x", ten, crowd[-1].tenant)):
                async with tenant_tx(db.app_pool, tenant.id, "bench") as conn:
                    t0 = time.perf_counter()
                    await _ours(conn, tenant, start, start + timedelta(days=7))
                    if i >= 20:
                        timings[key].append((time.perf_counter() - t0) * 1000)
        async with ten.admin_pool.connection() as conn:
            cur = await conn.execute("""select (select count(*) from tenants), (select count(*) from technicians),
                                               (select count(*) from appointments)""")
            tenant_count, technicians, appointments = await cur.fetchone()
    finally:
        await one.close()
        await ten.close()
    base, grown = statistics.median(timings["1x"]), statistics.median(timings["10x"])
    return {"tenants_10x": tenant_count, "technicians_10x": technicians, "appointments_10x": appointments,
            "availability_p50_ms_1x": round(base, 3), "availability_p50_ms_10x": round(grown, 3),
            "availability_p99_ms_10x": round(_percentile(timings["10x"], 99), 3),
            "availability_growth": round(grown / base, 2)}


async def _one_by_one(conn, bench: BenchTenant, start, end) -> list:
    """The product's per-technician endpoint asked in turn for each qualified technician (information only)."""
    tenant = bench.tenant
    free = []
    for tech in await list_technicians(conn, skill="HVAC"):
        one = await calendar_view.technician_availability(
            conn, tenant=tenant, technician_id=tech.id, start=start, end=end + timedelta(minutes=120))
        free.append(FreeTime(technician_id=tech.id, name=tech.name, active=True,
                             free=[(epoch(r.start), epoch(r.end)) for r in one.free]))
    return pick_options(free, duration=7200, earliest=epoch(start), latest=epoch(end), tz=tenant.tz, limit=3)


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


async def _booking(db: Database, bench: BenchTenant, seconds: float, urls: tuple[str, str, str | None]) -> dict:
    """8 workers (4 processes x 2, like pgbench -c 8 -j 4), each on its own technicians, book for `seconds`."""
    work = await _booking_plan(db, bench, workers=8)
    start_at = time.time() + 3   # the processes start and open their pools, then all begin together
    deadline = start_at + seconds
    with ProcessPoolExecutor(PROCESSES, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_process_main, urls, bench.tenant, work[p::PROCESSES], start_at, deadline)
                   for p in range(PROCESSES)]
        counts = [f.result() for f in futures]
    booked = sum(c[0] for c in counts)
    return {"booking_tps": round(booked / seconds, 1), "bookings": booked,
            "booking_errors": sum(c[1] for c in counts), "booking_exhausted": any(c[2] for c in counts),
            "booking_processes": PROCESSES,
            "client_cpu_ms_per_booking": round(sum(c[3] for c in counts) * 1000 / max(booked, 1), 3)}


def _process_main(urls: tuple[str, str, str | None], tenant: Tenant, jobs: list[list], start_at: float,
                  deadline: float) -> tuple:
    """One worker process: its own pool, its async workers, counting bookings made before the deadline and
    the CPU the process spent making them."""
    async def main() -> tuple:
        db = Database(urls[0], urls[1], app_role=urls[2], min_size=len(jobs), max_size=len(jobs))
        await db.open()
        try:
            await asyncio.sleep(max(0.0, start_at - time.time()))
            cpu = time.process_time()
            results = await asyncio.gather(*(_worker(db, tenant, j, deadline) for j in jobs))
            cpu = time.process_time() - cpu
        finally:
            await db.close()
        return (sum(r[0] for r in results), sum(r[1] for r in results), any(r[2] for r in results), cpu)
    return asyncio.run(main())


async def _booking_sql(db: Database, bench: BenchTenant, seconds: float, url: str, role: str | None) -> dict:
    """The booking's own statements from pgbench with 8 clients on other free hours: the server's share of
    the gap between booking_tps and tpcb-like (see fieldbook/bench/booking_sql.py)."""
    per_technician = await _booking_plan(db, bench, workers=len(bench.technicians), per_technician=300, days=90,
                                         area_code="289")
    jobs = [job for round_ in zip_longest(*per_technician) for job in round_ if job is not None]
    tps = await booking_sql.booking_sql_tps(db, bench.tenant, jobs, url=url, database=DATABASE, role=role,
                                            clients=8, seconds=seconds)
    return {"booking_sql_tps": round(tps, 1), "booking_sql_jobs": len(jobs)}


async def _booking_plan(db: Database, bench: BenchTenant, workers: int, *, per_technician: int = 120, days: int = 60,
                        area_code: str = "647") -> list[list[tuple[UUID, UUID, int]]]:
    """(ticket, technician, start) per worker: free hour windows of its technicians, tickets made up front
    (customers' phones in `area_code`, one customer per ticket)."""
    tenant = bench.tenant
    plan: list[list] = [[] for _ in range(workers)]
    async with tenant_tx(db.app_pool, tenant.id, "bench") as conn:
        for i, (tech_id, category) in enumerate(bench.technicians):
            [free] = await fetch_free_time(conn, tz=tenant.tz, start=NOW, end=NOW + timedelta(days=days),
                                           buffer_minutes=tenant.buffer_minutes, technician_id=tech_id)
            starts = [s for lo, hi in free.free for s in range(lo, hi - 3599, 3600)][:per_technician]
            cur = await conn.execute("""
                insert into tickets (tenant_id, customer_phone, category)
                select %s, '+1' || %s || (2000000 + %s * 1000 + g)::text, %s from generate_series(1, %s) g
                returning id""",
                                     (tenant.id, area_code, i, category, len(starts)))
            ids = [r[0] for r in await cur.fetchall()]
            plan[i % workers].extend(zip(ids, [tech_id] * len(ids), starts))
    return plan


async def _worker(db: Database, tenant: Tenant, jobs: list, deadline: float) -> tuple[int, int, bool]:
    booked = errors = 0
    for ticket_id, tech_id, start in jobs:
        if time.time() >= deadline:
            return booked, errors, False
        try:
            async with tenant_tx(db.app_pool, tenant.id, "bench") as conn:
                await service.book(conn, tenant=tenant, ticket_id=ticket_id, technician_id=tech_id,
                                   start=utc(start), duration_minutes=60, now=NOW, booked_by="bench")
            booked += 1
        except DomainError:
            errors += 1
    return booked, errors, True


async def _race(db: Database, bench: BenchTenant, attempts: int = 50) -> dict:
    """`attempts` transactions book one technician at one time, released together."""
    tenant = bench.tenant
    tech_id, category = bench.technicians[0]
    start = NOW + timedelta(days=73, hours=10)   # a Thursday past the seeded days, inside the horizon
    async with tenant_tx(db.app_pool, tenant.id, "bench") as conn:
        cur = await conn.execute("""insert into tickets (tenant_id, customer_phone, category)
                                    select %s, '+1905' || (2000000 + g)::text, %s
                                      from generate_series(1, %s) g returning id""",
                                 (tenant.id, category, attempts))
        tickets = [r[0] for r in await cur.fetchall()]
    ready, go = [0], asyncio.Event()

    async def attempt(ticket_id: UUID) -> str:
        try:
            async with tenant_tx(db.app_pool, tenant.id, "bench-race") as conn:
                ready[0] += 1
                if ready[0] == attempts:
                    go.set()
                await go.wait()
                await service.book(conn, tenant=tenant, ticket_id=ticket_id, technician_id=tech_id,
                                   start=start, duration_minutes=60, now=NOW, booked_by="race")
            return "booked"
        except SlotTaken:
            return "taken"

    outcomes = await asyncio.gather(*(attempt(t) for t in tickets))
    async with tenant_tx(db.app_pool, tenant.id, "bench") as conn:
        overlaps = (await (await conn.execute("""
            select count(*) from appointments a join appointments b
              on a.tenant_id = b.tenant_id and a.technician_id = b.technician_id and a.id < b.id
             and a.during && b.during
             where a.status <> 'cancelled' and b.status <> 'cancelled'""")).fetchone())[0]
    return {"race_attempts": attempts, "race_successes": outcomes.count("booked"),
            "race_slot_taken": outcomes.count("taken"), "overlaps": overlaps}
