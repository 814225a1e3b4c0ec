"""Connection pools and transactions.

Tenant context is only ever set inside a transaction with `set_config(..., true)`, so a pooled
connection can never carry one tenant's context into the next checkout. Domain functions take the
connection and never commit: the surface or tool that opens `tenant_tx` owns the transaction.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar
from uuid import UUID

import psycopg
from opentelemetry import metrics
from psycopg import AsyncConnection
from psycopg.rows import class_row, dict_row
from psycopg.types.json import set_json_dumps
from psycopg_pool import AsyncConnectionPool
from pydantic_core import to_json

from domain import errors

T = TypeVar("T")

APP_ROLE = "fieldbook_app"
transaction_seconds = metrics.get_meter("fieldbook.db").create_histogram(
    "fieldbook.db.transaction.duration", unit="s", description="Time inside tenant transactions")

# JSON parameters may hold UUIDs, datetimes, Decimals and pydantic models.
set_json_dumps(lambda obj: to_json(obj).decode())


class Database:
    """The serving pool (RLS-bound role), the admin pool (platform work, migrations role) and the lock pool
    (connections that hold one conversation's turn lock each, domain/conversations/turns.py)."""

    def __init__(self, app_url: str, admin_url: str, *, app_role: str | None = None,
                 min_size: int = 1, max_size: int = 10, max_turns: int = 32) -> None:
        # When the serving URL logs in as a privileged role, every connection drops to the serving
        # role at connect time; nothing in the application ever resets it.
        configure = _set_role(app_role) if app_role else None
        self.app_pool = AsyncConnectionPool(app_url, min_size=min_size, max_size=max_size,
                                            configure=configure, open=False, name="app")
        self.admin_pool = AsyncConnectionPool(admin_url, min_size=0, max_size=2, open=False, name="admin")
        # its own pool: a turn waiting here never holds a connection the turns in progress need
        self.lock_pool = AsyncConnectionPool(app_url, min_size=0, max_size=max_turns, configure=configure,
                                             open=False, name="turn-locks")

    async def open(self) -> None:
        await self.app_pool.open(wait=True, timeout=30)
        await self.admin_pool.open()
        await self.lock_pool.open()

    async def close(self) -> None:
        await self.app_pool.close()
        await self.admin_pool.close()
        await self.lock_pool.close()

    async def ping(self) -> bool:
        try:
            async with self.app_pool.connection(timeout=5) as conn:
                await conn.execute("select 1")
            return True
        except (psycopg.Error, TimeoutError, OSError):
            return False


def _set_role(role: str):
    async def configure(conn: AsyncConnection) -> None:
        await conn.execute(psycopg.sql.SQL("set role {}").format(psycopg.sql.Identifier(role)))
        await conn.commit()
    return configure


@asynccontextmanager
async def tenant_tx(pool: AsyncConnectionPool, tenant_id: UUID, actor: str) -> AsyncIterator[AsyncConnection]:
    """One transaction in one tenant's context; database integrity errors become domain errors."""
    started = time.perf_counter()
    async with pool.connection() as conn:
        try:
            async with conn.transaction():
                await conn.execute("select set_config('app.tenant_id', %s, true), set_config('app.actor', %s, true)",
                                   (str(tenant_id), actor))
                yield conn
        except psycopg.errors.IntegrityError as exc:
            raise errors.translate(exc) from exc
        finally:
            # the time a transaction holds a connection: what "database time" costs the server
            transaction_seconds.record(time.perf_counter() - started, {"db.role": "app"})


@asynccontextmanager
async def admin_tx(db: Database) -> AsyncIterator[AsyncConnection]:
    """A transaction on the admin connection: platform work across tenants. Use sparingly."""
    async with db.admin_pool.connection() as conn:
        try:
            async with conn.transaction():
                await conn.execute("select set_config('app.actor', 'platform', true)")
                yield conn
        except psycopg.errors.IntegrityError as exc:
            raise errors.translate(exc) from exc


async def fetch_one(conn: AsyncConnection, model: type[T], query: str, params: Any = None) -> T | None:
    """The first row of a query as `model`, or None."""
    cur = conn.cursor(row_factory=class_row(model))
    await cur.execute(query, params)
    return await cur.fetchone()


async def fetch_all(conn: AsyncConnection, model: type[T], query: str, params: Any = None) -> list[T]:
    """Every row of a query as `model`."""
    cur = conn.cursor(row_factory=class_row(model))
    await cur.execute(query, params)
    return await cur.fetchall()


async def fetch_value(conn: AsyncConnection, query: str, params: Any = None) -> Any:
    """The first column of the first row, or None."""
    cur = await conn.execute(query, params)
    row = await cur.fetchone()
    return row[0] if row else None


async def fetch_dicts(conn: AsyncConnection, query: str, params: Any = None) -> Sequence[dict[str, Any]]:
    cur = conn.cursor(row_factory=dict_row)
    await cur.execute(query, params)
    return await cur.fetchall()
