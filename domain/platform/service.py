"""Platform administration across tenants (admin connection only): platform keys, the tenant list,
suspension, and usage per tenant per month."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel

from domain.apikeys.service import hash_key
from domain.db import fetch_all, fetch_one
from domain.errors import DomainError, NotFound


class TenantSuspended(DomainError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__("This service is unavailable right now.")


class PlatformKey(BaseModel):
    id: UUID
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class TenantSummary(BaseModel):
    id: UUID
    name: str
    slug: str
    timezone: str
    created_at: datetime
    suspended_at: datetime | None


class TenantUsage(BaseModel):
    slug: str
    month: str            # "2025-11"
    conversations: int
    bookings: int
    sms_sent: int


KEY_COLUMNS = "id, name, prefix, created_at, revoked_at"
SUMMARY_COLUMNS = "id, name, slug, timezone, created_at, suspended_at"


async def create_platform_key(admin: AsyncConnection, *, name: str) -> tuple[PlatformKey, str]:
    """A new platform key; the raw key is returned once and only its hash is stored."""
    raw = "fbp_" + secrets.token_urlsafe(32)
    key = await fetch_one(admin, PlatformKey, f"""
        insert into platform_keys (name, prefix, key_hash) values (%s, %s, %s) returning {KEY_COLUMNS}""",
        (name, raw[:8], hash_key(raw)))
    assert key is not None
    return key, raw


async def resolve_platform_key(admin: AsyncConnection, raw: str) -> PlatformKey | None:
    return await fetch_one(admin, PlatformKey, f"""
        select {KEY_COLUMNS} from platform_keys where key_hash = %s and revoked_at is null""", (hash_key(raw),))


async def list_tenants(admin: AsyncConnection) -> list[TenantSummary]:
    return await fetch_all(admin, TenantSummary, f"select {SUMMARY_COLUMNS} from tenants order by created_at, slug")


async def set_suspended(admin: AsyncConnection, *, slug: str, suspended: bool) -> TenantSummary:
    """Suspend (from now) or resume a tenant; suspending twice keeps the first time."""
    found = await fetch_one(admin, TenantSummary, f"""
        update tenants set suspended_at = case when %(on)s then coalesce(suspended_at, now()) end
         where slug = %(slug)s returning {SUMMARY_COLUMNS}""", {"on": suspended, "slug": slug})
    if found is None:
        raise NotFound("No tenant with this slug.", code="UNKNOWN_TENANT")
    return found


USAGE_SQL = """
with span as (select %(lo)s::timestamptz as lo, %(hi)s::timestamptz as hi)
select t.slug, %(month)s as month,
       (select count(*) from conversations c, span
         where c.tenant_id = t.id and c.created_at >= span.lo and c.created_at < span.hi)::int
           as conversations,
       (select count(*) from appointments a, span
         where a.tenant_id = t.id and a.created_at >= span.lo and a.created_at < span.hi)::int
           as bookings,
       ((select count(*) from scheduled_messages m, span
          where m.tenant_id = t.id and m.channel = 'sms' and m.status in ('sent', 'recorded')
            and m.sent_at >= span.lo and m.sent_at < span.hi)
        + (select count(*) from sms_inbound i, span
            where i.tenant_id = t.id and i.reply <> ''
              and i.replied_at >= span.lo and i.replied_at < span.hi))::int as sms_sent
  from tenants t
 where %(slug)s::text is null or t.slug = %(slug)s
 order by t.slug"""


async def usage(admin: AsyncConnection, *, month: date, slug: str | None = None) -> list[TenantUsage]:
    """Conversations started, appointments booked and SMS sent (outbound and replies) per tenant in a
    calendar month (UTC)."""
    first = month.replace(day=1)
    after = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    lo, hi = (datetime(d.year, d.month, d.day, tzinfo=UTC) for d in (first, after))
    rows = await fetch_all(admin, TenantUsage, USAGE_SQL, {"lo": lo, "hi": hi, "month": first.strftime("%Y-%m"),
                                                           "slug": slug})
    if slug is not None and not rows:
        raise NotFound("No tenant with this slug.", code="UNKNOWN_TENANT")
    return rows
