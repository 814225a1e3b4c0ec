"""A booking's own statements driven by pgbench, a C client: what the server alone sustains.

`booking_tps` (Python, 8 workers) is compared with pgbench's TPC-B-like script. This runs exactly what
`scheduling.service.book` sends for one booking, READ_FOR_WRITE_SQL (the ticket locked, its context,
the slot check) and BOOK_SQL (appointment, ticket, events, messages) between BEGIN with the tenant
context and COMMIT, with the parameters Python would pass, made beforehand by the same code
(`service.booking_writes`) and read by one extra statement per transaction. The gap between this and
`booking_tps` is the Python client's; the gap between this and tpcb-like is the booking's own work.
"""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path
from uuid import UUID

from psycopg import AsyncConnection, sql

from domain.db import APP_ROLE, Database, admin_tx, tenant_tx
from domain.scheduling import service, tickets
from domain.scheduling.availability import utc
from domain.technicians.service import list_technicians
from domain.tenants.models import Tenant
from fieldbook.bench import pgbench
from fieldbook.bench.seed import NOW

TABLE, SEQUENCE = "bench_booking_jobs", "bench_booking_job"
# The parameters that change from one booking to the next, with their types; every other one is a constant.
PER_BOOKING = {"id": "uuid", "technician_id": "uuid", "day": "date", "start": "timestamptz", "end": "timestamptz",
               "appointment": "uuid", "ticket": "uuid", "technician": "uuid", "events": "jsonb", "messages": "jsonb"}


async def booking_sql_tps(db: Database, tenant: Tenant, jobs: list[tuple[UUID, UUID, int]], *, url: str,
                          database: str, role: str | None, clients: int, seconds: float | None = None,
                          transactions: int | None = None) -> float:
    """Books `jobs` ((ticket, technician, epoch start) of free hours, in order) with pgbench for `seconds`,
    or `transactions` per client; its tps. pgbench stops with an error when the jobs run out."""
    rows, constants = await _prepare(db, tenant, jobs)
    async with admin_tx(db) as conn:
        await _store(conn, rows)
        script = await _script(conn, tenant, constants)
    with tempfile.TemporaryDirectory(prefix="fieldbook-pgbench-") as tmp:
        path = Path(tmp) / "booking.sql"
        path.write_text(script)
        return pgbench.script(url, database=database, path=path, clients=clients, seconds=seconds,
                              transactions=transactions, role=role)


async def _prepare(db: Database, tenant: Tenant, jobs: list[tuple[UUID, UUID, int]]) -> tuple[list[dict], dict]:
    """Each booking's parameters, as `book` would pass them."""
    rows, constants = [], {}
    async with tenant_tx(db.app_pool, tenant.id, "bench") as conn:
        names = {t.id: t.name for t in await list_technicians(conn)}
        for ticket_id, tech_id, start in jobs:
            begin, end = utc(start), utc(start) + timedelta(hours=1)
            ctx = await tickets.ticket_context(conn, ticket_id=ticket_id, now=NOW)
            _, writes = service.booking_writes(tenant=tenant, ctx=ctx, technician_id=tech_id,
                                               technician_name=names[tech_id], start=begin, end=end, now=NOW,
                                               booked_by="bench")
            params = service.read_for_write_params(tenant=tenant, ticket_id=ticket_id, technician_id=tech_id,
                                                   start=begin, end=end, now=NOW) | writes
            rows.append({name: params[name] for name in PER_BOOKING})
            constants = {name: value for name, value in params.items() if name not in PER_BOOKING}
    return rows, constants


async def _store(conn: AsyncConnection, rows: list[dict]) -> None:
    columns = sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind))
                                 for name, kind in PER_BOOKING.items())
    await conn.execute(sql.SQL("create table {} (n bigint primary key, {})").format(sql.Identifier(TABLE), columns))
    async with conn.cursor().copy(sql.SQL("copy {} from stdin").format(sql.Identifier(TABLE))) as copy:
        for n, row in enumerate(rows, 1):
            await copy.write_row([n, *row.values()])
    await conn.execute(sql.SQL("create sequence {}").format(sql.Identifier(SEQUENCE)))
    await conn.execute(sql.SQL("grant select on {} to {}").format(sql.Identifier(TABLE), sql.Identifier(APP_ROLE)))
    await conn.execute(sql.SQL("grant usage on sequence {} to {}").format(sql.Identifier(SEQUENCE),
                                                                          sql.Identifier(APP_ROLE)))


async def _script(conn: AsyncConnection, tenant: Tenant, constants: dict) -> str:
    """The pgbench script: psycopg's %(name)s become pgbench variables or literals."""
    def pgbench_sql(query: str) -> str:
        def placeholder(match: re.Match) -> str:
            name = match.group(1)
            if name in PER_BOOKING:
                return f"(:{name})::{PER_BOOKING[name]}"
            return sql.Literal(constants[name]).as_string(conn)
        return re.sub(r"%\((\w+)\)s", placeholder, query).strip()

    per_booking = ", ".join(f'"{name}"' for name in PER_BOOKING)
    return f"""BEGIN;
SELECT set_config('app.tenant_id', '{tenant.id}', true), set_config('app.actor', 'bench', true);
SELECT {per_booking} FROM {TABLE} WHERE n = (SELECT nextval('{SEQUENCE}')) \\gset
{pgbench_sql(service.READ_FOR_WRITE_SQL)};
{pgbench_sql(service.BOOK_SQL)};
COMMIT;
"""
