from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

InvoiceKind = Literal["invoice", "estimate"]
InvoiceStatus = Literal["draft", "sent", "paid", "void", "accepted", "declined"]
PaymentMethod = Literal["cash", "cheque", "card", "e_transfer", "bank_transfer", "other"]
PAYMENT_METHODS: dict[str, str] = {"e_transfer": "e-Transfer", "card": "Card", "cash": "Cash", "cheque": "Cheque",
                                   "bank_transfer": "Bank transfer", "other": "Other"}

# An invoice: draft -> sent -> paid, void from draft or sent. An estimate: draft -> sent -> accepted or
# declined, void from draft or sent. Every end state is final (the database agrees).
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    "invoice": {"draft": frozenset({"sent", "void"}), "sent": frozenset({"paid", "void"})},
    "estimate": {"draft": frozenset({"sent", "void"}), "sent": frozenset({"accepted", "declined", "void"})},
}


class InvoiceLine(BaseModel):
    id: UUID
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    position: int
    tax_name: str | None = None
    tax_percent: Decimal = Decimal(0)
    tax_amount: Decimal = Decimal(0)


class TaxTotal(BaseModel):
    """One tax as the invoice prints it: "HST 13%  $71.24"."""
    name: str
    percent: Decimal
    amount: Decimal


class Invoice(BaseModel):
    id: UUID
    kind: InvoiceKind = "invoice"
    number: str
    contact_id: UUID | None
    ticket_id: UUID | None
    status: InvoiceStatus
    title: str | None = None
    category: str | None = None
    subtotal_amount: Decimal = Decimal(0)
    tax_amount: Decimal = Decimal(0)
    total_amount: Decimal
    due_at: datetime | None
    sent_at: datetime | None
    paid_at: datetime | None
    voided_at: datetime | None
    payment_method: PaymentMethod | None = None
    payment_reference: str | None = None
    accepted_at: datetime | None = None
    declined_at: datetime | None = None
    accepted_ticket_id: UUID | None = None
    accepted_ticket_code: str | None = None
    created_at: datetime
    customer_name: str | None = None
    customer_phone: str | None = None
    customer_email: str | None = None
    ticket_code: str | None = None
    lines: list[InvoiceLine] = []

    @property
    def taxes(self) -> list[TaxTotal]:
        """The invoice's taxes by name and rate, each the sum of its lines' rounded taxes."""
        out: dict[tuple[str, Decimal], Decimal] = {}
        for line in self.lines:
            if line.tax_name and line.tax_percent:
                key = (line.tax_name, line.tax_percent)
                out[key] = out.get(key, Decimal(0)) + line.tax_amount
        return [TaxTotal(name=n, percent=p, amount=a) for (n, p), a in out.items()]

    def overdue(self, now: datetime) -> bool:
        return self.kind == "invoice" and self.status == "sent" and self.due_at is not None and self.due_at < now


class InvoiceLineCreate(BaseModel):
    """A line of a draft: a catalog service (its price by pricing type) or a free-form part or material."""
    description: str | None = Field(None, min_length=1, max_length=300)
    quantity: Decimal = Field(Decimal(1), gt=0, le=100000, max_digits=10, decimal_places=2)
    unit_price: Decimal | None = Field(None, ge=0, le=10_000_000, max_digits=10, decimal_places=2)
    service_id: UUID | None = None
    tax_rate_id: UUID | None = Field(None, description="Default: the business's default rate")
    untaxed: bool = Field(False, description="Charge no tax on this line")


class InvoiceCreate(BaseModel):
    """A standalone invoice or an estimate for a contact (not from a job's close-out)."""
    kind: InvoiceKind = "invoice"
    contact_id: UUID
    title: str | None = Field(None, max_length=200)
    category: str | None = Field(None, max_length=60, description="An estimate's service category")
    due_date: date | None = Field(None, description="An invoice's due date or an estimate's last valid day")


class Payment(BaseModel):
    method: PaymentMethod
    reference: str | None = Field(None, max_length=200)


class InvoiceSend(BaseModel):
    channel: Literal["sms", "email"]
    to_address: str
    link: str


class OverdueReport(BaseModel):
    invoices: list[Invoice]
    count: int
    total: Decimal


class InvoiceTotals(BaseModel):
    """The money a business is waiting for, and what came in lately."""
    outstanding_count: int
    outstanding: Decimal
    overdue_count: int
    overdue: Decimal
    paid_30_days: Decimal
