"""The tenant's vocabulary: service categories (seed 004's datalabels) and urgency levels."""

from __future__ import annotations

from uuid import UUID

from psycopg import AsyncConnection, sql

from domain.categories.models import ServiceCategory, ServiceCategoryCreate, ServiceCategoryUpdate, UrgencyLevel
from domain.db import fetch_all, fetch_one
from domain.errors import Invalid, NotFound

CATEGORY_COLUMNS = "id, key, name, description, synonyms, sort_order, active"
URGENCY_COLUMNS = "id, key, name, description, window_start_hours, window_end_hours, sort_order"


async def list_categories(conn: AsyncConnection, *, active_only: bool = True) -> list[ServiceCategory]:
    """The tenant's service categories in display order."""
    return await fetch_all(conn, ServiceCategory, f"""
        select {CATEGORY_COLUMNS} from service_categories
         where active or not %(active_only)s order by sort_order, key""", {"active_only": active_only})


async def create_category(conn: AsyncConnection, *, tenant_id: UUID, data: ServiceCategoryCreate) -> ServiceCategory:
    """A new category (duplicate key: Conflict DUPLICATE_CATEGORY)."""
    category = await fetch_one(conn, ServiceCategory, f"""
        insert into service_categories (tenant_id, key, name, description, synonyms, sort_order)
        values (%s, %s, %s, %s, %s, %s) returning {CATEGORY_COLUMNS}""",
        (tenant_id, data.key, data.name, data.description, data.synonyms, data.sort_order))
    assert category is not None
    return category


async def update_category(conn: AsyncConnection, *, key: str, data: ServiceCategoryUpdate) -> ServiceCategory:
    """Change the fields sent; a new synonym is understood from the next message on."""
    changes = data.model_dump(exclude_unset=True)
    for field in ("name", "synonyms", "sort_order", "active"):
        if field in changes and changes[field] is None:
            raise Invalid(f"{field}: may not be empty.", code="VALIDATION_ERROR")
    assignments = sql.SQL(", ").join(sql.SQL("{} = {}").format(sql.Identifier(f), sql.Placeholder(f)) for f in changes)
    query = (sql.SQL("update service_categories set {} where key = %(key)s returning " + CATEGORY_COLUMNS)
             .format(assignments) if changes else
             sql.SQL("select " + CATEGORY_COLUMNS + " from service_categories where key = %(key)s"))
    category = await fetch_one(conn, ServiceCategory, query, {**changes, "key": key})
    if category is None:
        raise NotFound("Service category not found.", code="UNKNOWN_CATEGORY")
    return category


async def find_category(conn: AsyncConnection, *, text: str) -> ServiceCategory | None:
    """The active category whose key, name or a synonym equals `text`, ignoring case."""
    return await fetch_one(conn, ServiceCategory, f"""
        select {CATEGORY_COLUMNS} from service_categories
         where active and (lower(key) = lower(%(t)s) or lower(name) = lower(%(t)s)
                           or lower(%(t)s) = any(synonyms))
         order by (lower(key) = lower(%(t)s)) desc, sort_order limit 1""", {"t": text.strip()})


async def require_category(conn: AsyncConnection, *, text: str) -> ServiceCategory:
    """Like find_category, but Invalid UNKNOWN_CATEGORY when nothing matches."""
    category = await find_category(conn, text=text)
    if category is None:
        raise NotFound("Unknown service category.", code="UNKNOWN_CATEGORY")
    return category


async def list_urgency_levels(conn: AsyncConnection) -> list[UrgencyLevel]:
    """Urgency levels from most to least urgent."""
    return await fetch_all(conn, UrgencyLevel, f"select {URGENCY_COLUMNS} from urgency_levels order by sort_order, key")


async def require_urgency(conn: AsyncConnection, *, key: str) -> UrgencyLevel:
    """The urgency level with this key (case-insensitive); Invalid UNKNOWN_URGENCY otherwise."""
    level = await fetch_one(conn, UrgencyLevel, f"select {URGENCY_COLUMNS} from urgency_levels where key = lower(%s)",
                            (key.strip(),))
    if level is None:
        raise NotFound("Unknown urgency level.", code="UNKNOWN_URGENCY")
    return level
