"""Conversations: the server-side truth of who is talking (channel, phone, verified) and what was said."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from domain.conversations.models import Channel, Conversation, ConversationMessage, Role
from domain.db import fetch_all, fetch_one
from domain.errors import NotFound

COLUMNS = """id, channel, phone, phone_verified, contact_id, state, model_history, handling, assigned_to, created_at,
    last_message_at"""
LINE_COLUMNS = "id, seq, role, content, created_at, private, author_id"

# An SMS thread continues the last conversation with that number unless it went quiet this long.
SMS_THREAD_GAP = timedelta(hours=24)


async def start_conversation(conn: AsyncConnection, *, tenant_id: UUID, channel: Channel,
                             phone: str | None = None, phone_verified: bool = False) -> Conversation:
    """A new conversation; SMS (and trusted API callers) start with a verified phone."""
    conversation = await fetch_one(conn, Conversation, f"""
        insert into conversations (tenant_id, channel, phone, phone_verified)
        values (%s, %s, %s, %s) returning {COLUMNS}""", (tenant_id, channel, phone, phone_verified))
    assert conversation is not None
    return conversation


async def lock_conversation(conn: AsyncConnection, *, conversation_id: UUID) -> Conversation:
    """The conversation, row-locked for the rest of the transaction (one turn at a time)."""
    conversation = await fetch_one(conn, Conversation, f"""
        select {COLUMNS} from conversations where id = %s for update""", (conversation_id,))
    if conversation is None:
        raise NotFound("Conversation not found.", code="CONVERSATION_NOT_FOUND")
    return conversation


async def get_conversation(conn: AsyncConnection, *, conversation_id: UUID) -> Conversation:
    conversation = await fetch_one(conn, Conversation, f"select {COLUMNS} from conversations where id = %s",
                                   (conversation_id,))
    if conversation is None:
        raise NotFound("Conversation not found.", code="CONVERSATION_NOT_FOUND")
    return conversation


async def latest_sms_conversation(conn: AsyncConnection, *, phone: str, now: datetime) -> Conversation | None:
    """The SMS conversation with this number that is still going, if any."""
    return await fetch_one(conn, Conversation, f"""
        select {COLUMNS} from conversations
         where channel = 'sms' and phone = %s and last_message_at > %s
         order by last_message_at desc limit 1""", (phone, now - SMS_THREAD_GAP))


async def save_conversation(conn: AsyncConnection, *, conversation: Conversation, now: datetime) -> None:
    """Persist the identity, slots and model history the turn produced (never the hand-off state: see handling)."""
    await conn.execute("""
        update conversations set phone = %(phone)s, phone_verified = %(verified)s, contact_id = %(contact)s,
               state = %(state)s, model_history = %(history)s, last_message_at = %(now)s
         where id = %(id)s""",
        {"phone": conversation.phone, "verified": conversation.phone_verified,
         "contact": conversation.contact_id, "state": Jsonb(conversation.state),
         "history": Jsonb(conversation.model_history), "now": now, "id": conversation.id})


async def append_message(conn: AsyncConnection, *, tenant_id: UUID, conversation_id: UUID, role: Role,
                         content: str, private: bool = False, author_id: UUID | None = None) -> ConversationMessage:
    """One line of the transcript; a `private` one is a staff note the customer never sees."""
    message = await fetch_one(conn, ConversationMessage, f"""
        insert into conversation_messages (tenant_id, conversation_id, role, content, private, author_id)
        values (%s, %s, %s, %s, %s, %s) returning {LINE_COLUMNS}""",
        (tenant_id, conversation_id, role, content, private, author_id))
    assert message is not None
    return message


async def list_messages(conn: AsyncConnection, *, conversation_id: UUID, after_seq: int = 0,
                        limit: int = 200, include_private: bool = False) -> list[ConversationMessage]:
    """The transcript after a given sequence number, oldest first; private notes only when asked (staff)."""
    return await fetch_all(conn, ConversationMessage, f"""
        select {LINE_COLUMNS} from conversation_messages
         where conversation_id = %s and seq > %s and (%s or not private) order by seq limit %s""",
        (conversation_id, after_seq, include_private, limit))


async def mark_verified(conn: AsyncConnection, *, conversation_id: UUID, phone: str) -> None:
    """The caller proved they hold `phone` (a code sent to it came back)."""
    await conn.execute("update conversations set phone = %s, phone_verified = true where id = %s",
                       (phone, conversation_id))
