"""Tenants: creation with default vocabulary, and lookups that run before a tenant is known."""

from __future__ import annotations

import secrets
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from domain.db import fetch_one
from domain.errors import Invalid, NotFound
from domain.sla.service import seed_default_policies
from domain.tenants.models import Tenant, TenantCreate

# Seed 004's service categories and the synonyms customers actually type.
DEFAULT_CATEGORIES: list[tuple[str, str, str, list[str]]] = [
    ("HVAC", "Heating & Cooling", "Furnaces, air conditioners, heat pumps, thermostats, ventilation",
     ["furnace", "heating", "heat", "no heat", "ac", "a/c", "air conditioning", "air conditioner",
      "cooling", "heat pump", "thermostat", "boiler", "ventilation", "hvac", "duct"]),
    ("Plumbing", "Plumbing", "Pipes, drains, fixtures, water heaters",
     ["plumber", "plumbing", "leak", "leaking", "drain", "clog", "clogged", "toilet", "sink", "faucet",
      "pipe", "water heater", "sewer", "shower"]),
    ("Electrical", "Electrical", "Wiring, outlets, panels, lighting",
     ["electrician", "electrical", "breaker", "outlet", "outlets", "wiring", "panel", "light", "lights",
      "lighting", "switch", "power", "sparks", "fuse"]),
    ("Landscaping", "Landscaping", "Lawn care, hedges, outdoor maintenance, irrigation",
     ["lawn", "grass", "hedge", "hedges", "yard", "garden", "landscaping", "mowing", "leaves",
      "irrigation", "sprinkler", "trees", "shrubs"]),
    ("General Contracting", "General Contracting", "Renovations, construction, repairs",
     ["renovation", "remodel", "contractor", "drywall", "roof", "roofing", "shingles", "deck",
      "carpentry", "repair", "construction", "siding", "gutter"]),
]

# Seed 004 §1.4: the booking window of each urgency, in hours from now.
DEFAULT_URGENCIES: list[tuple[str, str, str, int, int | None]] = [
    ("emergency", "Emergency", "Same day, as soon as possible", 0, 4),
    ("urgent", "Urgent", "Next available, within 24 hours", 4, 24),
    ("normal", "Normal", "Within 2-3 days", 24, 72),
    ("scheduled", "Scheduled", "Flexible, customer's choice, a week or more out", 168, None),
]

TENANT_COLUMNS = """id, name, slug, timezone, phone_region, business_hours, booking_horizon_days,
    buffer_minutes, service_area, widget_public_key, widget_allowed_origins, sms_number,
    retention_days, quiet_hours_start, quiet_hours_end, staff_alert_channel, created_at, safety_text,
    invoice_address, tax_number, suspended_at, widget_color, widget_greeting,
    service_area_places"""


def new_widget_key() -> str:
    return "wk_" + secrets.token_urlsafe(18)


def _hours_json(data: TenantCreate) -> dict:
    return {day: [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in spans]
            for day, spans in data.business_hours.items()}


async def create_tenant(conn: AsyncConnection, data: TenantCreate) -> Tenant:
    """A new tenant with the default categories and urgency levels (runs on the admin connection)."""
    tenant = await fetch_one(conn, Tenant, f"""
        insert into tenants (name, slug, timezone, phone_region, business_hours, booking_horizon_days,
                             buffer_minutes, service_area, widget_public_key, widget_allowed_origins, sms_number)
        values (%(name)s, %(slug)s, %(timezone)s, %(phone_region)s, %(hours)s, %(horizon)s, %(buffer)s,
                %(area)s, %(key)s, %(origins)s, %(sms)s)
        returning {TENANT_COLUMNS}""",
        {"name": data.name, "slug": data.slug, "timezone": data.timezone, "phone_region": data.phone_region,
         "hours": Jsonb(_hours_json(data)), "horizon": data.booking_horizon_days, "buffer": data.buffer_minutes,
         "area": data.service_area, "key": data.widget_public_key or new_widget_key(),
         "origins": data.widget_allowed_origins, "sms": data.sms_number})
    assert tenant is not None
    await seed_vocabulary(conn, tenant.id)
    await seed_default_policies(conn, tenant_id=tenant.id)
    return tenant


async def seed_vocabulary(conn: AsyncConnection, tenant_id: UUID) -> None:
    """Default service categories and urgency levels; existing keys are left as they are."""
    async with conn.cursor() as cur:
        await cur.executemany("""
            insert into service_categories (tenant_id, key, name, description, synonyms, sort_order)
            values (%s, %s, %s, %s, %s, %s) on conflict (tenant_id, key) do nothing""",
            [(tenant_id, key, name, descr, syn, i) for i, (key, name, descr, syn) in enumerate(DEFAULT_CATEGORIES)])
        await cur.executemany("""
            insert into urgency_levels (tenant_id, key, name, description, window_start_hours, window_end_hours, sort_order)
            values (%s, %s, %s, %s, %s, %s, %s) on conflict (tenant_id, key) do nothing""",
            [(tenant_id, *row, i) for i, row in enumerate(DEFAULT_URGENCIES)])


async def get_tenant(conn: AsyncConnection, tenant_id: UUID) -> Tenant:
    """The tenant itself (inside its own context, RLS shows only this row)."""
    tenant = await fetch_one(conn, Tenant, f"select {TENANT_COLUMNS} from tenants where id = %s", (tenant_id,))
    if tenant is None:
        raise NotFound("Unknown business.")
    return tenant


async def find_by_slug(conn: AsyncConnection, slug: str) -> Tenant | None:
    return await fetch_one(conn, Tenant, f"select {TENANT_COLUMNS} from tenants where slug = %s", (slug,))


async def find_by_widget_key(conn: AsyncConnection, key: str) -> Tenant | None:
    """Admin lookup: the tenant a public widget key belongs to."""
    return await fetch_one(conn, Tenant, f"select {TENANT_COLUMNS} from tenants where widget_public_key = %s", (key,))


async def find_by_sms_number(conn: AsyncConnection, number: str) -> Tenant | None:
    """Admin lookup: the tenant whose SMS number received a message."""
    return await fetch_one(conn, Tenant, f"select {TENANT_COLUMNS} from tenants where sms_number = %s", (number,))


async def set_staff_alert_channel(conn: AsyncConnection, *, channel: str) -> Tenant:
    """How on-duty staff are alerted when a conversation needs a person: 'sms' or 'email' (the tenant in context)."""
    if channel not in ("sms", "email"):
        raise Invalid("Alerts go by sms or email.", code="VALIDATION_ERROR")
    tenant = await fetch_one(conn, Tenant, f"""
        update tenants set staff_alert_channel = %s where id = app_tenant() returning {TENANT_COLUMNS}""", (channel,))
    assert tenant is not None
    return tenant
