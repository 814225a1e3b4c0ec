"""Webhook endpoints of a tenant, and the signatures their deliveries carry.

No secret is stored. An endpoint's signing secret is derived, HMAC-SHA256(SECRET_KEY, tenant, endpoint,
secret_version), whenever a delivery is signed, so a database dump or backup reveals nothing that could
forge a delivery; rotating an endpoint bumps secret_version. The cost: changing SECRET_KEY changes every
endpoint's secret, which the operator must then hand out again (a rotation does it per endpoint).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import re
from urllib.parse import urlsplit
from uuid import UUID

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_one
from domain.errors import Invalid, NotFound
from domain.pagination import Cursor, Page, check_limit, page_of
from domain.webhooks.models import (
    EVENT_TYPE, WebhookDelivery, WebhookEndpoint, WebhookEndpointCreate, WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
)

COLUMNS = "id, url, description, event_types, active, created_at, updated_at"
SIGNATURE_HEADER = "Fieldbook-Signature"
EVENT_ID_HEADER = "Fieldbook-Event-Id"


def derive_secret(signing_key: bytes, *, tenant_id: UUID, endpoint_id: UUID, version: int) -> str:
    """The endpoint's signing secret, recomputed from SECRET_KEY; never stored."""
    digest = hmac.new(signing_key, f"webhook:{tenant_id}:{endpoint_id}:{version}".encode(), hashlib.sha256)
    return "whsec_" + base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def sign(secret: str, body: bytes) -> str:
    """The signature header value: HMAC-SHA256 of the raw body, hex, as 'sha256=<hex>'."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), header or "")


def check_url(url: str, *, allow_private: bool) -> str:
    """An http(s) URL with a host and no credentials; private and loopback hosts only when allowed."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid("The webhook URL must be an http or https URL with a host.", code="INVALID_WEBHOOK_URL")
    if parts.username or parts.password:
        raise Invalid("Put no credentials in the webhook URL; verify the signature instead.",
                      code="INVALID_WEBHOOK_URL")
    if not allow_private and _is_private_host(parts.hostname):
        raise Invalid("The webhook URL points at a private or loopback address.", code="PRIVATE_WEBHOOK_URL")
    return url.strip()


def _is_private_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost") or host.endswith(".local"):
        return True
    try:
        return is_private_address(host)
    except ValueError:
        return False   # a name: resolved and checked again at every delivery (jobs/webhooks.py)


def is_private_address(address: str) -> bool:
    """An IP address a webhook may not reach: anything not globally routable (loopback, private, link-local...)."""
    return not ipaddress.ip_address(address).is_global


def _check_event_types(event_types: list[str]) -> list[str]:
    bad = [t for t in event_types if not re.match(EVENT_TYPE, t)]
    if bad:
        raise Invalid("Event types look like 'appointment.booked'.", code="INVALID_EVENT_TYPE")
    return sorted(set(event_types))


async def create_endpoint(conn: AsyncConnection, *, tenant_id: UUID, data: WebhookEndpointCreate,
                          signing_key: bytes, allow_private: bool) -> WebhookEndpointWithSecret:
    """A new endpoint and its secret, which is shown this once."""
    endpoint = await fetch_one(conn, WebhookEndpoint, f"""
        insert into webhook_endpoints (tenant_id, url, description, event_types)
        values (%(t)s, %(url)s, %(d)s, %(types)s) returning {COLUMNS}""",
        {"t": tenant_id, "url": check_url(data.url, allow_private=allow_private), "d": data.description,
         "types": _check_event_types(data.event_types)})
    assert endpoint is not None
    secret = derive_secret(signing_key, tenant_id=tenant_id, endpoint_id=endpoint.id, version=1)
    return WebhookEndpointWithSecret(**endpoint.model_dump(), secret=secret)


async def list_endpoints(conn: AsyncConnection) -> list[WebhookEndpoint]:
    return await fetch_all(conn, WebhookEndpoint, f"select {COLUMNS} from webhook_endpoints order by created_at, id")


async def get_endpoint(conn: AsyncConnection, *, endpoint_id: UUID) -> WebhookEndpoint:
    endpoint = await fetch_one(conn, WebhookEndpoint, f"select {COLUMNS} from webhook_endpoints where id = %(id)s",
                               {"id": endpoint_id})
    if endpoint is None:
        raise NotFound("Webhook endpoint not found.")
    return endpoint


async def update_endpoint(conn: AsyncConnection, *, endpoint_id: UUID, data: WebhookEndpointUpdate,
                          allow_private: bool) -> WebhookEndpoint:
    """Changes only the fields that were sent."""
    merged = (await get_endpoint(conn, endpoint_id=endpoint_id)).model_dump() | data.model_dump(exclude_unset=True)
    if merged["url"] is None or merged["event_types"] is None or merged["active"] is None:
        raise Invalid("url, event_types and active cannot be null.", code="VALIDATION_ERROR")
    endpoint = await fetch_one(conn, WebhookEndpoint, f"""
        update webhook_endpoints set url = %(url)s, description = %(description)s, event_types = %(event_types)s,
               active = %(active)s
         where id = %(id)s returning {COLUMNS}""",
        merged | {"url": check_url(merged["url"], allow_private=allow_private),
                  "event_types": _check_event_types(merged["event_types"]), "id": endpoint_id})
    assert endpoint is not None
    return endpoint


async def rotate_secret(conn: AsyncConnection, *, tenant_id: UUID, endpoint_id: UUID,
                        signing_key: bytes) -> WebhookEndpointWithSecret:
    """A new secret for the endpoint (the old one stops verifying at once), shown this once."""
    row = await fetch_one(conn, _Rotated, f"""
        update webhook_endpoints set secret_version = secret_version + 1 where id = %(id)s
        returning {COLUMNS}, secret_version""", {"id": endpoint_id})
    if row is None:
        raise NotFound("Webhook endpoint not found.")
    secret = derive_secret(signing_key, tenant_id=tenant_id, endpoint_id=endpoint_id, version=row.secret_version)
    return WebhookEndpointWithSecret(**row.model_dump(exclude={"secret_version"}), secret=secret)


class _Rotated(WebhookEndpoint):
    secret_version: int


async def delete_endpoint(conn: AsyncConnection, *, endpoint_id: UUID) -> None:
    """Removes the endpoint and its delivery log; pending deliveries to it stop."""
    cur = await conn.execute("delete from webhook_endpoints where id = %(id)s", {"id": endpoint_id})
    if cur.rowcount == 0:
        raise NotFound("Webhook endpoint not found.")


async def list_deliveries(conn: AsyncConnection, *, endpoint_id: UUID, limit: int = 50,
                          cursor: str | None = None) -> Page[WebhookDelivery]:
    """The endpoint's delivery log, oldest first."""
    check_limit(limit)
    await get_endpoint(conn, endpoint_id=endpoint_id)
    after = Cursor.decode(cursor)
    rows = await fetch_all(conn, WebhookDelivery, """
        select d.id, d.event_id, e.event_type, d.endpoint_id, d.status, d.attempts, d.next_attempt_at,
               d.last_status_code, d.last_error, d.delivered_at, d.created_at
          from webhook_deliveries d join outbox_events e on e.tenant_id = d.tenant_id and e.id = d.event_id
         where d.endpoint_id = %(ep)s
           and (%(after_c)s::timestamptz is null or (d.created_at, d.id) > (%(after_c)s, %(after_i)s))
         order by d.created_at, d.id limit %(limit)s""",
        {"ep": endpoint_id, "after_c": after.created_at if after else None,
         "after_i": after.id if after else None, "limit": limit + 1})
    return page_of(rows, limit)
