"""Proving a claimed phone number: a six-digit code sent to it, hashed, 10-minute expiry, 5 attempts."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Literal
from uuid import UUID

from psycopg import AsyncConnection

from domain.db import fetch_dicts, fetch_value
from domain.errors import Conflict

CODE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
# Codes a conversation may request per hour: enough for a typo'd number, too few to bomb a phone.
MAX_CODES_PER_HOUR = 3

CheckResult = Literal["verified", "wrong", "expired", "locked", "none"]


def _hash(code: str, conversation_id: UUID, key: bytes) -> str:
    return hmac.new(key, f"{conversation_id}:{code}".encode(), hashlib.sha256).hexdigest()


async def issue_code(conn: AsyncConnection, *, tenant_id: UUID, conversation_id: UUID, phone: str,
                     now: datetime, key: bytes) -> str:
    """A fresh code for the phone (earlier ones stop working); the caller queues it by SMS."""
    recent = await fetch_value(conn, """
        select count(*) from verification_codes where conversation_id = %s and created_at > %s""",
        (conversation_id, now - timedelta(hours=1)))
    if recent >= MAX_CODES_PER_HOUR:
        raise Conflict("Too many codes were requested; please try again later.", code="TOO_MANY_CODES")
    await conn.execute("""
        update verification_codes set consumed_at = %s
         where conversation_id = %s and consumed_at is null""", (now, conversation_id))
    code = f"{secrets.randbelow(1_000_000):06d}"
    await conn.execute("""
        insert into verification_codes (tenant_id, conversation_id, phone, code_hash, expires_at, created_at)
        values (%s, %s, %s, %s, %s, %s)""",
        (tenant_id, conversation_id, phone, _hash(code, conversation_id, key), now + CODE_LIFETIME, now))
    return code


async def check_code(conn: AsyncConnection, *, conversation_id: UUID, phone: str, code: str,
                     now: datetime, key: bytes) -> CheckResult:
    """Whether `code` proves `phone` for this conversation; every wrong try uses up one attempt."""
    rows = await fetch_dicts(conn, """
        select id, code_hash, attempts, expires_at from verification_codes
         where conversation_id = %s and phone = %s and consumed_at is null
         order by created_at desc limit 1 for update""", (conversation_id, phone))
    if not rows:
        return "none"
    row = rows[0]
    if row["attempts"] >= MAX_ATTEMPTS:
        return "locked"
    if row["expires_at"] <= now:
        return "expired"
    candidate = "".join(ch for ch in code if ch.isdigit())
    if hmac.compare_digest(row["code_hash"], _hash(candidate, conversation_id, key)):
        await conn.execute("update verification_codes set consumed_at = %s where id = %s", (now, row["id"]))
        return "verified"
    await conn.execute("update verification_codes set attempts = attempts + 1 where id = %s", (row["id"],))
    return "locked" if row["attempts"] + 1 >= MAX_ATTEMPTS else "wrong"
