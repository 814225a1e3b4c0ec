from __future__ import annotations

from datetime import datetime, time
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field, field_validator, model_validator

from domain.fields import json_int, LocalTime


class WorkingSpan(BaseModel):
    """One stretch of work on one ISO weekday (1 = Monday), in the tenant's local time."""
    weekday: json_int(1, 7)
    starts: LocalTime
    ends: LocalTime

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


class TechnicianUpdate(BaseModel):
    """Any of these; a field left out keeps its value."""
    name: str | None = Field(None, min_length=1, max_length=200)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+$", max_length=254)
    skills: list[str] | None = Field(None, max_length=40)
    color: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$")
    active: bool | None = None
    staff_user_id: UUID | None = None


class TimeOff(BaseModel):
    """A stretch a technician is away: a sick day, a vacation, part of a day."""
    id: UUID
    technician_id: UUID
    start: datetime
    end: datetime
    reason: str | None
    created_at: datetime


class TimeOffCreate(BaseModel):
    start: AwareDatetime
    end: AwareDatetime
    reason: str | None = Field(None, max_length=200)

    @model_validator(mode="after")
    def _end_after_start(self) -> TimeOffCreate:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if (self.end - self.start).days > 366:
            raise ValueError("time off lasts at most a year; add another entry for longer")
        return self
