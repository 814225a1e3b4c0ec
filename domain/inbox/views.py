"""Saved views: a staff member's named inbox filters (state, mine or unassigned, channel)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from pydantic import BaseModel, Field

from domain.db import fetch_all, fetch_one
from domain.errors import NotFound
from domain.inbox.models import InboxFilter

COLUMNS = "id, name, filters, created_at"


class SavedView(BaseModel):
    id: UUID
    name: str
    filters: InboxFilter
    created_at: datetime


class SavedViewCreate(BaseModel):
    name: str = Field(min_length=1, max_length=60)
    filters: InboxFilter


async def list_views(conn: AsyncConnection, *, staff_user_id: UUID) -> list[SavedView]:
    """The staff member's own views, by name (nobody else's)."""
    return await fetch_all(conn, SavedView, f"select {COLUMNS} from saved_views where staff_user_id = %s order by name",
                           (staff_user_id,))


async def save_view(conn: AsyncConnection, *, tenant_id: UUID, staff_user_id: UUID, data: SavedViewCreate) -> SavedView:
    """Create the view, or replace the filters of the staff member's view of that name."""
    view = await fetch_one(conn, SavedView, f"""
        insert into saved_views (tenant_id, staff_user_id, name, filters) values (%s, %s, %s, %s)
        on conflict (tenant_id, staff_user_id, name) do update set filters = excluded.filters
        returning {COLUMNS}""",
        (tenant_id, staff_user_id, data.name.strip(), Jsonb(data.filters.model_dump(mode="json", exclude_none=True))))
    assert view is not None
    return view


async def get_view(conn: AsyncConnection, *, staff_user_id: UUID, view_id: UUID) -> SavedView:
    view = await fetch_one(conn, SavedView, f"select {COLUMNS} from saved_views where id = %s and staff_user_id = %s",
                           (view_id, staff_user_id))
    if view is None:
        raise NotFound("Saved view not found.")
    return view


async def delete_view(conn: AsyncConnection, *, staff_user_id: UUID, view_id: UUID) -> None:
    cur = await conn.execute("delete from saved_views where id = %s and staff_user_id = %s", (view_id, staff_user_id))
    if cur.rowcount == 0:
        raise NotFound("Saved view not found.")
