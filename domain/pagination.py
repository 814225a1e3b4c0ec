"""Keyset pagination on a stable order (created_at, id)."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel

from domain.errors import Invalid

T = TypeVar("T")

MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    data: list[T]
    next_cursor: str | None = None


class Cursor(BaseModel):
    created_at: datetime
    id: UUID

    def encode(self) -> str:
        raw = json.dumps({"c": self.created_at.isoformat(), "i": str(self.id)}).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str | None) -> Cursor | None:
        if not token:
            return None
        try:
            raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            return cls(created_at=raw["c"], id=raw["i"])
        except (ValueError, KeyError, TypeError):
            raise Invalid("The cursor is not valid; start again without it.", code="INVALID_CURSOR") from None


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
