import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from domain.clock import Clock
from domain.outbox.service import emit_event
from domain.webhooks.models import WebhookEndpointCreate
from domain.webhooks.service import create_endpoint, verify
from jobs.webhooks import WebhookConfig, deliver_webhooks
from tests.jobs.receiver import Receiver

KEY = b"test-signing-key-" + b"k" * 32
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


async def _endpoint(a, url, **fields):
    async with a.tx() as conn:
        return await create_endpoint(conn, tenant_id=a.id, data=WebhookEndpointCreate(url=url, **fields),
                                     signing_key=KEY, allow_private=True)


async def _emit(a, event_type="appointment.booked", payload=None):
    async with a.tx() as conn:
        return await emit_event(conn, tenant_id=a.id, event_type=event_type, entity_id=None,
                                payload=payload or {"ticket_code": "TASK-00001"})


async def _deliveries(db):
    async with db.admin_pool.connection() as conn:
        cur = await conn.execute("select event_id, endpoint_id, status, attempts, last_status_code, locked_until "
                                 "from webhook_deliveries order by created_at")
        return await cur.fetchall()


async def _run(db, clock, **config):
    """One pass of the job; the receivers here are on loopback, so private addresses are allowed unless said."""
    async with httpx.AsyncClient() as http:
        return await deliver_webhooks(db, clock=clock, http=http, config=WebhookConfig(
            signing_key=KEY, **({"backoff_seconds": 0, "allow_private": True} | config)))


class TestDelivery:
    async def test_500_500_200_delivers_on_the_third_try_signed(self, db, factory, clock, receiver):
        a = await factory.tenant()
        endpoint = await _endpoint(a, receiver.url)
        event_id = await _emit(a)
        receiver.codes = [500, 500, 200]
        assert await _run(db, clock) == {"pending": 2, "delivered": 1}
        assert len(receiver.requests) == 3
        for attempt, request in enumerate(receiver.requests, start=1):
            assert request.headers["Fieldbook-Event-Id"] == str(event_id)
            assert request.headers["Fieldbook-Delivery-Attempt"] == str(attempt)
            assert verify(endpoint.secret, request.body, request.headers["Fieldbook-Signature"])
            assert not verify(endpoint.secret, request.body + b" ", request.headers["Fieldbook-Signature"])
        body = json.loads(receiver.requests[-1].body)
        assert body["id"] == str(event_id) and body["type"] == "appointment.booked"
        assert body["data"] == {"ticket_code": "TASK-00001"}
        [(ev, ep, status, attempts, code, lease)] = await _deliveries(db)
        assert (ev, ep, status, attempts, code, lease) == (event_id, endpoint.id, "delivered", 3, 200, None)
        async with db.admin_pool.connection() as conn:
            cur = await conn.execute("select processed_at is not null from outbox_events")
            assert await cur.fetchall() == [(True,)]

    async def test_failure_waits_with_exponential_backoff(self, db, factory, clock, receiver):
        a = await factory.tenant()
        await _endpoint(a, receiver.url)
        await _emit(a)
        receiver.codes = [500, 503]
        assert await _run(db, clock, backoff_seconds=30) == {"pending": 1}
        assert await _run(db, clock, backoff_seconds=30) == {}
        clock.advance(31)
        assert await _run(db, clock, backoff_seconds=30) == {"pending": 1}
        async with db.admin_pool.connection() as conn:
            cur = await conn.execute("select next_attempt_at - %s from webhook_deliveries", (clock.now(),))
            wait = (await cur.fetchone())[0].total_seconds()
        assert 59 <= wait <= 60
        clock.advance(61)
        assert await _run(db, clock, backoff_seconds=30) == {"delivered": 1}

    async def test_gives_up_after_max_attempts(self, db, factory, clock, receiver):
        a = await factory.tenant()
        await _endpoint(a, receiver.url)
        await _emit(a)
        receiver.codes = [500] * 5
        assert await _run(db, clock, max_attempts=3) == {"pending": 2, "failed": 1}
        assert [r[2:4] for r in await _deliveries(db)] == [("failed", 3)]

    async def test_subscriptions_tenants_and_endpoint_age(self, db, factory, clock, receiver):
        a, b = await factory.tenant(), await factory.tenant()
        await _endpoint(a, receiver.url, event_types=["ticket.created"])
        await _emit(a, "appointment.booked")
        ticket_event = await _emit(a, "ticket.created")
        await _emit(b, "ticket.created")              # B has no endpoint: A's receiver never sees it
        await _run(db, clock)
        await _endpoint(a, receiver.url)              # created after the events: gets none of them
        await _run(db, clock)
        assert [r.headers["Fieldbook-Event-Id"] for r in receiver.requests] == [str(ticket_event)]

    async def test_unreachable_receiver_is_retried(self, db, factory, clock):
        a = await factory.tenant()
        await _endpoint(a, "http://127.0.0.1:9/hooks")
        await _emit(a)
        assert await _run(db, clock, backoff_seconds=60) == {"pending": 1}
        async with db.admin_pool.connection() as conn:
            cur = await conn.execute("select last_error, last_status_code from webhook_deliveries")
            error, code = await cur.fetchone()
        assert code is None and "Error" in error


class TestAddressAtDelivery:
    """A name public at registration can point inward later (DNS rebinding): checked again on every post."""

    async def test_a_name_that_now_resolves_to_loopback_is_not_called(self, db, factory, clock, receiver):
        a = await factory.tenant()
        port = receiver.server.server_address[1]
        await _endpoint(a, f"http://localhost:{port}/hooks")   # as if "localhost" had once been public
        await _emit(a)
        assert await _run(db, clock, allow_private=False, backoff_seconds=60) == {"pending": 1}
        assert receiver.requests == []
        async with db.admin_pool.connection() as conn:
            cur = await conn.execute("select last_error, attempts from webhook_deliveries")
            assert await cur.fetchone() == ("refused: the host resolves to a private or loopback address", 1)

    async def test_the_checked_address_is_called_with_the_name_in_host(self, db, factory, clock, receiver):
        a = await factory.tenant()
        port = receiver.server.server_address[1]
        endpoint = await _endpoint(a, f"http://localhost:{port}/hooks")
        await _emit(a)
        sent = []

        async def record(request):
            sent.append(request)
        async with httpx.AsyncClient(event_hooks={"request": [record]}) as http:
            outcomes = await deliver_webhooks(db, clock=clock, http=http, config=WebhookConfig(
                signing_key=KEY, backoff_seconds=60, allow_private=True))
        assert outcomes == {"delivered": 1}
        # the connection went to an address the job resolved ("localhost" may give ::1 first, then 127.0.0.1)
        assert {r.url.host for r in sent} <= {"127.0.0.1", "::1"} and sent[-1].url.host == "127.0.0.1"
        [request] = receiver.requests
        assert request.headers["Host"] == f"localhost:{port}"
        assert request.headers["Connection"] == "close"   # never reused for another name on this address
        assert verify(endpoint.secret, request.body, request.headers["Fieldbook-Signature"])

    async def test_an_unknown_name_is_a_failed_attempt(self, db, factory, clock):
        a = await factory.tenant()
        await _endpoint(a, "http://no-such-host.invalid/hooks")
        await _emit(a)
        assert await _run(db, clock, allow_private=False, backoff_seconds=60) == {"pending": 1}
        async with db.admin_pool.connection() as conn:
            cur = await conn.execute("select last_error from webhook_deliveries")
            assert (await cur.fetchone())[0].startswith("DNS: ")


class TestCrash:
    async def test_event_survives_a_killed_deliverer(self, db, database, factory, receiver):
        """The worker is SIGKILLed while the receiver holds its request; a second run delivers the event."""
        clock = Clock()
        a = await factory.tenant()
        endpoint = await _endpoint(a, receiver.url)
        event_id = await _emit(a)
        receiver.hang_first_seconds = 30
        worker = subprocess.Popen(
            [sys.executable, str(REPO / "tests/jobs/webhook_worker.py"), database.admin, database.app,
             database.app_role or "", KEY.decode()], cwd=REPO, env=os.environ | {"PYTHONPATH": str(REPO)})
        try:
            assert await asyncio.to_thread(receiver.arrived.wait, 60), "the worker never posted"
            worker.send_signal(signal.SIGKILL)
            assert worker.wait(10) == -signal.SIGKILL
        finally:
            if worker.poll() is None:
                worker.kill()
        [(_, _, status, attempts, _, lease)] = await _deliveries(db)
        assert (status, attempts) == ("pending", 1) and lease is not None
        assert await _run(db, clock) == {}            # still leased by the dead worker
        await asyncio.sleep(2.1)                      # the worker's lease (2 s) runs out
        assert await _run(db, clock) == {"delivered": 1}
        assert [r.headers["Fieldbook-Event-Id"] for r in receiver.requests] == [str(event_id)] * 2
        assert all(verify(endpoint.secret, r.body, r.headers["Fieldbook-Signature"]) for r in receiver.requests)
