"""One thread per ticket (seed 003's ticket messages): everything said about it, public and private, in order.

Composed from where each part lives: the lines of the ticket's conversation (customer, agent, staff,
private notes), the ticket's notes, and the texts and emails queued to the customer about it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel

from domain.conversations.service import get_conversation, list_messages, start_conversation
from domain.inbox.models import StaffMessageCreate
from domain.inbox.service import post_staff_message
from domain.messages.service import ticket_messages
from domain.notes.models import NoteCreate
from domain.notes.service import add_ticket_note, list_ticket_notes
from domain.staff.service import list_staff
from domain.tenants.models import Tenant
from domain.tickets.lifecycle import attach_conversation
from domain.tickets.participants import notify_participants
from domain.tickets.service import get_ticket

SKIPPED_MESSAGES = {"reply", "staff_alert", "verification_code"}   # replies are already conversation lines


class ThreadItem(BaseModel):
    at: datetime
    role: Literal["customer", "agent", "staff", "system"]
    channel: str            # web, sms, email, or note
    author: str | None
    content: str
    private: bool


async def ticket_thread(conn: AsyncConnection, *, ticket_id: UUID) -> list[ThreadItem]:
    """The ticket's thread, oldest first."""
    ticket = await get_ticket(conn, ticket_id=ticket_id)
    names = {str(s.id): s.name for s in await list_staff(conn)}
    items: list[ThreadItem] = []
    if ticket.conversation_id is not None:
        conversation = await get_conversation(conn, conversation_id=ticket.conversation_id)
        items += [ThreadItem(at=m.created_at, role=m.role, channel=conversation.channel, content=m.content,
                             private=m.private, author=names.get(str(m.author_id)) if m.author_id else None)
                  for m in await list_messages(conn, conversation_id=conversation.id, limit=1000,
                                               include_private=True)]
    items += [ThreadItem(at=n.created_at, role="staff", channel="note", private=True, content=n.content,
                         author=names.get(n.author.removeprefix("staff:"), n.author))
              for n in await list_ticket_notes(conn, ticket_id=ticket_id)]
    items += [ThreadItem(at=m.created_at, role="system", channel=m.channel, private=False, author=None,
                         content=m.body or f"{m.message_type.replace('_', ' ')} ({m.status})")
              for m in await ticket_messages(conn, ticket_id=ticket_id)
              if m.message_type not in SKIPPED_MESSAGES and m.to_address == ticket.customer_phone]   # not staff mail
    return sorted(items, key=lambda item: item.at)


async def post_to_ticket(conn: AsyncConnection, *, tenant: Tenant, ticket_id: UUID, data: StaffMessageCreate,
                         author_id: UUID | None, author: str, now: datetime) -> UUID | None:
    """A private note stays on the ticket; a public message goes to the customer on the ticket's conversation
    (a phone-in ticket gets an SMS conversation with its number). Returns the conversation written to."""
    ticket = await get_ticket(conn, ticket_id=ticket_id)
    await notify_participants(conn, tenant=tenant, ticket_id=ticket_id, now=now, actor_id=author_id,
                              update=("private note: " if data.private else "message to the customer: ") + data.content)
    if data.private:
        await add_ticket_note(conn, tenant_id=tenant.id, ticket_id=ticket_id, author=author,
                              data=NoteCreate(content=data.content))
        return None
    conversation_id = ticket.conversation_id
    if conversation_id is None:
        conversation = await start_conversation(conn, tenant_id=tenant.id, channel="sms", phone=ticket.customer_phone,
                                                phone_verified=True)
        await attach_conversation(conn, ticket_id=ticket_id, conversation_id=conversation.id)
        conversation_id = conversation.id
    await post_staff_message(conn, tenant=tenant, conversation_id=conversation_id, data=data, author_id=author_id,
                             now=now)
    return conversation_id
