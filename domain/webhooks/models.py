from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from domain.fields import JsonBool

EVENT_TYPE = r"^[a-z_]+\.[a-z_]+$"
# an http(s) URL with a host and no credentials (service.check_url says the same in code)
# (spaces spelled out: `\s` means other characters to Python than to the validator's regex engine)
_H = "[0-9a-fA-F]{1,4}"
_IPV6 = (rf"({_H}:){{7}}{_H}|({_H}:){{1,7}}:|({_H}:){{1,6}}:{_H}|({_H}:){{1,5}}(:{_H}){{1,2}}|({_H}:){{1,4}}(:{_H}){{1,3}}"
         rf"|({_H}:){{1,3}}(:{_H}){{1,4}}|({_H}:){{1,2}}(:{_H}){{1,5}}|{_H}:(:{_H}){{1,6}}|:((:{_H}){{1,7}}|:)")
WEBHOOK_URL = (r"^https?://([^ \t\n\r\f\v/?#@:\x00\[\]]+|\[(" + _IPV6 + r")\])"
               r"(:[0-9]{1,5})?([/?#][^ \t\n\r\f\v\x00]*)?$")
EventType = Annotated[str, Field(pattern=EVENT_TYPE, max_length=100)]


class WebhookEndpoint(BaseModel):
    id: UUID
    url: str
    description: str | None
    event_types: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime


class WebhookEndpointWithSecret(WebhookEndpoint):
    """Returned once, on creation and on rotation: the secret is never shown again."""

    secret: str


class WebhookEndpointCreate(BaseModel):
    url: str = Field(min_length=8, max_length=2000, pattern=WEBHOOK_URL)
    description: str | None = Field(None, max_length=500)
    event_types: list[EventType] = Field(default_factory=list, max_length=50,
                                   description="Event types to receive, e.g. appointment.booked; empty = all")


class WebhookEndpointUpdate(BaseModel):
    # absent: unchanged; null is no value for these three (a description may be cleared with null)
    url: str = Field(None, min_length=8, max_length=2000, pattern=WEBHOOK_URL)
    description: str | None = Field(None, max_length=500)
    event_types: list[EventType] = Field(None, max_length=50)
    active: JsonBool = None


class WebhookDelivery(BaseModel):
    id: UUID
    event_id: UUID
    event_type: str
    endpoint_id: UUID
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class WebhookRequest(BaseModel):
    """One delivery attempt, ready to post: the exact body bytes and their signature headers."""

    delivery_id: UUID
    tenant_id: UUID
    url: str
    body: bytes
    headers: dict[str, str]
