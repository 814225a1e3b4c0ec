"""SLA policies per urgency, and the metrics of a ticket measured against them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from domain.fields import json_int

Target = Literal["first_response", "on_site", "resolution"]
TARGETS: tuple[Target, ...] = ("first_response", "on_site", "resolution")
Minutes = Field(None, description="Minutes from the request; null: no target")


class SlaPolicy(BaseModel):
    urgency: str
    first_response_minutes: int | None
    on_site_minutes: int | None
    resolution_minutes: int | None
    updated_at: datetime


class SlaPolicySet(BaseModel):
    """The targets of one urgency (each replaces the stored one; null removes it)."""
    first_response_minutes: json_int(1, 525600) | None = Minutes
    on_site_minutes: json_int(1, 525600) | None = Minutes
    resolution_minutes: json_int(1, 525600) | None = Minutes


class TicketMetrics(BaseModel):
    """A ticket's clock: replies, reopens, first response, on site, resolution, and its SLA targets."""
    ticket_id: UUID
    code: str
    urgency: str
    status: str
    created_at: datetime
    replies: int = Field(description="Agent and staff messages in the ticket's conversation since it was made")
    reopens: int = Field(description="Times the ticket went back to open after being booked")
    first_response_at: datetime | None = Field(description="First booking or first staff reply")
    on_site_at: datetime | None = Field(description="The technician clocked in")
    resolved_at: datetime | None = Field(description="Completed")
    first_response_due: datetime | None
    on_site_due: datetime | None
    resolution_due: datetime | None
    breached: list[Target] = Field(default_factory=list, description="Targets missed (or overdue now)")

    def minutes_to(self, target: Target) -> float | None:
        """Minutes from the request to `target`, once reached."""
        reached = {"first_response": self.first_response_at, "on_site": self.on_site_at,
                   "resolution": self.resolved_at}[target]
        return round((reached - self.created_at).total_seconds() / 60, 1) if reached else None
