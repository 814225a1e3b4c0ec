"""Outbox delivery over the database; jobs/webhooks.py drives it and owns the HTTP client.

At least once: an event is fanned out into one delivery row per subscribed endpoint in the same
transaction that marks it processed; a delivery is leased while it is posted, so a process killed
mid-post leaves a row that is claimed again when the lease runs out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from pydantic_core import to_json

from domain.db import fetch_all, fetch_one, fetch_value
from domain.webhooks.models import WebhookRequest
from domain.webhooks.service import EVENT_ID_HEADER, SIGNATURE_HEADER, derive_secret, sign


@dataclass(frozen=True)
class Claimed:
    tenant_id: UUID
    id: UUID


async def fan_out_events(admin: AsyncConnection, *, now: datetime, limit: int) -> int:
    """Turns unprocessed outbox events into delivery rows for the endpoints that existed and subscribed."""
    return await fetch_value(admin, """
        with due as (
            select tenant_id, id, event_type, created_at from outbox_events
             where processed_at is null order by created_at limit %(limit)s for update skip locked
        ), fanned as (
            insert into webhook_deliveries (tenant_id, event_id, endpoint_id, next_attempt_at)
            select due.tenant_id, due.id, e.id, %(now)s
              from due join webhook_endpoints e on e.tenant_id = due.tenant_id
             where e.active and e.created_at <= due.created_at
               and (cardinality(e.event_types) = 0 or due.event_type = any (e.event_types))
            on conflict on constraint webhook_deliveries_once do nothing
            returning 1
        ), marked as (
            update outbox_events o set processed_at = %(now)s
              from due where o.tenant_id = due.tenant_id and o.id = due.id
            returning 1
        )
        select count(*) from marked""", {"now": now, "limit": limit}) or 0


async def claim_due_deliveries(admin: AsyncConnection, *, now: datetime, limit: int,
                               lease: timedelta) -> list[Claimed]:
    """Leases up to `limit` deliveries due now (or whose lease ran out); counts the attempt."""
    return await fetch_all(admin, Claimed, """
        update webhook_deliveries d set locked_until = %(until)s, attempts = d.attempts + 1
          from (select tenant_id, id from webhook_deliveries
                 where status = 'pending' and next_attempt_at <= %(now)s
                   and (locked_until is null or locked_until <= %(now)s)
                   and exists (select 1 from webhook_endpoints w   -- a disabled endpoint's queue waits
                                where w.tenant_id = webhook_deliveries.tenant_id
                                  and w.id = webhook_deliveries.endpoint_id and w.active)
                 order by next_attempt_at limit %(limit)s
                   for update skip locked) due
         where d.tenant_id = due.tenant_id and d.id = due.id
        returning d.tenant_id, d.id""", {"now": now, "until": now + lease, "limit": limit})


@dataclass
class _Row:
    tenant_id: UUID
    endpoint_id: UUID
    url: str
    secret_version: int
    attempts: int
    event_id: UUID
    event_type: str
    entity_id: UUID | None
    payload: dict[str, Any]
    created_at: datetime


async def build_request(conn: AsyncConnection, *, delivery_id: UUID, signing_key: bytes) -> WebhookRequest | None:
    """The signed POST for a leased delivery (None if it is gone or its endpoint was disabled)."""
    row = await fetch_one(conn, _Row, """
        select d.tenant_id, d.endpoint_id, w.url, w.secret_version, d.attempts, e.id as event_id,
               e.event_type, e.entity_id, e.payload, e.created_at
          from webhook_deliveries d
          join webhook_endpoints w on w.tenant_id = d.tenant_id and w.id = d.endpoint_id and w.active
          join outbox_events e on e.tenant_id = d.tenant_id and e.id = d.event_id
         where d.id = %(id)s and d.status = 'pending'""", {"id": delivery_id})
    if row is None:
        return None
    envelope = {"id": row.event_id, "type": row.event_type, "created_at": row.created_at,
                "entity_id": row.entity_id, "data": row.payload}
    body = to_json(envelope)
    secret = derive_secret(signing_key, tenant_id=row.tenant_id, endpoint_id=row.endpoint_id,
                           version=row.secret_version)
    headers = {"Content-Type": "application/json", "User-Agent": "Fieldbook-Webhooks/1",
               EVENT_ID_HEADER: str(row.event_id), "Fieldbook-Event-Type": row.event_type,
               "Fieldbook-Delivery-Attempt": str(row.attempts), SIGNATURE_HEADER: sign(secret, body)}
    return WebhookRequest(delivery_id=delivery_id, tenant_id=row.tenant_id, url=row.url, body=body,
                          headers=headers)


async def record_attempt(conn: AsyncConnection, *, delivery_id: UUID, status_code: int | None,
                         error: str | None, now: datetime, max_attempts: int, backoff_seconds: float) -> str:
    """A 2xx delivers it; anything else retries with exponential backoff until max_attempts."""
    ok = status_code is not None and 200 <= status_code < 300
    return await fetch_value(conn, """
        update webhook_deliveries
           set last_status_code = %(code)s, last_error = left(%(error)s, 500), locked_until = null,
               status = case when %(ok)s then 'delivered'
                             when attempts >= %(max)s then 'failed' else 'pending' end,
               delivered_at = case when %(ok)s then %(now)s end,
               next_attempt_at = %(now)s + make_interval(secs => %(base)s * power(2, attempts - 1))
         where id = %(id)s returning status""",
        {"code": status_code, "error": None if ok else error or f"HTTP {status_code}", "ok": ok,
         "max": max_attempts, "now": now, "base": backoff_seconds, "id": delivery_id}) or "gone"

