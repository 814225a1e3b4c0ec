"""Alerting the on-duty staff that a conversation needs a person: an urgent SMS or email each, queued now.

The sender job picks urgent messages up on its next run (every JOBS_INTERVAL_SECONDS, 10 by default), so
the alert leaves within a minute, after the transaction that flagged the conversation commits.
"""

from __future__ import annotations

from datetime import datetime

from psycopg import AsyncConnection

from domain.conversations.models import Conversation
from domain.messages.models import Message, MessageCreate
from domain.messages.service import queue_message
from domain.phones import format_phone
from domain.staff.duty import DutyContact, alert_recipients
from domain.tenants.models import Tenant

LAST_LINE_CHARS = 200


def _route(tenant: Tenant, person: DutyContact) -> tuple[str, str]:
    """(channel, address): SMS when the business alerts by SMS and the person gave a phone, else email."""
    if tenant.staff_alert_channel == "sms" and person.phone:
        return "sms", person.phone
    return "email", person.email


async def alert_on_duty(conn: AsyncConnection, *, tenant: Tenant, conversation: Conversation, reason: str,
                        last_message: str | None, now: datetime) -> list[Message]:
    """One urgent alert per recipient (see alert_recipients), naming why and who."""
    customer = format_phone(conversation.phone) if conversation.phone else f"{conversation.channel} chat"
    payload = {"reason": reason, "customer": customer, "conversation_id": str(conversation.id),
               "last_message": (last_message or "")[:LAST_LINE_CHARS]}
    queued = []
    for person in await alert_recipients(conn):
        channel, address = _route(tenant, person)
        queued.append(await queue_message(conn, tenant=tenant, now=now, data=MessageCreate(
            message_type="staff_alert", channel=channel, to_address=address, payload=payload, urgent=True)))
    return queued
