"""Query parameters many routes share, declared once so each says its whole rule in the document."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from domain.fields import PHONE_PATTERN
from domain.pagination import CURSOR_PATTERN, MAX_LIMIT

PageLimit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Rows per page, 1 to {MAX_LIMIT}")]
PageCursor = Annotated[str | None, Query(pattern=CURSOR_PATTERN, max_length=49,
                                         description="`next_cursor` of the previous page; absent for the first")]
PhoneFilter = Annotated[str | None, Query(min_length=3, max_length=40, pattern=PHONE_PATTERN,
                                          description="A phone number in any usual format; one that is not a "
                                                      "number in service matches nothing")]
