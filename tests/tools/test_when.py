"""Customers' words about time, resolved against Thu 2025-11-06 09:30 America/Toronto."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tools.when import resolve_when

TZ = ZoneInfo("America/Toronto")
NOW = datetime(2025, 11, 6, 9, 30, tzinfo=TZ)


def window(text):
    found = resolve_when(text, now=NOW, tz=TZ)
    assert found is not None, text
    return found


def local_days(w):
    return w.earliest.astimezone(TZ).date(), (w.latest.astimezone(TZ) - timedelta(seconds=1)).date()


@pytest.mark.parametrize("text, first, last", [
    ("today if possible, ASAP", date(2025, 11, 6), date(2025, 11, 6)),
    ("tomorrow morning", date(2025, 11, 7), date(2025, 11, 7)),
    ("Next week sometime, maybe Tuesday or Wednesday", date(2025, 11, 11), date(2025, 11, 12)),
    ("next Tuesday or Wednesday", date(2025, 11, 11), date(2025, 11, 12)),
    ("the first week of December", date(2025, 12, 1), date(2025, 12, 7)),
    ("sometime next week", date(2025, 11, 10), date(2025, 11, 16)),
    ("this week", date(2025, 11, 6), date(2025, 11, 9)),
    ("on November 14", date(2025, 11, 14), date(2025, 11, 14)),
    ("Dec 3rd in the afternoon", date(2025, 12, 3), date(2025, 12, 3)),
    ("any weekday in the next two weeks", date(2025, 11, 6), date(2025, 11, 20)),
    ("Monday morning", date(2025, 11, 10), date(2025, 11, 10)),
    ("the day after tomorrow", date(2025, 11, 8), date(2025, 11, 8)),
])
def test_days(text, first, last):
    assert local_days(window(text)) == (first, last)


def test_specific_days_and_parts_filter_options():
    w = window("next week, Tuesday or Wednesday")
    assert w.days == {date(2025, 11, 11), date(2025, 11, 12)}
    assert w.accepts(datetime(2025, 11, 12, 14, 0, tzinfo=TZ), TZ)
    assert not w.accepts(datetime(2025, 11, 13, 14, 0, tzinfo=TZ), TZ)
    morning = window("tomorrow morning")
    assert morning.accepts(datetime(2025, 11, 7, 9, 0, tzinfo=TZ), TZ)
    assert not morning.accepts(datetime(2025, 11, 7, 13, 0, tzinfo=TZ), TZ)
    weekdays = window("any weekday in the next two weeks")
    assert not weekdays.accepts(datetime(2025, 11, 8, 10, 0, tzinfo=TZ), TZ)


def test_exact_times_and_closed_or_past_times():
    sunday = window("Sunday at 7am")
    assert sunday.at == datetime(2025, 11, 9, 7, 0, tzinfo=TZ) and sunday.earliest == sunday.at
    at_two = window("Wednesday at 2")
    assert at_two.at == datetime(2025, 11, 12, 14, 0, tzinfo=TZ)
    past = window("at 8am")          # already past today: tomorrow
    assert past.at == datetime(2025, 11, 7, 8, 0, tzinfo=TZ)
    assert window("today").earliest == NOW        # never before now


def test_asap_flexible_and_nothing():
    assert window("ASAP please").asap and window("ASAP please").specific
    assert not window("whenever, no rush").specific
    assert resolve_when("my furnace is broken", now=NOW, tz=TZ) is None
    assert not window("not an emergency, this week").asap


def test_a_model_in_another_year_or_zone_cannot_shift_the_day():
    # the server's clock decides: the same words give the same window whatever the caller believes
    assert local_days(window("tomorrow")) == (date(2025, 11, 7), date(2025, 11, 7))
    utc_now = NOW.astimezone(ZoneInfo("UTC"))
    assert local_days(resolve_when("tomorrow", now=utc_now, tz=TZ)) == (date(2025, 11, 7), date(2025, 11, 7))
