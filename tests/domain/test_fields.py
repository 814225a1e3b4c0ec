"""The shared request field types accept exactly what they document."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

import pytest
from pydantic import BaseModel, ValidationError

from domain.fields import (EMAIL_PATTERN, LOCAL_TIME_PATTERN, NOT_BLANK, PHONE_PATTERN, Instant, JsonBool,
                           JsonDate, LocalTime, json_int)


class Body(BaseModel):
    count: json_int(0, 100) | None = None
    flag: JsonBool | None = None
    day: JsonDate | None = None
    at: LocalTime | None = None
    when: Instant | None = None


@pytest.mark.parametrize("field, value, expected", [
    ("count", 5, 5), ("count", 5.0, 5), ("flag", False, False), ("day", "2025-11-06", date(2025, 11, 6)),
    ("at", "09:30", time(9, 30)), ("at", "09:30:15", time(9, 30, 15)),
    ("when", "2025-11-06T09:30:00-05:00", datetime(2025, 11, 6, 14, 30, tzinfo=UTC)),
    ("when", "2025-11-06T09:30:00+16:15", datetime(2025, 11, 5, 17, 15, tzinfo=UTC)),   # beyond PostgreSQL's ±15:59
    ("when", "0223-10-03T01:18:53Z", datetime(1900, 1, 1, tzinfo=UTC)),                 # clamped, not an overflow
    ("when", "9999-12-31T23:59:59-05:00", datetime(2200, 1, 1, tzinfo=UTC)),
])
def test_documented_values_are_accepted(field, value, expected):
    assert getattr(Body.model_validate({field: value}), field) == expected


@pytest.mark.parametrize("field, value", [
    ("count", "5"), ("count", True), ("count", 5.5), ("count", 101), ("count", -1), ("count", 2**63),
    ("flag", 1), ("flag", "true"), ("day", 0), ("day", "2025-02-30"),
    ("at", "09:30+01:00"), ("at", 3600), ("at", "24:00"), ("when", 0), ("when", "2025-11-06T09:30:00"),
])
def test_lax_conversions_are_refused(field, value):
    with pytest.raises(ValidationError):
        Body.model_validate({field: value})


def test_the_document_states_the_bounds_and_the_time_pattern():
    props = Body.model_json_schema()["properties"]
    assert props["count"]["anyOf"][0] == {"type": "integer", "minimum": 0, "maximum": 100}
    assert props["at"]["anyOf"][0]["pattern"] == LOCAL_TIME_PATTERN and "format" not in props["at"]["anyOf"][0]


@pytest.mark.parametrize("pattern, text", [(EMAIL_PATTERN, "a\x00@b.c"), (NOT_BLANK, " \x00 "),
                                           (PHONE_PATTERN, "416\x00555")])
def test_patterns_of_their_own_exclude_nul(pattern, text):
    assert not re.match(pattern, text)
