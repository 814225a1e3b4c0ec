from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

Channel = Literal["web", "sms", "cli", "api"]
Role = Literal["customer", "agent", "staff", "system"]


class Conversation(BaseModel):
    """One dialogue with one customer on one channel; `state` holds the dialogue's slots and offers."""
    id: UUID
    channel: Channel
    phone: str | None
    phone_verified: bool
    contact_id: UUID | None
    state: dict[str, Any] = Field(default_factory=dict)
    model_history: list[Any] = Field(default_factory=list)
    handed_off: bool
    created_at: datetime
    last_message_at: datetime


class ConversationMessage(BaseModel):
    id: UUID
    seq: int
    role: Role
    content: str
    created_at: datetime
