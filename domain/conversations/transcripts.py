"""Reading conversations as staff do: a contact's conversations and a transcript, as text.

The agent side (its own conversation store) writes them; this module only reads.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel

from domain.conversations.models import ConversationMessage, Handling
from domain.conversations.service import list_messages
from domain.db import fetch_all, fetch_one
from domain.errors import NotFound

COLUMNS = "id, channel, phone, phone_verified, contact_id, handling, created_at, last_message_at"


class ConversationSummary(BaseModel):
    id: UUID
    channel: str
    phone: str | None
    phone_verified: bool
    contact_id: UUID | None
    handling: Handling
    created_at: datetime
    last_message_at: datetime


class Transcript(BaseModel):
    conversation: ConversationSummary
    lines: list[ConversationMessage]


async def contact_conversations(conn: AsyncConnection, *, contact_id: UUID, limit: int = 50) -> list[ConversationSummary]:
    """The contact's conversations, most recent first."""
    return await fetch_all(conn, ConversationSummary, f"""
        select {COLUMNS} from conversations where contact_id = %s
         order by last_message_at desc, id limit %s""", (contact_id, limit))


async def get_transcript(conn: AsyncConnection, *, conversation_id: UUID, limit: int = 1000) -> Transcript:
    """The conversation and its first `limit` messages, in order."""
    conversation = await fetch_one(conn, ConversationSummary,
                                   f"select {COLUMNS} from conversations where id = %s", (conversation_id,))
    if conversation is None:
        raise NotFound("Conversation not found.")
    lines = await list_messages(conn, conversation_id=conversation_id, limit=limit, include_private=True)
    return Transcript(conversation=conversation, lines=lines)
