from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

MessageType = Literal["appointment_confirmation", "appointment_reminder", "service_reminder",
                      "verification_code", "invoice", "payment_reminder", "custom", "reply",
                      "appointment_cancelled", "appointment_moved", "staff_alert"]
Channel = Literal["sms", "email"]
MessageStatus = Literal["pending", "sent", "recorded", "cancelled", "failed", "expired", "suppressed"]

# Only these ignore quiet hours: the customer is waiting for them right now.
URGENT_TYPES: frozenset[str] = frozenset({"verification_code", "reply", "staff_alert"})


class Message(BaseModel):
    id: UUID
    message_type: MessageType
    channel: Channel
    to_address: str
    contact_id: UUID | None
    ticket_id: UUID | None
    appointment_id: UUID | None
    invoice_id: UUID | None
    payload: dict[str, Any]
    body: str | None
    urgent: bool
    scheduled_for: datetime
    expires_at: datetime | None
    status: MessageStatus
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    provider_id: str | None
    created_at: datetime


class MessageCreate(BaseModel):
    message_type: MessageType
    channel: Channel = "sms"
    to_address: str = Field(min_length=3, max_length=254, description="Phone (any format) or email address")
    payload: dict[str, Any] = Field(default_factory=dict, description="The template's context")
    scheduled_for: datetime | None = Field(None, description="Default: now")
    expires_at: datetime | None = None
    urgent: bool | None = Field(None, description="Default: true for verification codes and replies")
    contact_id: UUID | None = None
    ticket_id: UUID | None = None
    appointment_id: UUID | None = None
    invoice_id: UUID | None = None


class OutgoingMessage(BaseModel):
    """A rendered message ready for its transport."""

    id: UUID
    tenant_id: UUID
    channel: Channel
    to_address: str
    from_number: str | None
    subject: str | None
    body: str
    html: str | None
