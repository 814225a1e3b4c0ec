from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from domain.equipment.models import Equipment
from domain.taxes.models import line_tax
from domain.tickets.models import Ticket


class WorkTicket(Ticket):
    """A job as the technician works it: the ticket, where to go, and its appointment."""
    address: str | None = None
    technician_name: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


class DayJob(BaseModel):
    """One stop of a technician's day, with what to know before knocking."""
    ticket: WorkTicket
    attributes: dict[str, Any]
    equipment: list[Equipment] = []


class LineItem(BaseModel):
    id: UUID
    ticket_id: UUID
    service_id: UUID | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    total: Decimal
    tax_rate_id: UUID | None = None
    tax_name: str | None = None
    tax_percent: Decimal = Decimal(0)
    created_at: datetime

    @property
    def tax(self) -> Decimal:
        return line_tax(self.quantity, self.unit_price, self.tax_percent)


class LineItemCreate(BaseModel):
    """A catalog service on the job (fixed and per-unit prices come from the catalog; a flexible service
    takes the entered price, the catalog's as default), or a free-form part or material with its name
    and unit price. The tax is the business's default unless another rate is chosen or none."""
    service_id: UUID | None = None
    quantity: Decimal = Field(Decimal(1), gt=0, le=100000, max_digits=10, decimal_places=2)
    unit_price: Decimal | None = Field(None, ge=0, le=10_000_000, max_digits=10, decimal_places=2)
    description: str | None = Field(None, min_length=1, max_length=300)
    tax_rate_id: UUID | None = None
    untaxed: bool = False


class NextService(BaseModel):
    """After this job: book the next visit now (at `start` with `technician_id`, or leave the new
    ticket to the dispatcher), reach out in N months, or nothing."""
    action: Literal["schedule_now", "reach_out", "none"] = "none"
    months: int | None = Field(None, ge=1, le=60)
    service: str | None = Field(None, max_length=200, description="What to do then, e.g. a full tune-up")
    technician_id: UUID | None = None
    start: datetime | None = None


class CloseoutResult(BaseModel):
    ticket: WorkTicket
    invoice_id: UUID | None
    note_id: UUID | None
    follow_up_ticket_id: UUID | None = None
    follow_up_code: str | None = None
    follow_up_appointment_id: UUID | None = None
    reminder_message_id: UUID | None = None
