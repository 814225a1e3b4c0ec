"""Erasure of a contact's personal data, and the retention purge of conversation transcripts.

Both run through the serving role in the tenant's transaction. The audit trail keeps that a change
happened but loses the personal fields (redact_audit_rows), or erasure would only move the data.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from pydantic import BaseModel

from domain.db import fetch_one, fetch_value
from domain.errors import NotFound

# Tickets keep their history, and customer_phone may not be empty: erased tickets carry this
# number from an unassigned country code (+999), which no real phone can have.
ERASED_PHONE = "+99900000000"
ERASED_TEXT = "[erased]"


class ErasureReport(BaseModel):
    contact_id: UUID
    erased_at: datetime
    addresses: int
    notes: int
    attributes: int
    tickets: int
    conversations: int
    conversation_messages: int
    staff_messages: int
    surveys: int
    messages: int
    audit_rows_redacted: int


class _Target(BaseModel):
    phone: str | None
    email: str | None


async def erase_contact(conn: AsyncConnection, *, tenant_id: UUID, contact_id: UUID, now: datetime) -> ErasureReport:
    """Anonymizes the contact everywhere it appears; invoices keep their amounts. Idempotent."""
    target = await fetch_one(conn, _Target, """select phone, email::text as email from contacts
                                               where id = %(c)s for update""", {"c": contact_id})
    if target is None:
        raise NotFound("Contact not found.")
    # lets the closed-ticket trigger accept the blanking of personal fields, in this transaction only
    await conn.execute("select set_config('app.erasure', 'on', true)")
    conversations = await fetch_value(conn, """select coalesce(array_agg(id), '{}') from conversations
                                                where contact_id = %(c)s or phone = %(phone)s""",
                                      {"c": contact_id, "phone": target.phone})
    keys = {"c": contact_id, "phone": target.phone, "email": target.email, "erased": ERASED_TEXT, "now": now,
            "erased_phone": ERASED_PHONE, "conversations": conversations}
    counts = {name: await _run(conn, sql, keys) for name, sql in _ERASURE_STEPS.items()}
    await conn.execute("select set_config('app.erasure', '', true)")
    await conn.execute("""update contacts set name = null, phone = null, email = null, notes = null,
                                 erased_at = coalesce(erased_at, %(now)s) where id = %(c)s""", keys)
    redacted = await _redact_audit_trail(conn, contact_id, conversations)
    await conn.execute("""
        insert into audit_log (tenant_id, entity_type, entity_id, action, actor, old_row, new_row)
        values (%(t)s, 'contacts', %(c)s, 'update', app_actor(), null, %(row)s)""",
        {"t": tenant_id, "c": contact_id, "row": Jsonb({"erasure": counts, "erased_at": now})})
    return ErasureReport(contact_id=contact_id, erased_at=now, audit_rows_redacted=redacted, **counts)


async def _run(conn: AsyncConnection, sql: str, params: dict) -> int:
    cur = await conn.execute(sql, params)
    return cur.rowcount


# A ticket, conversation or message is the contact's when linked to it or addressed to its phone/email.
_ERASURE_STEPS = {
    "addresses": "delete from addresses where contact_id = %(c)s",
    "attributes": "delete from attributes where contact_id = %(c)s",
    "notes": """
        update notes set content = %(erased)s
         where (contact_id = %(c)s or ticket_id in (select id from tickets where contact_id = %(c)s
                                                    or customer_phone = %(phone)s))
           and content <> %(erased)s""",
    # what staff were sent about the contact (inbox alerts, followers' emails) keeps its address, loses its text
    # (before "tickets", which rewrites the phone this finds them by)
    "staff_messages": """
        update scheduled_messages set body = null, payload = '{}'
         where payload <> '{}' and (
               (message_type = 'staff_alert' and payload->>'conversation_id' = any(%(conversations)s::text[]))
            or ticket_id in (select id from tickets where contact_id = %(c)s or customer_phone = %(phone)s))""",
    "tickets": """
        update tickets set customer_name = null, customer_phone = %(erased_phone)s, title = null,
               description = %(erased)s, service_address = null, address_id = null, preferred_time = null,
               closeout_notes = case when closeout_notes is null then null else %(erased)s end
         where (contact_id = %(c)s or customer_phone = %(phone)s) and description <> %(erased)s""",
    "conversation_messages": """
        delete from conversation_messages where conversation_id = any(%(conversations)s::uuid[])""",
    "conversations": """
        update conversations set phone = null, state = '{}', model_history = '[]'
         where id = any(%(conversations)s::uuid[])""",
    "surveys": """
        update satisfaction_surveys set phone = null, comment = null
         where (phone = %(phone)s or ticket_id in (select id from tickets where contact_id = %(c)s))
           and (phone is not null or comment is not null)""",
    "messages": """
        update scheduled_messages
           set to_address = %(erased)s, body = null, payload = '{}',
               status = case when status = 'pending' then 'cancelled' else status end, locked_until = null
         where contact_id = %(c)s or to_address = %(phone)s or to_address = %(email)s""",
}


async def _redact_audit_trail(conn: AsyncConnection, contact_id: UUID, conversations: list[UUID]) -> int:
    """Strips personal fields from the audit rows of the contact and of every row erasure touched."""
    return await fetch_value(conn, """
        select redact_audit_rows(array(
            select %(c)s::uuid
            union all select id from notes where contact_id = %(c)s or content = %(erased)s
            union all select id from tickets where contact_id = %(c)s or customer_phone = %(erased_phone)s
            union all select unnest(%(conversations)s::uuid[])
            union all select id from scheduled_messages where contact_id = %(c)s or to_address = %(erased)s
            union all select s.id from satisfaction_surveys s join tickets t on t.id = s.ticket_id
             where t.contact_id = %(c)s or t.customer_phone = %(erased_phone)s
            union all select entity_id from audit_log
             where entity_type in ('addresses', 'attributes') and old_row->>'contact_id' = %(c)s::text))""",
        {"c": contact_id, "erased": ERASED_TEXT, "erased_phone": ERASED_PHONE, "conversations": conversations})


async def purge_transcripts(conn: AsyncConnection, *, retention_days: int, now: datetime) -> int:
    """Deletes conversations idle past the tenant's retention and older messages; returns messages deleted."""
    cutoff = now - timedelta(days=retention_days)
    stale = await fetch_value(conn, """
        select coalesce(array_agg(id), '{}') from conversations where last_message_at < %(cutoff)s""",
        {"cutoff": cutoff})
    cur = await conn.execute("delete from conversation_messages where created_at < %(cutoff)s "
                             "or conversation_id = any(%(stale)s::uuid[])", {"cutoff": cutoff, "stale": stale})
    purged = cur.rowcount
    if stale:
        await conn.execute("delete from conversations where id = any(%(stale)s::uuid[])", {"stale": stale})
        await fetch_value(conn, "select redact_audit_rows(%(ids)s::uuid[])", {"ids": stale})
    return purged
