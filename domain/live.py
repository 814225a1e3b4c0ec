"""Live updates: "this conversation changed" hints from whoever changed it to whoever is watching.

An event is only a hint: a subscriber re-reads what it shows from the database, so a lost or duplicated
event costs a refresh, never a wrong screen. `LocalNotifier` reaches subscribers in this process;
`domain.live_postgres.PostgresNotifier`, with the same two methods, carries them between server processes.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol
from uuid import UUID

QUEUE_SIZE = 100
INBOX = "inbox"   # every conversation of the tenant (the staff inbox list)


def conversation_topic(conversation_id: UUID) -> str:
    return f"conversation:{conversation_id}"


class Notifier(Protocol):
    def publish(self, tenant_id: UUID, topic: str, event: dict[str, Any]) -> None: ...

    def subscribe(self, tenant_id: UUID, topics: list[str]) -> Any: ...


class LocalNotifier:
    """In-process publish/subscribe per (tenant, topic); publishing never blocks on a slow subscriber."""

    def __init__(self) -> None:
        self._queues: dict[tuple[UUID, str], set[asyncio.Queue]] = defaultdict(set)

    def publish(self, tenant_id: UUID, topic: str, event: dict[str, Any]) -> None:
        for queue in list(self._queues.get((tenant_id, topic), ())):
            if queue.full():   # a subscriber that stopped reading loses old hints, not new ones
                queue.get_nowait()
            queue.put_nowait(event)

    def publish_everywhere(self, event: dict[str, Any]) -> None:
        """One event to every subscriber of every tenant (after hints may have been lost: refresh)."""
        for tenant_id, topic in list(self._queues):
            self.publish(tenant_id, topic, event)

    @asynccontextmanager
    async def subscribe(self, tenant_id: UUID, topics: list[str]) -> AsyncIterator[asyncio.Queue]:
        """A queue receiving the events of `topics` until the block ends."""
        queue: asyncio.Queue = asyncio.Queue(QUEUE_SIZE)
        keys = [(tenant_id, topic) for topic in topics]
        for key in keys:
            self._queues[key].add(queue)
        try:
            yield queue
        finally:
            for key in keys:
                self._queues[key].discard(queue)
                if not self._queues[key]:
                    del self._queues[key]


def conversation_changed(notifier: Notifier | None, tenant_id: UUID, conversation_id: UUID, **detail: Any) -> None:
    """Tell the inbox and the conversation's own watchers (its widget, its staff page) that it changed."""
    if notifier is None:
        return
    event = {"conversation_id": str(conversation_id), **detail}
    notifier.publish(tenant_id, INBOX, event)
    notifier.publish(tenant_id, conversation_topic(conversation_id), event)
