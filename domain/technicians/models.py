from __future__ import annotations

from datetime import datetime, time
from uuid import UUID

from pydantic import BaseModel, Field, field_validator


class WorkingSpan(BaseModel):
    """One stretch of work on one ISO weekday (1 = Monday), in the tenant's local time."""
    weekday: int = Field(ge=1, le=7)
    starts: time
    ends: time

    @field_validator("ends")
    @classmethod
    def _after_start(cls, ends: time, info) -> time:
        starts = info.data.get("starts")
        if starts is not None and ends <= starts:
            raise ValueError("must be after starts")
        return ends


class Technician(BaseModel):
    id: UUID
    name: str
    phone: str | None
    email: str | None
    skills: list[str]
    color: str
    active: bool
    staff_user_id: UUID | None
    created_at: datetime


class TechnicianCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    phone: str | None = None
    email: str | None = None
    skills: list[str] = Field(default_factory=list)
    color: str = Field("#2f6fdb", pattern=r"^#[0-9a-fA-F]{6}$")
    staff_user_id: UUID | None = None
    working_hours: list[WorkingSpan] = Field(default_factory=list)
