"""Field types for request models: what the OpenAPI document says is exactly what validation accepts.

pydantic's lax mode turns `"5"`, `5.0` and `false` into the int 5 or 0, `"yes"` into True, and a number
into a date; the document generated from a plain `int` or `date` says none of that, so a client (or a
fuzzer) reading the document is told one thing while the server does another. These types accept only
what they document: a JSON integer, a JSON boolean, a date or a time written as a string. Integers are
bounded by what PostgreSQL stores, so an over-long number is a 422, never a database error.

Staff HTML forms send every field as text: they convert before validating (staff/forms.py), the API
never does.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, Strict, WithJsonSchema

INT4_MAX = 2**31 - 1
INT8_MAX = 2**63 - 1


def _text_only(kind: str):
    def check(value: Any) -> Any:
        if isinstance(value, (str, date, time)):   # date and datetime objects from Python callers pass as they are
            return value
        raise ValueError(f"{kind} must be written as a string")
    return check


def _json_integer(value: Any) -> Any:
    # JSON Schema counts 1983.0 as an integer; a boolean or a string is not one
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("Input should be a JSON integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("Input should be a JSON integer")
        return int(value)
    return value


def json_int(ge: int, le: int, *, multiple_of: int | None = None) -> Any:
    """A JSON integer in [ge, le] (1983 or 1983.0; not "1983", not true), bounds within PostgreSQL's `integer`.

    The bounds live inside the type, before the validator: given as the field's Field(ge=...) on an optional
    (`int | None`) field, pydantic cannot write them into the document as minimum/maximum."""
    assert -INT4_MAX - 1 <= ge <= le <= INT4_MAX
    return Annotated[int, Field(ge=ge, le=le, multiple_of=multiple_of), BeforeValidator(_json_integer)]

JsonBool = Annotated[bool, Strict()]
"""`true` or `false`, nothing else."""

JsonDate = Annotated[date, BeforeValidator(_text_only("A date")), WithJsonSchema({"type": "string", "format": "date"})]
"""A calendar date written as `YYYY-MM-DD`."""

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _utc_within_bounds(value: datetime) -> datetime:
    # In UTC: PostgreSQL takes offsets only up to ±15:59, ISO 8601 up to ±23:59. Clamped to 1900..2200:
    # the document allows the years 0000 to 9999, but a day before or after them overflows Python's dates,
    # and no booking, report or calendar of the business lies outside; a window is cut, a time is "past".
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        return EARLIEST if value.year < 1900 else LATEST
    return min(max(utc, EARLIEST), LATEST)


Instant = Annotated[AwareDatetime, BeforeValidator(_text_only("A date-time")), AfterValidator(_utc_within_bounds),
                    WithJsonSchema({"type": "string", "format": "date-time",
                                    "description": "ISO 8601 with its offset; read in UTC, and before 1900 or "
                                                   "after 2199 as those limits"})]
"""An instant: ISO 8601 with its UTC offset (`2025-11-06T09:30:00-05:00`), in UTC."""

LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
_LOCAL_TIME = re.compile(LOCAL_TIME_PATTERN)


def _local_time(value: Any) -> Any:
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not _LOCAL_TIME.match(value):
        raise ValueError("A local time is written HH:MM or HH:MM:SS, without an offset")
    return value


LocalTime = Annotated[time, BeforeValidator(_local_time), AfterValidator(lambda t: t.replace(tzinfo=None)),
                      WithJsonSchema({"type": "string", "pattern": LOCAL_TIME_PATTERN,
                                      "description": "A wall-clock time in the business's timezone, HH:MM[:SS]"})]
"""A wall-clock time without an offset. JSON Schema's `format: time` requires an offset, so it is a pattern."""

PHONE_PATTERN = r"^[+(]?[0-9][0-9 ().\-]{1,38}$"
PhoneInput = Annotated[str, Field(min_length=3, max_length=40, pattern=PHONE_PATTERN,
                                  description="A phone number in any usual format (digits, spaces, `+ ( ) . -`); "
                                              "stored as E.164 in the business's region")]
"""A phone number as people write it; whether it is a number in service is the server's check (INVALID_PHONE)."""

# Patterns of their own replace the document's default text rule (no NUL), so they must exclude NUL too.
NO_NUL = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"
"""Text with at least one character that is not a space."""
# spaces spelled out: `\s` means other characters to Python (\x1c-\x1f) than to pydantic's regex engine
EMAIL_PATTERN = r"^[^@ \t\n\r\f\v\x00]+@[^@ \t\n\r\f\v\x00]+\.[^@ \t\n\r\f\v\x00]+$"
