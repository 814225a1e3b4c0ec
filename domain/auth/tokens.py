"""Random tokens that travel as "<tenant id>.<secret>" and are stored only as sha256 hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from uuid import UUID


def new_secret() -> str:
    """256 bits of randomness, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def keyed_hash(key: str, value: str) -> str:
    """A keyed hash of personal data (an email address) for rate limits and logs."""
    return hmac.new(key.encode(), value.strip().lower().encode(), hashlib.sha256).hexdigest()


def split_token(value: str | None) -> tuple[UUID, str] | None:
    """(tenant id, secret) from "<tenant id>.<secret>", or None when it is malformed."""
    if not value or len(value) > 200:
        return None
    tenant, _, raw = value.partition(".")
    try:
        tenant_id = UUID(tenant)
    except ValueError:
        return None
    if len(raw) < 40:
        return None
    return tenant_id, raw


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison that treats a missing value as a mismatch."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
