"""Live hints across server processes: PostgreSQL LISTEN/NOTIFY under the `Notifier` interface.

Every process listens on one channel. `publish` queues a NOTIFY; the listener of every process (this
one included) hands what arrives to its `LocalNotifier`, so a staff reply committed by one process
reaches a widget connected to another. Events stay hints (domain/live): after the listening connection
is lost and comes back, every subscriber is told to refresh, since whatever was sent meanwhile is gone.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import psycopg
from psycopg import AsyncConnection

from domain.live import LocalNotifier

log = logging.getLogger(__name__)

CHANNEL = "fieldbook_live"
RECONNECT_S = 1.0
OUTBOX_SIZE = 1000
RESYNC = {"resync": True}


class PostgresNotifier:
    """`publish` and `subscribe` as LocalNotifier's, carried through PostgreSQL between processes."""

    def __init__(self, conninfo: str, *, channel: str = CHANNEL) -> None:
        self._conninfo = conninfo
        self._channel = channel
        self._local = LocalNotifier()
        self._outbox: asyncio.Queue[str] | None = None
        self._tasks: list[asyncio.Task] = []
        self._listening = asyncio.Event()

    async def start(self) -> None:
        """Listen before returning, so nothing published after start is missed by this process."""
        self._outbox = asyncio.Queue(OUTBOX_SIZE)
        self._tasks = [asyncio.create_task(self._listen(), name="live-listen"),
                       asyncio.create_task(self._send(), name="live-send")]
        await asyncio.wait_for(self._listening.wait(), 30)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    def publish(self, tenant_id: UUID, topic: str, event: dict[str, Any]) -> None:
        if self._outbox is None:   # not started (a script, a test without the lifespan): this process only
            self._local.publish(tenant_id, topic, event)
            return
        payload = json.dumps({"tenant": str(tenant_id), "topic": topic, "event": event})
        if self._outbox.full():    # PostgreSQL unreachable for a while: drop the oldest hint
            self._outbox.get_nowait()
        self._outbox.put_nowait(payload)

    @asynccontextmanager
    async def subscribe(self, tenant_id: UUID, topics: list[str]) -> AsyncIterator[asyncio.Queue]:
        async with self._local.subscribe(tenant_id, topics) as queue:
            yield queue

    async def _send(self) -> None:
        assert self._outbox is not None
        while True:
            payload = await self._outbox.get()
            try:
                async with await AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
                    while True:
                        await conn.execute("select pg_notify(%s, %s)", (self._channel, payload))
                        payload = await self._outbox.get()
            except (psycopg.Error, OSError) as error:
                log.warning("live hint not sent (%s); reconnecting", type(error).__name__)
                await asyncio.sleep(RECONNECT_S)

    async def _listen(self) -> None:
        lost = False
        while True:
            try:
                async with await AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
                    await conn.execute(psycopg.sql.SQL("listen {}").format(psycopg.sql.Identifier(self._channel)))
                    self._listening.set()
                    if lost:
                        self._local.publish_everywhere(RESYNC)
                    async for notify in conn.notifies():
                        self._deliver(notify.payload)
            except (psycopg.Error, OSError) as error:
                log.warning("live listener lost its connection (%s); reconnecting", type(error).__name__)
                lost = True
                await asyncio.sleep(RECONNECT_S)

    def _deliver(self, payload: str) -> None:
        try:
            message = json.loads(payload)
            self._local.publish(UUID(message["tenant"]), message["topic"], message["event"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed live hint")
