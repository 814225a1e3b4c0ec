"""Keyset pagination on a stable order (created_at, id)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel

from domain.errors import Invalid

T = TypeVar("T")

MAX_LIMIT = 200
# A cursor is the position after a row: its created_at in microseconds since 1970 and its id. Its
# pattern is the whole rule, so every cursor the document accepts is a position to continue from
# (perhaps past the end: an empty page), and the server never refuses one the document allows.
CURSOR_PATTERN = r"^[0-9]{1,16}\.[0-9a-f]{32}$"
_CURSOR = re.compile(CURSOR_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Page(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: str | None = None


class Cursor(BaseModel):
    created_at: datetime
    id: UUID

    def encode(self) -> str:
        micros = (self.created_at - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}.{self.id.hex}"

    @classmethod
    def decode(cls, token: str | None) -> Cursor | None:
        if not token:
            return None
        if not _CURSOR.match(token):
            raise Invalid("The cursor is not valid; start again without it.", code="INVALID_CURSOR")
        micros, hex_id = token.split(".")
        return cls(created_at=_EPOCH + timedelta(microseconds=int(micros)), id=UUID(hex_id))


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit must be between 1 and {MAX_LIMIT}.", code="INVALID_LIMIT")
    return limit


def page_of(rows: list, limit: int) -> Page:
    """Rows fetched with limit + 1 turned into a page and the cursor after its last row."""
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = Cursor(created_at=rows[-1].created_at, id=rows[-1].id).encode() if more else None
    return Page(data=rows, next_cursor=cursor)
