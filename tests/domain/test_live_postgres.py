"""LISTEN/NOTIFY live hints: what one process publishes reaches subscribers of another, per tenant."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import psycopg
import pytest

from domain.live import conversation_changed, conversation_topic, INBOX
from domain.live_postgres import RESYNC, PostgresNotifier


@pytest.fixture
async def two_processes(database):
    notifiers = [PostgresNotifier(database.app), PostgresNotifier(database.app)]
    for notifier in notifiers:
        await notifier.start()
    yield notifiers
    for notifier in notifiers:
        await notifier.stop()


async def next_event(queue: asyncio.Queue, seconds: float = 10) -> dict:
    return await asyncio.wait_for(queue.get(), seconds)


async def test_a_hint_published_by_one_process_reaches_the_other(two_processes):
    sender, receiver = two_processes
    tenant, conversation = uuid4(), uuid4()
    async with receiver.subscribe(tenant, [conversation_topic(conversation)]) as queue:
        conversation_changed(sender, tenant, conversation, by="staff")
        assert await next_event(queue) == {"conversation_id": str(conversation), "by": "staff"}


async def test_the_publishing_process_hears_its_own_hint(two_processes):
    notifier = two_processes[0]
    tenant = uuid4()
    async with notifier.subscribe(tenant, [INBOX]) as queue:
        notifier.publish(tenant, INBOX, {"n": 1})
        assert await next_event(queue) == {"n": 1}


async def test_another_tenants_subscriber_hears_nothing(two_processes):
    sender, receiver = two_processes
    ours, theirs, conversation = uuid4(), uuid4(), uuid4()
    async with receiver.subscribe(theirs, [INBOX, conversation_topic(conversation)]) as foreign, \
            receiver.subscribe(ours, [INBOX]) as own:
        conversation_changed(sender, ours, conversation)
        assert (await next_event(own))["conversation_id"] == str(conversation)
        await asyncio.sleep(0.3)
        assert foreign.empty()


async def test_hints_keep_their_order(two_processes):
    sender, receiver = two_processes
    tenant = uuid4()
    async with receiver.subscribe(tenant, [INBOX]) as queue:
        for n in range(20):
            sender.publish(tenant, INBOX, {"n": n})
        assert [(await next_event(queue))["n"] for _ in range(20)] == list(range(20))


async def test_a_lost_listener_reconnects_and_tells_subscribers_to_refresh(two_processes, database):
    sender, receiver = two_processes
    tenant = uuid4()
    async with receiver.subscribe(tenant, [INBOX]) as queue:
        async with await psycopg.AsyncConnection.connect(database.admin, autocommit=True) as admin:
            await admin.execute("""
                select pg_terminate_backend(pid) from pg_stat_activity
                 where pid <> pg_backend_pid() and query ilike 'listen%'""")
        assert await next_event(queue, 30) == RESYNC
        sender.publish(tenant, INBOX, {"after": "reconnect"})
        assert await next_event(queue) == {"after": "reconnect"}


async def test_before_start_hints_stay_in_the_process(database):
    notifier = PostgresNotifier(database.app)   # a script or a test app without the lifespan
    tenant = uuid4()
    async with notifier.subscribe(tenant, [INBOX]) as queue:
        notifier.publish(tenant, INBOX, {"local": True})
        assert queue.get_nowait() == {"local": True}
