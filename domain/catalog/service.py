"""The services catalog: what a tenant sells, priced fixed, flexible or per unit."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection

from domain.catalog.models import Service, ServiceCreate
from domain.categories.service import require_category
from domain.db import fetch_all, fetch_one
from domain.errors import NotFound

COLUMNS = """id, name, description, category, pricing_type, price, unit_price, unit_label,
    default_duration_minutes, active, created_at"""


async def create_service(conn: AsyncConnection, *, tenant_id: UUID, data: ServiceCreate) -> Service:
    """A new catalog entry; its category must be one of the tenant's."""
    category = (await require_category(conn, text=data.category)).key if data.category else None
    service = await fetch_one(conn, Service, f"""
        insert into services (tenant_id, name, description, category, pricing_type, price, unit_price,
                              unit_label, default_duration_minutes)
        values (%s, %s, %s, %s, %s, %s, %s, %s, %s) returning {COLUMNS}""",
        (tenant_id, data.name, data.description, category, data.pricing_type, data.price, data.unit_price,
         data.unit_label, data.default_duration_minutes))
    assert service is not None
    return service


async def get_service(conn: AsyncConnection, *, service_id: UUID) -> Service:
    service = await fetch_one(conn, Service, f"select {COLUMNS} from services where id = %s and deleted_at is null", (service_id,))
    if service is None:
        raise NotFound("Service not found.")
    return service


async def list_services(conn: AsyncConnection, *, category: str | None = None,
                        active_only: bool = True) -> list[Service]:
    """Live catalog entries, optionally of one category, by category then name."""
    return await fetch_all(conn, Service, f"""
        select {COLUMNS} from services
         where deleted_at is null and (%(category)s::text is null or lower(category) = lower(%(category)s))
           and (active or not %(active_only)s)
         order by category nulls last, name, id""", {"category": category, "active_only": active_only})


async def delete_service(conn: AsyncConnection, *, service_id: UUID) -> None:
    """Soft delete: line items that used it keep their reference."""
    cur = await conn.execute("update services set deleted_at = now() where id = %s and deleted_at is null",
                             (service_id,))
    if cur.rowcount == 0:
        raise NotFound("Service not found.")
