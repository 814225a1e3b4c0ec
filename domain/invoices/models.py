from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel

InvoiceStatus = Literal["draft", "sent", "paid", "void"]

# draft -> sent -> paid, and void from draft or sent; paid and void are final (the database agrees).
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"sent", "void"}),
    "sent": frozenset({"paid", "void"}),
    "paid": frozenset(),
    "void": frozenset(),
}


class InvoiceLine(BaseModel):
    id: UUID
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    position: int


class Invoice(BaseModel):
    id: UUID
    number: str
    contact_id: UUID | None
    ticket_id: UUID | None
    status: InvoiceStatus
    total_amount: Decimal
    due_at: datetime | None
    sent_at: datetime | None
    paid_at: datetime | None
    voided_at: datetime | None
    created_at: datetime
    customer_name: str | None = None
    customer_phone: str | None = None
    customer_email: str | None = None
    ticket_code: str | None = None
    lines: list[InvoiceLine] = []


class InvoiceSend(BaseModel):
    channel: Literal["sms", "email"]
    to_address: str
    link: str
