"""What a customer hears while a person, not the agent, has their conversation: never silence."""

from __future__ import annotations

from psycopg import AsyncConnection

from domain.conversations.models import Conversation
from domain.db import fetch_value
from domain.tenants.hours import describe_hours
from domain.tenants.models import Tenant


def acknowledgement(tenant: Tenant, conversation: Conversation) -> str:
    """A short line with the business's hours (fits one SMS segment for a typical business)."""
    hours = describe_hours(tenant.business_hours)
    if conversation.handling == "staff":
        return f"Thanks, our team has your message and will reply here. Hours: {hours}."
    return f"Thanks, a member of our team will reply here as soon as possible. Hours: {hours}."


async def person_answered_last(conn: AsyncConnection, *, conversation: Conversation) -> bool:
    """Whether the last line the customer was sent came from a person (private notes are never sent)."""
    return await fetch_value(conn, """
        select role = 'staff' from conversation_messages
         where conversation_id = %s and role <> 'customer' and not private
         order by seq desc limit 1""", (conversation.id,)) is True


async def waiting_reply(conn: AsyncConnection, *, tenant: Tenant, conversation: Conversation) -> str:
    """The automatic answer to a customer message outside `agent`: an acknowledgement with the hours, except
    while a person is in the middle of answering (their line was the last one the customer got)."""
    if conversation.handling == "staff" and await person_answered_last(conn, conversation=conversation):
        return ""
    return acknowledgement(tenant, conversation)
