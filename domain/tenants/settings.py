"""The business's settings as its owner edits them: one model to read, one to change any part of it.

A change takes effect at the next request: every surface reads the tenant row per request or turn.
"""

from __future__ import annotations

from datetime import time
from typing import Literal
from urllib.parse import urlsplit

from psycopg import AsyncConnection, sql
from psycopg.types.json import Jsonb
from pydantic import BaseModel, Field, field_validator

from domain.db import fetch_one
from domain.errors import Invalid
from domain.phones import normalize_phone
from domain.tenants.models import BusinessHours, Tenant, check_hours, check_timezone
from domain.tenants.origins import normalize_origin
from domain.tenants.service import TENANT_COLUMNS


class BusinessSettings(BaseModel):
    """What GET /api/v1/settings answers (the widget key is shown, never changed here)."""
    name: str
    slug: str
    timezone: str
    phone_region: str
    business_hours: BusinessHours
    service_area: str | None
    service_area_places: list[str]
    quiet_hours_start: time
    quiet_hours_end: time
    booking_horizon_days: int
    buffer_minutes: int
    retention_days: int
    safety_text: str | None
    invoice_address: str | None
    tax_number: str | None
    widget_public_key: str
    widget_allowed_origins: list[str]
    widget_color: str
    widget_greeting: str | None
    sms_number: str | None
    staff_alert_channel: Literal["sms", "email"]


class BusinessSettingsUpdate(BaseModel):
    """Any part of the settings; a field left out keeps its value, null clears an optional one."""
    name: str | None = Field(None, min_length=1, max_length=200)
    timezone: str | None = None
    phone_region: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    business_hours: BusinessHours | None = None
    service_area: str | None = Field(None, max_length=500)
    service_area_places: list[str] | None = Field(None, max_length=200, description="Cities or postal prefixes served; empty: no check")
    quiet_hours_start: time | None = None
    quiet_hours_end: time | None = None
    booking_horizon_days: int | None = Field(None, ge=1, le=366)
    buffer_minutes: int | None = Field(None, ge=0, le=240)
    retention_days: int | None = Field(None, ge=1, le=3650)
    safety_text: str | None = Field(None, max_length=1000)
    invoice_address: str | None = Field(None, max_length=500)
    tax_number: str | None = Field(None, max_length=60)
    widget_allowed_origins: list[str] | None = Field(None, max_length=20)
    widget_color: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$")
    widget_greeting: str | None = Field(None, max_length=300)
    sms_number: str | None = Field(None, max_length=40)
    staff_alert_channel: Literal["sms", "email"] | None = None

    _tz = field_validator("timezone")(lambda v: check_timezone(v) if v is not None else v)
    _hours = field_validator("business_hours")(lambda v: check_hours(v) if v is not None else v)

    @field_validator("widget_allowed_origins")
    @classmethod
    def _origins(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        out = []
        for origin in value:
            normal, parts = normalize_origin(origin), urlsplit(origin.strip())
            if normal is None or parts.path not in ("", "/") or parts.query or parts.fragment:
                raise ValueError(f"{origin[:80]!r} is not a website origin like https://www.example.com")
            if normal not in out:
                out.append(normal)
        return out

    @field_validator("service_area_places")
    @classmethod
    def _places(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        out = []
        for place in value:
            place = " ".join(place.split())
            if len(place) > 80:
                raise ValueError("a place is at most 80 characters")
            if place and place.lower() not in {p.lower() for p in out}:
                out.append(place)
        return out

    @field_validator("service_area", "safety_text", "invoice_address", "tax_number", "sms_number", "widget_greeting")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


# Columns that may not be null: sending null for them is refused naming the field.
REQUIRED = {"name", "timezone", "phone_region", "business_hours", "quiet_hours_start", "quiet_hours_end",
            "booking_horizon_days", "buffer_minutes", "retention_days", "widget_allowed_origins", "service_area_places",
            "widget_color", "staff_alert_channel"}


def settings_of(tenant: Tenant) -> BusinessSettings:
    return BusinessSettings.model_validate(tenant.model_dump())


def _column_value(field: str, value, region: str):
    if field == "business_hours":
        return Jsonb({day: [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in spans]
                      for day, spans in value.items()})
    if field == "sms_number" and value is not None:
        try:
            return normalize_phone(value, region)
        except Invalid as exc:
            raise Invalid(f"sms_number: {exc.message}", code="VALIDATION_ERROR") from None
    return value


async def update_settings(conn: AsyncConnection, *, tenant: Tenant, data: BusinessSettingsUpdate) -> Tenant:
    """Change the fields sent (the tenant in context); audited by the tenants table's trigger."""
    changes = data.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field in REQUIRED:
            raise Invalid(f"{field}: may not be empty.", code="VALIDATION_ERROR")
    if not changes:
        return tenant
    region = changes.get("phone_region") or tenant.phone_region
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(field), sql.Placeholder(field)) for field in changes)
    query = sql.SQL("update tenants set {} where id = app_tenant() returning " + TENANT_COLUMNS).format(assignments)
    updated = await fetch_one(conn, Tenant, query,
                              {field: _column_value(field, value, region) for field, value in changes.items()})
    assert updated is not None
    return updated
