"""What a report says: figures over a window of the business's local days."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field

UNBOOKED_REASONS = ("no_skill", "no_capacity", "outside_area", "customer_left")
TIMED_STATUSES = ("open", "scheduled", "in_progress")


class ReportWindow(BaseModel):
    start: datetime = Field(description="Inclusive")
    end: datetime = Field(description="Exclusive")
    timezone: str


class ChannelFigures(BaseModel):
    channel: str
    conversations: int
    booked_conversations: int = Field(description="Conversations that led to at least one booking")
    bookings: int = Field(description="Appointments booked for tickets that came in on this channel")
    conversion: float


class Utilization(BaseModel):
    technician_id: str
    technician: str
    booked_minutes: float
    working_minutes: float
    utilization: float | None = Field(description="booked / working, or null without working time")


class TechnicianReliability(BaseModel):
    technician_id: str
    technician: str
    jobs_completed: int
    cancellations: int
    no_shows: int = Field(description="Booked visits that ended on the calendar with nobody clocked in")


class Revenue(BaseModel):
    invoiced: Decimal = Field(description="Invoices sent in the window (voided ones left out)")
    paid: Decimal = Field(description="Invoices paid in the window")


class GapFigures(BaseModel):
    questions: int
    times_asked: int


class Csat(BaseModel):
    responses: int
    average: float | None
    distribution: dict[str, int] = Field(description="Answers per score, '1' to '5'")


class SlaFigures(BaseModel):
    tickets: int = Field(description="Tickets created in the window under an SLA policy")
    first_response_breached: int
    on_site_breached: int
    resolution_breached: int


class ReportSummary(BaseModel):
    window: ReportWindow
    conversations: int
    bookings: int
    conversion: float = Field(description="Share of the window's conversations that led to a booking")
    by_channel: list[ChannelFigures]
    median_minutes_to_booked: float | None = Field(description="From request to its first booking")
    time_in_status: dict[str, float] = Field(
        description="Average minutes a ticket spent in each status inside the window")
    utilization: list[Utilization]
    jobs_completed: int
    revenue: Revenue
    technicians: list[TechnicianReliability]
    unbooked: dict[str, int] = Field(description="Requests of the window never booked, by reason")
    kb_gaps: GapFigures
    csat: Csat
    sla: SlaFigures
