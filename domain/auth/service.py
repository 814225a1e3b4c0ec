"""Magic-link login: rate-limited requests, single-use hashed links with a short life."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from psycopg import AsyncConnection

from domain.auth.models import LoginTarget
from domain.auth.tokens import hash_secret, new_secret
from domain.db import fetch_all, fetch_value
from domain.errors import DomainError, Invalid

LINK_LIFETIME = timedelta(minutes=15)
# An invitation is read when the new member gets to it, not within minutes; it is still single-use.
INVITATION_LIFETIME = timedelta(hours=24)
RATE_WINDOW = timedelta(minutes=15)
MAX_PER_ADDRESS = 5
MAX_PER_IP = 20


class RateLimited(DomainError):
    status_code = 429
    code = "RATE_LIMITED"


class LinkInvalid(Invalid):
    code = "LINK_INVALID"

    def __init__(self) -> None:
        super().__init__("This sign-in link is not valid: it may have expired or been used already.")


async def record_login_request(admin: AsyncConnection, *, address_hash: str, ip: str, now: datetime) -> None:
    """Count this request against its address and its IP; RateLimited when either is over its limit.

    Runs on the admin connection: the address may belong to no tenant yet, and the answer must not
    depend on whether it does.
    """
    since = now - RATE_WINDOW
    await admin.execute("delete from login_requests where created_at < %s", (now - 4 * RATE_WINDOW,))
    by_address = await fetch_value(admin, """
        select count(*) from login_requests where address_hash = %s and created_at >= %s""", (address_hash, since))
    by_ip = await fetch_value(admin, "select count(*) from login_requests where ip = %s and created_at >= %s",
                              (ip, since))
    if by_address >= MAX_PER_ADDRESS or by_ip >= MAX_PER_IP:
        raise RateLimited("Too many sign-in requests. Please wait a few minutes and try again.")
    await admin.execute("insert into login_requests (address_hash, ip, created_at) values (%s, %s, %s)",
                        (address_hash, ip, now))


async def find_login_targets(admin: AsyncConnection, *, email: str) -> list[LoginTarget]:
    """The active staff accounts with this address, in every business (admin connection)."""
    return await fetch_all(admin, LoginTarget, """
        select u.tenant_id, t.name as tenant_name, u.id as staff_user_id
          from staff_users u join tenants t on t.id = u.tenant_id
         where u.email = %s and u.active order by t.name""", (email.strip(),))


async def issue_link(conn: AsyncConnection, *, tenant_id: UUID, staff_user_id: UUID,
                     now: datetime, lifetime: timedelta = LINK_LIFETIME) -> tuple[str, datetime]:
    """A new single-use link token "<tenant>.<secret>" and its expiry; only the hash is stored."""
    raw = new_secret()
    expires = now + lifetime
    await conn.execute("""
        insert into magic_links (tenant_id, staff_user_id, token_hash, expires_at) values (%s, %s, %s, %s)""",
        (tenant_id, staff_user_id, hash_secret(raw), expires))
    return f"{tenant_id}.{raw}", expires


async def consume_link(conn: AsyncConnection, *, raw: str, now: datetime) -> UUID:
    """The staff user a valid link signs in; the link is spent at once (LinkInvalid otherwise)."""
    user_id = await fetch_value(conn, """
        update magic_links l set used_at = %(now)s
          from staff_users u
         where l.token_hash = %(hash)s and l.used_at is null and l.expires_at > %(now)s
           and u.tenant_id = l.tenant_id and u.id = l.staff_user_id and u.active
        returning l.staff_user_id""", {"hash": hash_secret(raw), "now": now})
    if user_id is None:
        raise LinkInvalid()
    return user_id
