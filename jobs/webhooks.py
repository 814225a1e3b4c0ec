"""The outbox delivery job: fans events out to webhook endpoints and posts them, signed, at least once."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import httpx

from domain.clock import Clock
from domain.db import Database, admin_tx, tenant_tx
from domain.webhooks import delivery
from domain.webhooks.models import WebhookRequest
from domain.webhooks.service import is_private_address

log = logging.getLogger(__name__)

ACTOR = "job:webhooks"
MAX_BATCHES_PER_RUN = 100


@dataclass
class WebhookConfig:
    signing_key: bytes
    batch_size: int = 50
    lease_seconds: int = 300
    max_attempts: int = 12
    backoff_seconds: float = 30.0
    timeout_seconds: float = 10.0
    allow_private: bool = False     # WEBHOOK_ALLOW_PRIVATE_URLS: loopback/private receivers (tests, one machine)


async def deliver_webhooks(db: Database, *, clock: Clock, http: httpx.AsyncClient, config: WebhookConfig) -> Counter:
    """Fans out new events, then posts every delivery due now; returns the count of each outcome."""
    outcomes: Counter = Counter()
    for _ in range(MAX_BATCHES_PER_RUN):
        async with admin_tx(db) as admin:
            await admin.execute("select set_config('app.actor', %s, true)", (ACTOR,))
            fanned = await delivery.fan_out_events(admin, now=clock.now(), limit=config.batch_size)
        if fanned < config.batch_size:
            break
    for _ in range(MAX_BATCHES_PER_RUN):
        async with admin_tx(db) as admin:
            claimed = await delivery.claim_due_deliveries(admin, now=clock.now(), limit=config.batch_size,
                                                          lease=timedelta(seconds=config.lease_seconds))
        if not claimed:
            break
        for item in claimed:
            outcomes[await _deliver_one(db, item, clock=clock, http=http, config=config)] += 1
    if outcomes:
        log.info("webhooks: %s", dict(outcomes))
    return outcomes


async def _deliver_one(db: Database, item: delivery.Claimed, *, clock: Clock, http: httpx.AsyncClient,
                       config: WebhookConfig) -> str:
    async with tenant_tx(db.app_pool, item.tenant_id, ACTOR) as conn:
        request = await delivery.build_request(conn, delivery_id=item.id, signing_key=config.signing_key)
    if request is None:
        return "gone"
    status_code, error = await _post(http, request, config.timeout_seconds, config.allow_private)
    async with tenant_tx(db.app_pool, item.tenant_id, ACTOR) as conn:
        return await delivery.record_attempt(conn, delivery_id=item.id, status_code=status_code, error=error,
                                             now=clock.now(), max_attempts=config.max_attempts,
                                             backoff_seconds=config.backoff_seconds)


async def _post(http: httpx.AsyncClient, request: WebhookRequest, timeout: float,
                allow_private: bool) -> tuple[int | None, str | None]:
    """Posts the exact signed bytes; redirects are not followed (the signature names one URL).

    The host is resolved here and the request goes to the address that was checked: a name that was
    public when the endpoint was registered may point inward by now (DNS rebinding), and a second lookup
    by the HTTP client could answer differently from the one checked. The name still goes in `Host` and,
    over https, in TLS (SNI and the certificate check). Connections are not kept: the client's pool knows
    them by address, and a connection verified for one name must not carry another name's request.
    """
    url = httpx.URL(request.url)
    try:
        addresses = await _addresses(url)
    except (OSError, UnicodeError) as exc:   # UnicodeError: a label IDNA cannot encode (e.g. over 63 characters)
        return None, f"DNS: {type(exc).__name__}"
    if not allow_private and any(map(is_private_address, addresses)):
        return None, "refused: the host resolves to a private or loopback address"
    headers = request.headers | {"Host": url.netloc.decode("ascii"), "Connection": "close"}
    error = "no address"
    for address in addresses:   # in the resolver's order, like any client falling back on a refused connect
        try:
            response = await http.post(url.copy_with(host=address), content=request.body, headers=headers,
                                       timeout=timeout, follow_redirects=False,
                                       extensions={"sni_hostname": url.host})
        except httpx.ConnectError as exc:
            error = type(exc).__name__
            continue
        except httpx.HTTPError as exc:
            return None, type(exc).__name__
        return response.status_code, None if response.is_success else f"HTTP {response.status_code}"
    return None, error


async def _addresses(url: httpx.URL) -> list[str]:
    """The host's addresses (an address literal is its own), each once, in the resolver's order."""
    port = url.port or (443 if url.scheme == "https" else 80)
    found = await asyncio.get_running_loop().getaddrinfo(url.host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in found))
