"""API keys: shown once, stored as a SHA-256 hash, looked up by hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel

from domain.db import fetch_all, fetch_one


class ApiKey(BaseModel):
    id: UUID
    tenant_id: UUID
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


def hash_key(raw: str) -> str:
    # A long random key needs no slow hash: SHA-256 is enough and keeps the lookup an index hit.
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_key() -> str:
    return "fb_" + secrets.token_urlsafe(32)


async def create_api_key(conn: AsyncConnection, *, tenant_id: UUID, name: str, raw: str | None = None) -> tuple[ApiKey, str]:
    """A new key for the tenant; returns the stored record and the raw key (shown once)."""
    raw = raw or new_raw_key()
    key = await fetch_one(conn, ApiKey, """
        insert into api_keys (tenant_id, name, prefix, key_hash) values (%s, %s, %s, %s)
        on conflict (tenant_id, key_hash) do update set revoked_at = null
        returning id, tenant_id, name, prefix, created_at, revoked_at""",
        (tenant_id, name, raw[:7], hash_key(raw)))
    assert key is not None
    return key, raw


async def resolve_api_key(admin_conn: AsyncConnection, raw: str) -> ApiKey | None:
    """Admin lookup: the live key record for a raw key, whichever tenant holds it."""
    return await fetch_one(admin_conn, ApiKey, """
        select id, tenant_id, name, prefix, created_at, revoked_at from api_keys
         where key_hash = %s and revoked_at is null""", (hash_key(raw),))


async def revoke_api_key(conn: AsyncConnection, *, key_id: UUID) -> bool:
    cur = await conn.execute("update api_keys set revoked_at = now() where id = %s and revoked_at is null", (key_id,))
    return cur.rowcount == 1


async def list_api_keys(conn: AsyncConnection) -> list[ApiKey]:
    """The tenant's keys, live ones first (only a prefix of each is kept to recognise it)."""
    return await fetch_all(conn, ApiKey, """
        select id, tenant_id, name, prefix, created_at, revoked_at from api_keys
         order by revoked_at is not null, created_at desc""")
