from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

PricingType = Literal["fixed", "flexible", "per_unit"]


class Service(BaseModel):
    id: UUID
    name: str
    description: str | None
    category: str | None
    pricing_type: PricingType
    price: Decimal | None
    unit_price: Decimal | None
    unit_label: str | None
    default_duration_minutes: int
    active: bool
    created_at: datetime


class ServiceCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    category: str | None = None
    pricing_type: PricingType
    price: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    unit_price: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    unit_label: str | None = Field(None, max_length=40)
    default_duration_minutes: int = Field(60, ge=15, le=1440)

    @model_validator(mode="after")
    def _pricing_complete(self) -> ServiceCreate:
        # fixed: one price; per_unit: a price per named unit; flexible: the price is set per job
        if self.pricing_type == "fixed" and self.price is None:
            raise ValueError("a fixed-price service needs a price")
        if self.pricing_type == "per_unit" and (self.unit_price is None or not self.unit_label):
            raise ValueError("a per-unit service needs unit_price and unit_label")
        return self


class ServiceUpdate(BaseModel):
    """Any of these; the result must still be a complete price (checked as a ServiceCreate)."""
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=2000)
    category: str | None = None
    pricing_type: PricingType | None = None
    price: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    unit_price: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    unit_label: str | None = Field(None, max_length=40)
    default_duration_minutes: int | None = Field(None, ge=15, le=1440)
    active: bool | None = None
