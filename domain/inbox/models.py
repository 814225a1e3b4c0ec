"""The staff inbox: conversations with their hand-off state, and what staff write into them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from domain.fields import JsonBool, NOT_BLANK
from domain.conversations.models import Handling, Role


class InboxConversation(BaseModel):
    """The REST contract's conversation: `state` is the hand-off state."""
    id: UUID
    channel: str
    phone: str | None
    state: Handling
    last_message_at: datetime
    ticket_codes: list[str]


class InboxRow(InboxConversation):
    """What the staff pages show besides: who has it, since when it waits, the customer's name, the last line."""
    assigned_to: UUID | None
    assigned_name: str | None
    needs_staff_since: datetime | None
    contact_id: UUID | None
    contact_name: str | None
    last_line: str | None
    created_at: datetime
    ticket_ids: list[UUID] = []


class InboxMessage(BaseModel):
    """The REST contract's transcript line."""
    role: Role
    content: str
    private: bool
    created_at: datetime


class StaffMessageCreate(BaseModel):
    """A staff reply (delivered on the conversation's channel) or, with `private`, an internal note (never sent)."""
    content: str = Field(min_length=1, max_length=1600, pattern=NOT_BLANK, description="Not only spaces")
    private: JsonBool = False


class InboxFilter(BaseModel):
    state: Handling | None = None
    phone: str | None = None
    channel: Literal["web", "sms", "cli", "api"] | None = None
    assigned_to: UUID | None = None
    unassigned: bool = False
