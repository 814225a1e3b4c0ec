"""Scheduling models: bookable options, appointments, free time and the 15-minute calendar."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from domain.fields import Instant, json_int

GRID_MINUTES = 15

# Whatever the session's TimeZone, instants leave the domain as UTC-aware datetimes.
Utc = Annotated[AwareDatetime, AfterValidator(lambda moment: moment.astimezone(UTC))]


class AppointmentOption(BaseModel):
    """One bookable time: a technician and a UTC start/end on the 15-minute grid."""
    technician_id: UUID
    technician_name: str
    start: Utc
    end: Utc
    previous_technician: bool = Field(False, description="The customer's previous technician")


class Appointment(BaseModel):
    id: UUID
    ticket_id: UUID
    ticket_code: str
    technician_id: UUID
    technician_name: str
    start: Utc
    end: Utc
    status: Literal["booked", "completed", "cancelled"]
    booked_by: str
    cancelled_at: Utc | None
    created_at: datetime


class AppointmentCreate(BaseModel):
    """A booking request: the ticket, who, when (UTC-aware) and for how long."""
    ticket_id: UUID
    technician_id: UUID
    start: Instant
    duration_minutes: json_int(GRID_MINUTES, 720, multiple_of=GRID_MINUTES)


class AppointmentReschedule(BaseModel):
    """A new start (and optionally another technician); the duration stays the same."""
    start: Instant
    technician_id: UUID | None = None


class FreeRange(BaseModel):
    start: Utc
    end: Utc


class TechnicianAvailability(BaseModel):
    """Seed 004's availability contract for one technician over [from, to)."""
    technician_id: UUID
    technician_name: str
    available: bool = Field(description="The whole requested range is free")
    total_available_minutes: int
    free: list[FreeRange]


class CalendarCell(BaseModel):
    """One 15-minute cell of a technician's working time (seed 004's d_entity_person_calendar)."""
    technician_id: UUID
    from_ts: Utc
    to_ts: Utc
    available: bool
    appointment_id: UUID | None


WaitReason = Literal["NO_SKILLED_TECHNICIAN", "NO_FREE_TIME", "OUTSIDE_WINDOW"]


class TicketOptions(BaseModel):
    """What can be offered for a ticket.

    `within_window` is False when nothing fits the urgency window or the customer's preference;
    `options` then holds the earliest alternatives in the booking horizon (possibly none), and the
    ticket has been marked waitlisted with `reason`.
    """
    ticket_id: UUID
    category: str
    duration_minutes: int
    window_start: Utc
    window_end: Utc
    options: list[AppointmentOption]
    within_window: bool
    waitlisted: bool
    reason: WaitReason | None = None
