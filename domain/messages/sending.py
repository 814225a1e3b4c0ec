"""The sender's steps over the database; jobs/sender.py drives them and owns the transports.

Claiming runs on the admin connection (it must see every tenant's due rows) and only takes a lease;
everything that reads or changes one message runs in that message's tenant transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_one
from domain.errors import Invalid
from domain.messages.models import Message, OutgoingMessage
from domain.messages.optouts import is_opted_out, opt_out
from domain.messages.render import render
from domain.messages.service import COLUMNS, template_context
from domain.tenants.models import Tenant
from domain.tenants.service import TENANT_COLUMNS


@dataclass(frozen=True)
class Claimed:
    tenant_id: UUID
    id: UUID


async def claim_due_messages(admin: AsyncConnection, *, now: datetime, limit: int,
                             lease: timedelta) -> list[Claimed]:
    """Leases up to `limit` due messages of any tenant; rows another sender holds are skipped."""
    return await fetch_all(admin, Claimed, """
        update scheduled_messages m set locked_until = %(until)s
          from (select tenant_id, id from scheduled_messages
                 where status = 'pending' and scheduled_for <= %(now)s
                   and (locked_until is null or locked_until <= %(now)s)
                 order by scheduled_for limit %(limit)s
                   for update skip locked) due
         where m.tenant_id = due.tenant_id and m.id = due.id
        returning m.tenant_id, m.id""", {"now": now, "until": now + lease, "limit": limit})


def quiet_until(now: datetime, tz: ZoneInfo, start: time, end: time) -> datetime | None:
    """The end of the quiet hours `now` falls in (tenant local time), or None outside them."""
    local = now.astimezone(tz)
    t = local.timetz().replace(tzinfo=None)
    quiet = (t >= start or t < end) if start > end else (start <= t < end)
    if not quiet:
        return None
    ends = datetime.combine(local.date(), end, tzinfo=tz)
    return ends if ends > local else datetime.combine(local.date() + timedelta(days=1), end, tzinfo=tz)


Decision = Literal["send", "expired", "suppressed", "deferred", "gone", "failed"]


async def prepare_message(conn: AsyncConnection, *, message_id: UUID, now: datetime, public_url: str = ""
                          ) -> tuple[Decision, OutgoingMessage | None]:
    """Decides what happens to a leased message now, records any outcome short of sending, renders it."""
    message = await fetch_one(conn, Message, f"select {COLUMNS} from scheduled_messages where id = %(id)s",
                              {"id": message_id})
    if message is None or message.status != "pending":
        return "gone", None   # cancelled (or erased) since it was claimed
    tenant = await fetch_one(conn, Tenant, f"select {TENANT_COLUMNS} from tenants")
    assert tenant is not None
    if message.expires_at is not None and message.expires_at <= now:
        await _finish(conn, message_id, "expired", "not sent before it expired")
        return "expired", None
    if message.channel == "sms" and await is_opted_out(conn, phone=message.to_address):
        await _finish(conn, message_id, "suppressed", "the recipient opted out of SMS")
        return "suppressed", None
    hold = None if message.urgent or message.channel != "sms" else quiet_until(
        now, tenant.tz, tenant.quiet_hours_start, tenant.quiet_hours_end)
    if hold is not None:
        await conn.execute("""update scheduled_messages set scheduled_for = %(at)s, locked_until = null
                               where id = %(id)s""", {"at": hold, "id": message_id})
        return "deferred", None
    try:
        subject, body = render(message.message_type, message.channel, template_context(tenant, message.payload, public_url))
    except Invalid as exc:
        await _finish(conn, message_id, "failed", exc.message)
        return "failed", None
    html = body if message.channel == "email" else None
    return "send", OutgoingMessage(id=message.id, tenant_id=tenant.id, channel=message.channel,
                                   to_address=message.to_address, from_number=tenant.sms_number,
                                   subject=subject, body=body, html=html)


async def _finish(conn: AsyncConnection, message_id: UUID, status: str, error: str | None) -> None:
    await conn.execute("""update scheduled_messages set status = %(s)s, last_error = %(e)s, locked_until = null
                           where id = %(id)s""", {"s": status, "e": error, "id": message_id})


async def record_sent(conn: AsyncConnection, *, message: OutgoingMessage, recorded: bool,
                      provider_id: str | None, now: datetime) -> None:
    """Marks it sent (or 'recorded' when no provider is configured) with the text that went out."""
    await conn.execute("""
        update scheduled_messages
           set status = %(s)s, body = %(body)s, provider_id = %(pid)s, sent_at = %(now)s,
               attempts = attempts + 1, last_error = null, locked_until = null
         where id = %(id)s""",
        {"s": "recorded" if recorded else "sent", "body": message.body, "pid": provider_id, "now": now,
         "id": message.id})


async def record_failure(conn: AsyncConnection, *, message_id: UUID, error: str, now: datetime,
                         max_attempts: int, backoff_seconds: float) -> str:
    """Schedules a retry with exponential backoff, or fails it for good; returns the new status."""
    row = await fetch_one(conn, _Attempts, """
        update scheduled_messages
           set attempts = attempts + 1, last_error = left(%(e)s, 500), locked_until = null,
               status = case when attempts + 1 >= %(max)s then 'failed' else 'pending' end,
               scheduled_for = %(now)s + make_interval(secs => %(base)s * power(2, attempts))
         where id = %(id)s returning status""",
        {"e": error, "max": max_attempts, "now": now, "base": backoff_seconds, "id": message_id})
    return row.status if row else "gone"


@dataclass
class _Attempts:
    status: str


async def record_carrier_opt_out(conn: AsyncConnection, *, message: OutgoingMessage) -> None:
    """The carrier says this number unsubscribed (Twilio 21610): opt it out and suppress the message."""
    await opt_out(conn, tenant_id=message.tenant_id, phone=message.to_address, source="carrier")
    await conn.execute("""update scheduled_messages set status = 'suppressed', attempts = attempts + 1,
                                 last_error = 'the carrier reports the recipient unsubscribed (21610)',
                                 locked_until = null
                           where id = %(id)s""", {"id": message.id})
