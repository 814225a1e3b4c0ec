"""Staff users of a tenant: owners, dispatchers, technicians."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel, Field

from domain.db import fetch_all, fetch_one, fetch_value
from domain.errors import Conflict, NotFound

Role = Literal["owner", "dispatcher", "technician"]


class StaffUser(BaseModel):
    id: UUID
    tenant_id: UUID
    email: str
    name: str
    role: Role
    active: bool
    created_at: datetime


class StaffUserCreate(BaseModel):
    email: str = Field(pattern=r"^[^@\s\x00]+@[^@\s\x00]+$", max_length=254)
    name: str = Field(min_length=1, max_length=200)
    role: Role


COLUMNS = "id, tenant_id, email::text as email, name, role, active, created_at"


async def create_staff_user(conn: AsyncConnection, *, tenant_id: UUID, data: StaffUserCreate) -> StaffUser:
    user = await fetch_one(conn, StaffUser, f"""
        insert into staff_users (tenant_id, email, name, role) values (%s, %s, %s, %s) returning {COLUMNS}""",
        (tenant_id, data.email, data.name, data.role))
    assert user is not None
    return user


async def upsert_staff_user(conn: AsyncConnection, *, tenant_id: UUID, data: StaffUserCreate) -> StaffUser:
    """Create the user or refresh its name and role (used by the demo seed)."""
    user = await fetch_one(conn, StaffUser, f"""
        insert into staff_users (tenant_id, email, name, role) values (%s, %s, %s, %s)
        on conflict (tenant_id, email) do update set name = excluded.name, role = excluded.role, active = true
        returning {COLUMNS}""", (tenant_id, data.email, data.name, data.role))
    assert user is not None
    return user


async def get_staff_user(conn: AsyncConnection, *, user_id: UUID) -> StaffUser | None:
    return await fetch_one(conn, StaffUser, f"select {COLUMNS} from staff_users where id = %s", (user_id,))


async def list_staff(conn: AsyncConnection) -> list[StaffUser]:
    return await fetch_all(conn, StaffUser, f"select {COLUMNS} from staff_users order by name")


async def invite_staff_user(conn: AsyncConnection, *, tenant_id: UUID, data: StaffUserCreate) -> StaffUser:
    """A new team member, or a deactivated one back with a new name and role (an active one: DUPLICATE_EMAIL)."""
    user = await fetch_one(conn, StaffUser, f"""
        insert into staff_users (tenant_id, email, name, role) values (%s, %s, %s, %s)
        on conflict (tenant_id, email) do update set name = excluded.name, role = excluded.role, active = true
         where not staff_users.active
        returning {COLUMNS}""", (tenant_id, data.email.strip(), data.name, data.role))
    if user is None:
        raise Conflict("A staff member with this email already exists.", code="DUPLICATE_EMAIL")
    return user


async def deactivate_staff_user(conn: AsyncConnection, *, user_id: UUID) -> StaffUser:
    """Take away access at once: the account stops signing in and every session of it ends now."""
    target = await get_staff_user(conn, user_id=user_id)
    if target is None:
        raise NotFound("Staff member not found.")
    if target.role == "owner" and target.active and await fetch_value(conn, """
            select count(*) from staff_users where role = 'owner' and active""") <= 1:
        raise Conflict("The business needs at least one active owner; add another owner first.",
                       code="LAST_OWNER")
    user = await fetch_one(conn, StaffUser, f"update staff_users set active = false where id = %s returning {COLUMNS}",
                           (user_id,))
    await conn.execute("delete from staff_sessions where staff_user_id = %s", (user_id,))
    await conn.execute("delete from magic_links where staff_user_id = %s and used_at is null", (user_id,))
    assert user is not None
    return user
