from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from pydantic import BaseModel, Field

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Cents, half away from zero: what PostgreSQL's round(x, 2) gives, so both sides agree."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_tax(quantity: Decimal, unit_price: Decimal, percent: Decimal) -> Decimal:
    """A line's tax from the exact product, rounded once (invoice_lines.tax_amount computes the same)."""
    return money(quantity * unit_price * percent / 100)


class TaxRate(BaseModel):
    id: UUID
    name: str
    rate_percent: Decimal
    is_default: bool
    active: bool
    created_at: datetime

    @property
    def label(self) -> str:
        return f"{self.name} {self.rate_percent.normalize():f}%"


class TaxRateCreate(BaseModel):
    name: str = Field(min_length=1, max_length=60, description="As printed on invoices, e.g. HST")
    rate_percent: Decimal = Field(ge=0, lt=100, max_digits=6, decimal_places=3, description="13 for 13 %")
    is_default: bool = Field(False, description="Applied to new lines unless another rate is chosen")


class TaxRateUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=60)
    rate_percent: Decimal | None = Field(None, ge=0, lt=100, max_digits=6, decimal_places=3)
    is_default: bool | None = None
    active: bool | None = None
