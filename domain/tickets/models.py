from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from domain.fields import Instant, json_int, NOT_BLANK, PhoneInput

TicketStatus = Literal["open", "scheduled", "in_progress", "completed", "cancelled"]
Channel = Literal["web", "sms", "api", "staff", "cli"]

# The guarded lifecycle. A request goes back to open when its appointment is cancelled; completed and
# cancelled tickets are closed (closed_at set) and the database refuses any further change to them.
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"scheduled", "cancelled"}),
    "scheduled": frozenset({"in_progress", "cancelled", "open"}),
    "in_progress": frozenset({"completed", "cancelled"}),   # cancelling a started job needs a reason
    "completed": frozenset(),
    "cancelled": frozenset(),
}
CLOSING = frozenset({"completed", "cancelled"})


class Ticket(BaseModel):
    id: UUID
    code: str
    contact_id: UUID | None
    customer_phone: str
    customer_name: str | None
    service_category: str
    urgency_level: str
    status: TicketStatus
    source_channel: str
    kind: str
    title: str | None
    description: str
    service_address: str | None
    address_id: UUID | None
    preferred_time: str | None
    preferred_start: datetime | None
    estimated_duration_minutes: int | None
    technician_id: UUID | None
    waitlisted: bool = False
    conversation_id: UUID | None
    clock_in_at: datetime | None
    clock_out_at: datetime | None
    actual_duration_minutes: int | None = None
    closeout_notes: str | None
    closed_at: datetime | None
    cancellation_reason: str | None = None
    created_at: datetime
    updated_at: datetime


class TicketCreate(BaseModel):
    """A service request: a phone number and a need are enough (task-first)."""
    customer_phone: PhoneInput
    service_category: str = Field(min_length=1, max_length=60, description="A category key, name or synonym")
    description: str = Field("", max_length=5000)
    urgency_level: str = Field("normal", min_length=1, max_length=30)
    customer_name: str | None = Field(None, min_length=1, max_length=200)
    contact_id: UUID | None = None
    title: str | None = Field(None, max_length=200)
    service_address: str | None = Field(None, max_length=500)
    address_id: UUID | None = None
    preferred_time: str | None = Field(None, max_length=200)
    preferred_start: Instant | None = None
    estimated_duration_minutes: json_int(15, 1440) | None = None
    source_channel: Channel = "api"
    kind: Literal["service", "callback"] = "service"
    conversation_id: UUID | None = None


class TicketUpdate(BaseModel):
    """Fields to change; only those sent are touched. `status` goes through the guarded transitions."""
    status: TicketStatus | None = None
    contact_id: UUID | None = None
    customer_name: str | None = Field(None, min_length=1, max_length=200)
    # absent: unchanged; never null (a ticket always has a category and an urgency)
    service_category: str = Field(None, min_length=1, max_length=60)
    urgency_level: str = Field(None, min_length=1, max_length=30)
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    service_address: str | None = Field(None, max_length=500)
    address_id: UUID | None = None
    preferred_time: str | None = Field(None, max_length=200)
    preferred_start: Instant | None = None
    estimated_duration_minutes: json_int(15, 1440) | None = None
    technician_id: UUID | None = None


class TicketCancel(BaseModel):
    """Why the ticket is cancelled (required for a job already in progress)."""
    reason: str = Field(min_length=1, max_length=500, pattern=NOT_BLANK, description="Not only spaces")


class TicketFilter(BaseModel):
    status: TicketStatus | None = None
    phone: str | None = None
    category: str | None = None
    technician_id: UUID | None = None
    contact_id: UUID | None = None
    urgency: str | None = None
