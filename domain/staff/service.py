"""Staff users of a tenant: owners, dispatchers, technicians."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel, Field

from domain.db import fetch_all, fetch_one

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
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)
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
