from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field

from domain.fields import JsonDate, json_int

TEXT = r"^[^\x00]*$"   # PostgreSQL refuses NUL in text: a 422 here, never a 500 there


class Equipment(BaseModel):
    """An appliance the customer owns: what the next technician should know before arriving."""
    id: UUID
    contact_id: UUID
    type: str
    make: str | None
    model: str | None
    serial: str | None
    install_year: int | None
    location: str | None
    warranty_end: date | None
    notes: str | None
    source_ticket_id: UUID | None
    created_at: datetime
    updated_at: datetime

    @property
    def label(self) -> str:
        """"Lennox furnace ML180 (2012), basement"."""
        name = " ".join(p for p in (self.make, self.type, self.model) if p)
        year = f" ({self.install_year})" if self.install_year else ""
        return name + year + (f", {self.location}" if self.location else "")


class EquipmentCreate(BaseModel):
    type: str = Field(min_length=1, max_length=80, pattern=TEXT, description="furnace, water heater, heat pump ...")
    make: str | None = Field(None, min_length=1, max_length=80, pattern=TEXT)
    model: str | None = Field(None, min_length=1, max_length=80, pattern=TEXT)
    serial: str | None = Field(None, min_length=1, max_length=80, pattern=TEXT)
    install_year: json_int(1900, 2100) | None = None
    location: str | None = Field(None, min_length=1, max_length=120, pattern=TEXT,
                                 description="Where in the house, e.g. basement")
    warranty_end: JsonDate | None = None
    notes: str | None = Field(None, max_length=2000, pattern=TEXT)


class EquipmentUpdate(BaseModel):
    """Fields to change; only those sent are touched (send null to clear one, except `type`)."""
    type: str = Field(None, min_length=1, max_length=80, pattern=TEXT)   # absent: unchanged; never null
    make: str | None = Field(None, min_length=1, max_length=80, pattern=TEXT)
    model: str | None = Field(None, min_length=1, max_length=80, pattern=TEXT)
    serial: str | None = Field(None, min_length=1, max_length=80, pattern=TEXT)
    install_year: json_int(1900, 2100) | None = None
    location: str | None = Field(None, min_length=1, max_length=120, pattern=TEXT)
    warranty_end: JsonDate | None = None
    notes: str | None = Field(None, max_length=2000, pattern=TEXT)
