"""Business closures: a local date (a holiday) on which nobody is offered, whatever their hours."""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel, Field

from domain.db import fetch_all, fetch_one
from domain.errors import NotFound


class Closure(BaseModel):
    id: UUID
    date: Date
    reason: str | None
    created_at: datetime


class ClosureCreate(BaseModel):
    date: Date
    reason: str | None = Field(None, max_length=200)


COLUMNS = "id, day as date, reason, created_at"


async def add_closure(conn: AsyncConnection, *, tenant_id: UUID, data: ClosureCreate) -> Closure:
    """Close the business on a date (a second closure that day: Conflict DUPLICATE_CLOSURE)."""
    closure = await fetch_one(conn, Closure, f"""
        insert into business_closures (tenant_id, day, reason) values (%s, %s, %s) returning {COLUMNS}""",
        (tenant_id, data.date, data.reason or None))
    assert closure is not None
    return closure


async def list_closures(conn: AsyncConnection, *, since: Date | None = None) -> list[Closure]:
    """Closures by date, optionally from a date on."""
    return await fetch_all(conn, Closure, f"""
        select {COLUMNS} from business_closures where %(since)s::date is null or day >= %(since)s
         order by day""", {"since": since})


async def delete_closure(conn: AsyncConnection, *, closure_id: UUID) -> None:
    cur = await conn.execute("delete from business_closures where id = %s", (closure_id,))
    if cur.rowcount == 0:
        raise NotFound("Closure not found.")
