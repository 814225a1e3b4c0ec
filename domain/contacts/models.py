from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.fields import EMAIL_PATTERN, JsonBool, PhoneInput

Source = Literal["web", "sms", "api", "staff", "demo"]
EMAIL = EMAIL_PATTERN


class Contact(BaseModel):
    id: UUID
    name: str | None
    phone: str | None
    email: str | None
    notes: str | None
    source: str
    created_at: datetime
    updated_at: datetime


class ContactCreate(BaseModel):
    # EMPTY_CONTACT in the document's words: one of the three is present and not null
    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"required": [name], "properties": {name: {"not": {"type": "null"}}}} for name in ("name", "phone", "email")]})
    name: str | None = Field(None, min_length=1, max_length=200)
    phone: PhoneInput | None = None
    email: str | None = Field(None, pattern=EMAIL, max_length=254)
    notes: str | None = Field(None, max_length=20000)
    source: Source = "api"


class ContactUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    phone: PhoneInput | None = None
    email: str | None = Field(None, pattern=EMAIL, max_length=254)
    notes: str | None = Field(None, max_length=20000)


class Address(BaseModel):
    id: UUID
    contact_id: UUID
    label: str | None
    line1: str
    city: str | None
    region: str | None
    postal_code: str | None
    notes: str | None
    is_primary: bool
    created_at: datetime

    def one_line(self) -> str:
        return ", ".join(p for p in (self.line1, self.city, self.region, self.postal_code) if p)


class AddressCreate(BaseModel):
    label: str | None = Field(None, max_length=60)
    line1: str = Field(min_length=1, max_length=300)
    city: str | None = Field(None, max_length=120)
    region: str | None = Field(None, max_length=120)
    postal_code: str | None = Field(None, max_length=20)
    notes: str | None = Field(None, max_length=2000)
    is_primary: JsonBool = False


class Attribute(BaseModel):
    id: UUID
    contact_id: UUID
    key: str
    value: object
    source_note_id: UUID | None
    created_at: datetime
    updated_at: datetime


class AttributeSet(BaseModel):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    value: object
    source_note_id: UUID | None = None
