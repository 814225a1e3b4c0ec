"""Who is on duty: the staff alerted when a conversation needs a person, and where to reach them."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel, Field

from domain.db import fetch_all, fetch_one
from domain.errors import NotFound
from domain.phones import normalize_phone


class DutyContact(BaseModel):
    id: UUID
    name: str
    role: str
    email: str
    phone: str | None
    on_duty: bool


class DutyUpdate(BaseModel):
    on_duty: bool
    phone: str | None = Field(None, max_length=40, description="Where SMS alerts go; any format")


COLUMNS = "id, name, role, email::text as email, phone, on_duty"


async def alert_recipients(conn: AsyncConnection) -> list[DutyContact]:
    """The active staff on duty; when nobody is, the owners and dispatchers (an alert never goes nowhere)."""
    return await fetch_all(conn, DutyContact, f"""
        with active as (select {COLUMNS} from staff_users where active)
        select * from active where on_duty
        union all
        select * from active where role in ('owner', 'dispatcher') and not exists (select 1 from active where on_duty)
        order by name""")


async def get_duty(conn: AsyncConnection, *, user_id: UUID) -> DutyContact:
    found = await fetch_one(conn, DutyContact, f"select {COLUMNS} from staff_users where id = %s", (user_id,))
    if found is None:
        raise NotFound("Staff member not found.")
    return found


async def set_duty(conn: AsyncConnection, *, user_id: UUID, data: DutyUpdate, region: str) -> DutyContact:
    """On or off duty, and the phone SMS alerts go to."""
    phone = normalize_phone(data.phone, region) if data.phone else None
    found = await fetch_one(conn, DutyContact, f"""
        update staff_users set on_duty = %s, phone = %s where id = %s returning {COLUMNS}""",
        (data.on_duty, phone, user_id))
    if found is None:
        raise NotFound("Staff member not found.")
    return found
