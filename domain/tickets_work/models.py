from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field


class WorkTicket(BaseModel):
    """A job as the technician works it: the ticket with its customer, address and appointment."""
    id: UUID
    code: str
    status: str
    kind: str
    contact_id: UUID | None
    customer_name: str | None
    customer_phone: str
    category: str
    title: str | None
    description: str
    service_address: str | None
    technician_id: UUID | None
    technician_name: str | None
    clock_in_at: datetime | None
    clock_out_at: datetime | None
    actual_duration_minutes: int | None
    closeout_notes: str | None
    closed_at: datetime | None
    starts_at: datetime | None
    ends_at: datetime | None
    created_at: datetime


class DayJob(BaseModel):
    """One stop of a technician's day, with what to know before knocking."""
    ticket: WorkTicket
    attributes: dict[str, Any]


class CatalogItem(BaseModel):
    id: UUID
    name: str
    category: str | None
    pricing_type: Literal["fixed", "flexible", "per_unit"]
    price: Decimal | None
    unit_price: Decimal | None
    unit_label: str | None


class LineItem(BaseModel):
    id: UUID
    ticket_id: UUID
    service_id: UUID | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    total: Decimal
    created_at: datetime


class LineItemCreate(BaseModel):
    """A catalog service on the job. Fixed and per-unit prices come from the catalog; a flexible
    service takes the price the technician enters (the catalog's as default)."""
    service_id: UUID
    quantity: Decimal = Field(Decimal(1), gt=0, le=100000, max_digits=10, decimal_places=2)
    unit_price: Decimal | None = Field(None, ge=0, le=10_000_000, max_digits=10, decimal_places=2)
    description: str | None = Field(None, max_length=300)


class NextService(BaseModel):
    """What happens after this job: book the next visit now, reach out in N months, or nothing."""
    action: Literal["schedule_now", "reach_out", "none"] = "none"
    months: int | None = Field(None, ge=1, le=60)


class CloseoutResult(BaseModel):
    ticket: WorkTicket
    invoice_id: UUID | None
    note_id: UUID | None
    follow_up_ticket_id: UUID | None = None
    reminder_message_id: UUID | None = None
