from __future__ import annotations

from datetime import datetime, time
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, Field, field_validator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# {"mon": [["09:00", "20:00"]], ...}; a missing day is closed
BusinessHours = dict[str, list[tuple[time, time]]]


def check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA timezone {value!r}") from None
    return value


def check_hours(value: BusinessHours) -> BusinessHours:
    for day, spans in value.items():
        if day not in WEEKDAYS:
            raise ValueError(f"unknown weekday {day!r}; use one of {', '.join(WEEKDAYS)}")
        for start, end in spans:
            if end <= start:
                raise ValueError(f"{day}: closing time must be after opening time")
    return value


class Tenant(BaseModel):
    id: UUID
    name: str
    slug: str
    timezone: str
    phone_region: str
    business_hours: BusinessHours
    booking_horizon_days: int
    buffer_minutes: int
    service_area: str | None
    widget_public_key: str
    widget_allowed_origins: list[str]
    sms_number: str | None
    retention_days: int
    quiet_hours_start: time
    quiet_hours_end: time
    staff_alert_channel: Literal["sms", "email"] = "email"   # how on-duty staff hear a conversation needs them
    created_at: datetime
    safety_text: str | None = None       # the business's own safety instruction; None: the default
    invoice_address: str | None = None   # the business as its invoices name it
    tax_number: str | None = None
    suspended_at: datetime | None = None   # set by the platform admin: every channel answers "unavailable"
    widget_color: str = "#1f5fbf"
    widget_greeting: str | None = None
    service_area_places: list[str] = []   # cities or postal prefixes; empty: no check

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class TenantCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    timezone: str = "America/Toronto"
    phone_region: str = Field("US", pattern=r"^[A-Z]{2}$")
    business_hours: BusinessHours = Field(default_factory=lambda: {
        d: [(time(9), time(17))] for d in WEEKDAYS[:5]})
    booking_horizon_days: int = Field(60, ge=1, le=366)
    buffer_minutes: int = Field(0, ge=0, le=240)
    service_area: str | None = None
    widget_public_key: str | None = None
    widget_allowed_origins: list[str] = Field(default_factory=list)
    sms_number: str | None = Field(None, pattern=r"^\+[1-9][0-9]{6,14}$")

    _tz = field_validator("timezone")(check_timezone)
    _hours = field_validator("business_hours")(check_hours)
