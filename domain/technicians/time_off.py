"""Time off: a sick day, a vacation or part of a day, subtracted from the technician's free time."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_one
from domain.errors import NotFound
from domain.technicians.models import TimeOff, TimeOffCreate
from domain.technicians.service import get_technician

COLUMNS = "id, technician_id, lower(during) as start, upper(during) as end, reason, created_at"


async def add_time_off(conn: AsyncConnection, *, tenant_id: UUID, technician_id: UUID,
                       data: TimeOffCreate) -> TimeOff:
    """Block [start, end) for the technician; the next availability query leaves it out."""
    await get_technician(conn, technician_id=technician_id)
    off = await fetch_one(conn, TimeOff, f"""
        insert into time_off (tenant_id, technician_id, during, reason) values (%s, %s, tstzrange(%s, %s), %s)
        returning {COLUMNS}""", (tenant_id, technician_id, data.start, data.end, data.reason))
    assert off is not None
    return off


async def list_time_off(conn: AsyncConnection, *, technician_id: UUID) -> list[TimeOff]:
    """The technician's time off, latest first."""
    await get_technician(conn, technician_id=technician_id)
    return await fetch_all(conn, TimeOff, f"""
        select {COLUMNS} from time_off where technician_id = %s order by lower(during) desc, id""",
        (technician_id,))


async def delete_time_off(conn: AsyncConnection, *, technician_id: UUID, time_off_id: UUID) -> None:
    cur = await conn.execute("delete from time_off where technician_id = %s and id = %s",
                             (technician_id, time_off_id))
    if cur.rowcount == 0:
        raise NotFound("Time off not found.")
