"""Scheduled messages: queued in the transaction of the change that causes them, sent later by jobs/."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from pydantic_core import to_json

from domain.db import fetch_all, fetch_one
from domain.errors import Invalid
from domain.messages.models import URGENT_TYPES, Message, MessageCreate, MessageStatus, MessageType
from domain.messages.render import render
from domain.pagination import Cursor, Page, check_limit, page_of
from domain.phones import normalize_phone
from domain.tenants.models import Tenant

COLUMNS = """id, message_type, channel, to_address, contact_id, ticket_id, appointment_id, invoice_id, payload,
    body, urgent, scheduled_for, expires_at, status, attempts, last_error, sent_at, provider_id, created_at"""

REMINDER_LEAD = timedelta(hours=24)
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def template_context(tenant: Tenant, payload: dict[str, Any], public_url: str = "") -> dict[str, Any]:
    """What every template sees: the payload plus the business's name, number and timezone, and this server's
    public address (links to staff pages; empty when unknown, as in the trial render at queue time)."""
    return {"business_name": tenant.name, "business_phone": tenant.sms_number, "tz": tenant.timezone,
            "public_url": public_url} | payload


def _address(data: MessageCreate, region: str) -> str:
    if data.channel == "sms":
        return normalize_phone(data.to_address, region)
    if not re.match(EMAIL, data.to_address):
        raise Invalid("That does not look like an email address.", code="INVALID_EMAIL")
    return data.to_address


def message_row(tenant: Tenant, data: MessageCreate, now: datetime) -> dict[str, Any]:
    """A pending message ready to insert (its id chosen here); its template is rendered once now so a
    bad context fails here, not at 3 a.m."""
    # round-trip through JSON first, so the trial render sees exactly what the sender will see
    render(data.message_type, data.channel, template_context(tenant, _jsonable(data.payload)))
    return {"id": uuid4(), "message_type": data.message_type, "channel": data.channel,
            "to_address": _address(data, tenant.phone_region), "contact_id": data.contact_id,
            "ticket_id": data.ticket_id, "appointment_id": data.appointment_id, "invoice_id": data.invoice_id,
            "payload": data.payload,
            "urgent": data.urgent if data.urgent is not None else data.message_type in URGENT_TYPES,
            "scheduled_for": data.scheduled_for or now, "expires_at": data.expires_at}


def insert_messages_sql(only_if: str = "true") -> str:
    """Queues the message_rows of `%(messages)s` for tenant `%(tenant)s`, when `only_if` holds.

    A statement of its own (queue_message), or one part of a larger one: the booking queues its
    confirmation and reminder in the statement that books.
    """
    return f"""
        insert into scheduled_messages (tenant_id, id, message_type, channel, to_address, contact_id, ticket_id,
                                        appointment_id, invoice_id, payload, urgent, scheduled_for, expires_at)
        select %(tenant)s, m.id, m.message_type, m.channel, m.to_address, m.contact_id, m.ticket_id,
               m.appointment_id, m.invoice_id, m.payload, m.urgent, m.scheduled_for, m.expires_at
          from jsonb_to_recordset(%(messages)s) as m(
                   id uuid, message_type text, channel text, to_address text, contact_id uuid, ticket_id uuid,
                   appointment_id uuid, invoice_id uuid, payload jsonb, urgent boolean,
                   scheduled_for timestamptz, expires_at timestamptz)
         where {only_if}"""


async def queue_message(conn: AsyncConnection, *, tenant: Tenant, data: MessageCreate, now: datetime) -> Message:
    """A pending message (see message_row)."""
    [message] = await _insert_messages(conn, tenant, [message_row(tenant, data, now)])
    return message


async def _insert_messages(conn: AsyncConnection, tenant: Tenant, rows: list[dict[str, Any]]) -> list[Message]:
    return await fetch_all(conn, Message, insert_messages_sql() + f" returning {COLUMNS}",
                           {"tenant": tenant.id, "messages": Jsonb(rows)})


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    return json.loads(to_json(payload))


def appointment_messages(*, tenant: Tenant, appointment_id: UUID, ticket_id: UUID, technician_name: str,
                         starts_at: datetime, ends_at: datetime, to_phone: str, contact_id: UUID | None,
                         now: datetime, ticket_code: str | None = None) -> list[dict[str, Any]]:
    """The booking's confirmation (now) and its reminder (start − 24 h, dropped if not sent by the start),
    as message_rows.

    A booking less than 24 hours ahead gets no reminder: the confirmation is the reminder.
    """
    payload = {"technician_name": technician_name, "starts_at": starts_at, "ends_at": ends_at,
               "ticket_code": ticket_code}
    links = {"to_address": to_phone, "contact_id": contact_id, "ticket_id": ticket_id,
             "appointment_id": appointment_id, "payload": payload}
    rows = [message_row(tenant, MessageCreate(message_type="appointment_confirmation", scheduled_for=now, **links),
                        now)]
    remind_at = starts_at - REMINDER_LEAD
    if remind_at > now:
        rows.append(message_row(tenant, MessageCreate(
            message_type="appointment_reminder", scheduled_for=remind_at, expires_at=starts_at, **links), now))
    return rows


async def queue_appointment_messages(conn: AsyncConnection, *, tenant: Tenant, appointment_id: UUID,
                                     ticket_id: UUID, technician_name: str, starts_at: datetime,
                                     ends_at: datetime, to_phone: str, contact_id: UUID | None,
                                     now: datetime, ticket_code: str | None = None) -> list[Message]:
    """Queues appointment_messages (the confirmation and the reminder) in one statement."""
    rows = appointment_messages(
        tenant=tenant, appointment_id=appointment_id, ticket_id=ticket_id, technician_name=technician_name,
        starts_at=starts_at, ends_at=ends_at, to_phone=to_phone, contact_id=contact_id, now=now,
        ticket_code=ticket_code)
    return await _insert_messages(conn, tenant, rows)


async def cancel_appointment_messages(conn: AsyncConnection, *, appointment_id: UUID) -> int:
    """Cancels the appointment's messages not yet sent; returns how many."""
    cur = await conn.execute("""
        update scheduled_messages set status = 'cancelled', locked_until = null
         where appointment_id = %(a)s and status = 'pending'""", {"a": appointment_id})
    return cur.rowcount


# What the customer has heard about an appointment: a sent (or, without Twilio, recorded) one of these.
TOLD_TYPES = ("appointment_confirmation", "appointment_reminder", "appointment_moved")


async def revoke_ticket_messages(conn: AsyncConnection, *, ticket_id: UUID) -> int:
    """Cancels every message of the ticket not yet sent (confirmations, reminders, follow-ups); returns how many."""
    cur = await conn.execute("""
        update scheduled_messages set status = 'cancelled', locked_until = null
         where ticket_id = %(t)s and status = 'pending'""", {"t": ticket_id})
    return cur.rowcount


async def tell_customer(conn: AsyncConnection, *, tenant: Tenant, appointment_id: UUID,
                        message_type: MessageType, payload: dict[str, Any], now: datetime) -> Message | None:
    """Queues `message_type` to whoever was told of the appointment, on the channel they were told on.

    Nobody told yet (the confirmation is still pending, or was revoked): nothing to correct, None.
    """
    told = await fetch_one(conn, Message, f"""
        select {COLUMNS} from scheduled_messages
         where appointment_id = %(a)s and status in ('sent', 'recorded') and message_type = any(%(types)s)
         order by sent_at desc nulls last, created_at desc limit 1""",
        {"a": appointment_id, "types": list(TOLD_TYPES)})
    if told is None:
        return None
    return await queue_message(conn, tenant=tenant, now=now, data=MessageCreate(
        message_type=message_type, channel=told.channel, to_address=told.to_address,
        payload=told.payload | _jsonable(payload), contact_id=told.contact_id, ticket_id=told.ticket_id,
        appointment_id=appointment_id))


async def move_appointment_messages(conn: AsyncConnection, *, tenant: Tenant, appointment_id: UUID,
                                    new_starts_at: datetime, new_ends_at: datetime | None = None,
                                    now: datetime, technician_name: str | None = None) -> Message | None:
    """Moves the pending reminder to the new start − 24 h (or queues one); returns the live reminder.

    `technician_name`, when the appointment moved to another technician, is what the reminder names.
    """
    times = ({"starts_at": new_starts_at} | ({"ends_at": new_ends_at} if new_ends_at else {})
             | ({"technician_name": technician_name} if technician_name else {}))
    await conn.execute("""
        update scheduled_messages set payload = payload || %(times)s
         where appointment_id = %(a)s and status = 'pending'""", {"a": appointment_id, "times": Jsonb(times)})
    remind_at = new_starts_at - REMINDER_LEAD
    if remind_at <= now:
        await conn.execute("""
            update scheduled_messages set status = 'cancelled', locked_until = null
             where appointment_id = %(a)s and message_type = 'appointment_reminder' and status = 'pending'""",
            {"a": appointment_id})
        return None
    moved = await fetch_one(conn, Message, f"""
        update scheduled_messages set scheduled_for = %(when)s, expires_at = %(start)s, locked_until = null
         where appointment_id = %(a)s and message_type = 'appointment_reminder' and status = 'pending'
        returning {COLUMNS}""", {"a": appointment_id, "when": remind_at, "start": new_starts_at})
    if moved is not None:
        return moved
    return await _requeue_reminder(conn, tenant=tenant, appointment_id=appointment_id,
                                   remind_at=remind_at, times=times, now=now)


async def _requeue_reminder(conn: AsyncConnection, *, tenant: Tenant, appointment_id: UUID,
                            remind_at: datetime, times: dict, now: datetime) -> Message | None:
    """A fresh reminder modelled on the appointment's confirmation (the old one was already sent)."""
    model = await fetch_one(conn, Message, f"""
        select {COLUMNS} from scheduled_messages where appointment_id = %(a)s
         order by (message_type = 'appointment_confirmation') desc, created_at limit 1""", {"a": appointment_id})
    if model is None:
        return None
    return await queue_message(conn, tenant=tenant, now=now, data=MessageCreate(
        message_type="appointment_reminder", channel=model.channel, to_address=model.to_address,
        payload=model.payload | _jsonable(times), scheduled_for=remind_at, expires_at=times["starts_at"],
        contact_id=model.contact_id, ticket_id=model.ticket_id, appointment_id=appointment_id))


async def list_messages(conn: AsyncConnection, *, phone: str | None = None, status: MessageStatus | None = None,
                        limit: int = 50, cursor: str | None = None) -> Page[Message]:
    """Messages in creation order, optionally to one E.164 number and/or in one status."""
    check_limit(limit)
    after = Cursor.decode(cursor)
    rows = await fetch_all(conn, Message, f"""
        select {COLUMNS} from scheduled_messages
         where (%(after_c)s::timestamptz is null or (created_at, id) > (%(after_c)s, %(after_i)s))
           and (%(phone)s::text is null or to_address = %(phone)s)
           and (%(status)s::text is null or status = %(status)s)
         order by created_at, id limit %(limit)s""",
        {"after_c": after.created_at if after else None, "after_i": after.id if after else None,
         "phone": phone, "status": status, "limit": limit + 1})
    return page_of(rows, limit)


async def ticket_messages(conn: AsyncConnection, *, ticket_id: UUID) -> list[Message]:
    """Everything queued to the customer about the ticket, in the order it was queued."""
    return await fetch_all(conn, Message, f"""
        select {COLUMNS} from scheduled_messages where ticket_id = %s order by created_at, scheduled_for, id""",
        (ticket_id,))
