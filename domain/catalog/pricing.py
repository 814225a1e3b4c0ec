"""What a catalog service costs on a job or an invoice line, by its pricing type."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from psycopg import AsyncConnection

from domain.catalog.models import Service
from domain.catalog.service import get_service
from domain.errors import Invalid, NotFound


def unit_price(item: Service, entered: Decimal | None) -> Decimal:
    """Fixed and per-unit prices come from the catalog; a flexible service takes the entered price
    (the catalog's as default)."""
    if item.pricing_type == "fixed" and item.price is not None:
        return item.price
    if item.pricing_type == "per_unit" and item.unit_price is not None:
        return item.unit_price
    price = entered if entered is not None else item.price
    if price is None:
        raise Invalid("Enter a price for this service.", code="PRICE_REQUIRED")
    return price


def line_label(item: Service) -> str:
    """How the service reads on a line: its name, and its unit when priced per unit."""
    return f"{item.name} ({item.unit_label})" if item.pricing_type == "per_unit" and item.unit_label else item.name


async def active_service(conn: AsyncConnection, service_id: UUID) -> Service:
    """A live, active catalog entry; Invalid otherwise (a line cannot name a retired service)."""
    try:
        item = await get_service(conn, service_id=service_id)
    except NotFound:
        item = None
    if item is None or not item.active:
        raise Invalid("Unknown service.", code="UNKNOWN_SERVICE")
    return item


async def priced_line(conn: AsyncConnection, *, service_id: UUID | None, description: str | None,
                      entered: Decimal | None) -> tuple[UUID | None, str, Decimal]:
    """(service, description, unit price) of a new line: a catalog service priced by its type, or a
    free-form part or material, which needs its own name and price."""
    if service_id is not None:
        item = await active_service(conn, service_id)
        return item.id, (description or "").strip() or line_label(item), unit_price(item, entered)
    if not description or not description.strip() or entered is None:
        raise Invalid("A part or material needs a name and a unit price.", code="VALIDATION_ERROR")
    return None, description.strip(), entered
