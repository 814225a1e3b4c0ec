from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

Channel = Literal["web", "sms", "cli", "api"]
Role = Literal["customer", "agent", "staff", "system"]
# Who answers: the agent; nobody yet (handed off, staff alerted); a person (domain/conversations/handling).
Handling = Literal["agent", "needs_staff", "staff"]


class Conversation(BaseModel):
    """One dialogue with one customer on one channel; `state` holds the dialogue's slots and offers."""
    id: UUID
    channel: Channel
    phone: str | None
    phone_verified: bool
    contact_id: UUID | None
    state: dict[str, Any] = Field(default_factory=dict)
    model_history: list[Any] = Field(default_factory=list)
    handling: Handling = "agent"
    assigned_to: UUID | None = None   # the staff member who has it (domain/inbox/assignment)
    created_at: datetime
    last_message_at: datetime

    @property
    def handed_off(self) -> bool:
        """Whether a person has (or is about to have) the conversation: the agent must not answer."""
        return self.handling != "agent"


class ConversationMessage(BaseModel):
    id: UUID
    seq: int
    role: Role
    content: str
    created_at: datetime
    private: bool = False             # a staff note, never sent
    author_id: UUID | None = None     # the staff member who wrote a staff line


def customer_side_role(role: Role) -> str:
    """How a line reads in the customer's chat: theirs, a person's, or the business's assistant (automatic lines too)."""
    return role if role in ("customer", "staff") else "agent"
