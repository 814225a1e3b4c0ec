"""One agent turn at a time per conversation, across every server process on the database.

Two texts from one customer can reach two processes at once (two webhook deliveries, two workers). A
turn holds a transaction-scoped advisory lock keyed by its conversation on a connection of its own
(`Database.lock_pool`) from start to finish; the turn's own transactions run on other connections, so
the lock never waits on the work it guards. Waiters are granted in arrival order, and a crashed process
releases its locks with its connection. A held-open transaction works through PgBouncer's transaction
mode too (a session-level advisory lock would not).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

from psycopg_pool import AsyncConnectionPool

# The first key of pg_advisory_xact_lock(int4, int4): this lock's namespace ("FB" + 1).
TURN_NAMESPACE = 0x46420001


def turn_key(conversation_id: UUID) -> int:
    """The conversation as a signed 32-bit key (a rare collision only serialises two conversations)."""
    return int.from_bytes(conversation_id.bytes[:4], "big", signed=True)


@asynccontextmanager
async def one_turn_at_a_time(pool: AsyncConnectionPool, conversation_id: UUID) -> AsyncIterator[None]:
    """Waits for the conversation's previous turn, in any process, then holds the turn until the block ends."""
    async with pool.connection() as conn:
        async with conn.transaction():
            await conn.execute("select pg_advisory_xact_lock(%s, %s)", (TURN_NAMESPACE, turn_key(conversation_id)))
            yield
