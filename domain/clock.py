"""The one source of "now": real time, or a fixed starting instant that then advances."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    """Wall-clock time, optionally shifted so that it started at `start` when created."""

    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("the clock's start must carry a timezone offset")
        self._offset = (start.timestamp() - time.time()) if start else 0.0

    def now(self) -> datetime:
        return datetime.fromtimestamp(time.time() + self._offset, tz=UTC)

    def advance(self, seconds: float) -> None:
        """Move the clock forward (tests and demos that need time to pass)."""
        self._offset += seconds
