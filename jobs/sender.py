"""The sender job: claims due scheduled messages across tenants and sends each exactly once."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from domain.clock import Clock
from domain.db import Database, admin_tx, tenant_tx
from domain.messages import sending
from domain.messages.models import OutgoingMessage
from jobs.transports import MailTransport, RecipientUnsubscribed, SendFailed, SmsTransport

log = logging.getLogger(__name__)

ACTOR = "job:sender"
MAX_BATCHES_PER_RUN = 100


@dataclass
class SenderConfig:
    batch_size: int = 50
    lease_seconds: int = 300
    max_attempts: int = 5
    backoff_seconds: float = 60.0
    public_url: str = ""          # PUBLIC_BASE_URL, for links in staff alerts


async def send_due_messages(db: Database, *, clock: Clock, sms: SmsTransport, mail: MailTransport,
                            config: SenderConfig = SenderConfig()) -> Counter:
    """Sends every message due now; returns how many ended in each outcome."""
    outcomes: Counter = Counter()
    for _ in range(MAX_BATCHES_PER_RUN):
        async with admin_tx(db) as admin:
            await admin.execute("select set_config('app.actor', %s, true)", (ACTOR,))
            claimed = await sending.claim_due_messages(admin, now=clock.now(), limit=config.batch_size,
                                                       lease=timedelta(seconds=config.lease_seconds))
        if not claimed:
            break
        for item in claimed:
            outcomes[await _send_one(db, item, clock=clock, sms=sms, mail=mail, config=config)] += 1
    if outcomes:
        log.info("sender: %s", dict(outcomes))
    return outcomes


async def _send_one(db: Database, item: sending.Claimed, *, clock: Clock, sms: SmsTransport,
                    mail: MailTransport, config: SenderConfig) -> str:
    async with tenant_tx(db.app_pool, item.tenant_id, ACTOR) as conn:
        decision, outgoing = await sending.prepare_message(conn, message_id=item.id, now=clock.now(),
                                                           public_url=config.public_url)
    if outgoing is None:
        return decision
    # No transaction is open while the provider is called; the lease keeps other senders away.
    try:
        provider_id, recorded = await _transmit(outgoing, sms=sms, mail=mail)
    except RecipientUnsubscribed:
        async with tenant_tx(db.app_pool, item.tenant_id, ACTOR) as conn:
            await sending.record_carrier_opt_out(conn, message=outgoing)
        return "suppressed"
    except SendFailed as exc:
        log.warning("message %s not sent: %s", item.id, exc)
        async with tenant_tx(db.app_pool, item.tenant_id, ACTOR) as conn:
            return await sending.record_failure(conn, message_id=item.id, error=str(exc), now=clock.now(),
                                                max_attempts=config.max_attempts,
                                                backoff_seconds=config.backoff_seconds)
    async with tenant_tx(db.app_pool, item.tenant_id, ACTOR) as conn:
        await sending.record_sent(conn, message=outgoing, recorded=recorded, provider_id=provider_id,
                                  now=clock.now())
    return "recorded" if recorded else "sent"


async def _transmit(message: OutgoingMessage, *, sms: SmsTransport, mail: MailTransport) -> tuple[str | None, bool]:
    if message.channel == "sms":
        return await sms.send(message_id=message.id, to=message.to_address, from_=message.from_number,
                              body=message.body), sms.recorded
    return await mail.send(message_id=message.id, to=message.to_address, subject=message.subject or "",
                           html=message.html or message.body), mail.recorded
