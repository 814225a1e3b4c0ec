"""A technician's iCalendar feed, subscribed to from a phone calendar with a revocable token.

Calendar apps cannot send an API key, so the feed URL carries a random token; only its SHA-256
hash is stored (technicians.calendar_token_hash). Issuing a new token revokes the old one.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from uuid import UUID

from icalendar import Calendar, Event
from psycopg import AsyncConnection

from domain.apikeys.service import hash_key
from domain.db import fetch_value
from domain.errors import NotFound
from domain.tenants.models import Tenant

FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 180


async def issue_calendar_token(conn: AsyncConnection, *, technician_id: UUID) -> str:
    """A new feed token for the technician (shown once); any previous token stops working."""
    raw = "cal_" + secrets.token_urlsafe(32)
    cur = await conn.execute("update technicians set calendar_token_hash = %s where id = %s",
                             (hash_key(raw), technician_id))
    if cur.rowcount == 0:
        raise NotFound("Technician not found.")
    return raw


async def revoke_calendar_token(conn: AsyncConnection, *, technician_id: UUID) -> None:
    """The technician's feed URL stops working."""
    cur = await conn.execute("update technicians set calendar_token_hash = null where id = %s", (technician_id,))
    if cur.rowcount == 0:
        raise NotFound("Technician not found.")


async def feed_tenant(admin_conn: AsyncConnection, *, technician_id: UUID, token: str) -> UUID | None:
    """Platform lookup (admin connection): the tenant whose technician this valid token belongs to."""
    return await fetch_value(admin_conn, """
        select tenant_id from technicians
         where calendar_token_hash = %s and id = %s and active""", (hash_key(token), technician_id))


async def technician_feed(conn: AsyncConnection, *, tenant: Tenant, technician_id: UUID, now: datetime) -> bytes:
    """The technician's booked and completed appointments as an iCalendar document in local time."""
    name = await fetch_value(conn, "select name from technicians where id = %s", (technician_id,))
    if name is None:
        raise NotFound("Technician not found.")
    cur = await conn.execute(_FEED_SQL, {"tech": technician_id, "start": now - timedelta(days=FEED_PAST_DAYS),
                                         "end": now + timedelta(days=FEED_FUTURE_DAYS)})
    cal = Calendar()
    cal.add("prodid", "-//Fieldbook//Scheduling//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{name} - {tenant.name}")
    cal.add("x-wr-timezone", tenant.timezone)
    for row in await cur.fetchall():
        cal.add_component(_event(row, tenant, now))
    cal.add_missing_timezones()
    return cal.to_ical()


_FEED_SQL = """
select a.id, lower(a.during), upper(a.during), a.status, t.code, t.category, t.title, t.description,
       t.customer_name, t.service_address, a.updated_at
  from appointments a join tickets t on t.tenant_id = a.tenant_id and t.id = a.ticket_id
 where a.technician_id = %(tech)s and a.status <> 'cancelled' and a.during && tstzrange(%(start)s, %(end)s)
 order by lower(a.during)
"""


def _event(row, tenant: Tenant, now: datetime) -> Event:
    appointment_id, start, end, status, code, category, title, description, customer, address, updated = row
    event = Event()
    event.add("uid", f"{appointment_id}@fieldbook")
    event.add("dtstamp", now)
    event.add("last-modified", updated)
    event.add("dtstart", start.astimezone(tenant.tz))
    event.add("dtend", end.astimezone(tenant.tz))
    event.add("summary", f"{code} {category}" + (f": {title}" if title else ""))
    if address:
        event.add("location", address)
    details = [f"Customer: {customer}" if customer else "", description or "", f"Status: {status}"]
    event.add("description", "\n".join(d for d in details if d))
    event.add("status", "CONFIRMED")
    return event
