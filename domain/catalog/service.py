"""The services catalog: what a tenant sells, priced fixed, flexible or per unit."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection
from pydantic import ValidationError

from domain.catalog.models import Service, ServiceCreate, ServiceUpdate
from domain.categories.service import require_category
from domain.db import fetch_all, fetch_one
from domain.errors import Invalid, NotFound

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


async def update_service(conn: AsyncConnection, *, service_id: UUID, data: ServiceUpdate) -> Service:
    """Change the fields sent; the merged entry must still price completely (fixed: a price ...)."""
    current = await get_service(conn, service_id=service_id)
    changes = data.model_dump(exclude_unset=True)
    active = changes.pop("active", current.active)
    if active is None:
        raise Invalid("active: may not be empty.", code="VALIDATION_ERROR")
    merged = current.model_dump(include=set(ServiceCreate.model_fields)) | changes
    try:
        checked = ServiceCreate.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Invalid(f"{where + ': ' if where else ''}{first['msg']}", code="VALIDATION_ERROR") from None
    category = (await require_category(conn, text=checked.category)).key if checked.category else None
    service = await fetch_one(conn, Service, f"""
        update services set name = %s, description = %s, category = %s, pricing_type = %s, price = %s,
                            unit_price = %s, unit_label = %s, default_duration_minutes = %s, active = %s
         where id = %s and deleted_at is null returning {COLUMNS}""",
        (checked.name, checked.description, category, checked.pricing_type, checked.price, checked.unit_price,
         checked.unit_label, checked.default_duration_minutes, active, service_id))
    if service is None:
        raise NotFound("Service not found.")
    return service
