"""What a customer means by "tomorrow morning" or "next Tuesday or Wednesday", resolved by the server.

The model (or the guided engine) passes the customer's own words; the window is computed here from the
clock in the tenant's timezone, so a model that believes it is 2024, or in UTC, cannot shift a booking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import dateparser

Part = Literal["morning", "afternoon", "evening"]
PARTS: dict[str, tuple[time, time]] = {
    "morning": (time(7), time(12)), "afternoon": (time(12), time(17)), "evening": (time(17), time(22))}
WEEKDAYS = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
            "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
            "sunday": 6, "sun": 6}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
NUMBERS = {"a": 1, "one": 1, "two": 2, "couple": 2, "a couple": 2, "three": 3, "few": 3, "four": 4, "five": 5}
ASAP = re.compile(r"\b(asap|a\.s\.a\.p|as soon as|right away|immediately|right now|urgent(ly)?|soonest|"
                  r"earliest|emergency|now)\b")
ANYTIME = re.compile(r"\b(any ?time|whenever|flexible|no rush|not urgent|don'?t mind|doesn'?t matter)\b")


@dataclass
class Window:
    """When the customer wants the visit: [earliest, latest), optionally some days or a part of the day."""
    earliest: datetime
    latest: datetime
    days: set[date] = field(default_factory=set)
    part: Part | None = None
    at: datetime | None = None
    asap: bool = False
    flexible: bool = False
    specific: bool = True       # False: only "whenever" / "no rush", no day or time named

    def accepts(self, start: datetime, tz: ZoneInfo) -> bool:
        """Whether an option starting at `start` fits the days and part of day asked for."""
        local = start.astimezone(tz)
        if self.days and local.date() not in self.days:
            return False
        if self.part:
            lo, hi = PARTS[self.part]
            return lo <= local.time() < hi
        return True


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz)


def _clock_time(text: str) -> time | None:
    """'7am', '2:30 pm', '14:00', 'at 2' (business sense: 1-7 means pm), 'noon'."""
    if re.search(r"\bnoon\b", text):
        return time(12)
    m = re.search(r"\b(?:at|around|by|after)?\s*(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?=\W|$)", text)
    if not m:
        m = re.search(r"\b(?:at|around|by|after)\s+(\d{1,2})(?::(\d{2}))?\b()", text) or \
            re.search(r"\b(\d{1,2}):(\d{2})\b()", text)
    if not m:
        return None
    hour, minute, suffix = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").replace(".", "")
    if hour > 23 or minute > 59:
        return None
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    elif not suffix and 1 <= hour <= 7:
        hour += 12
    return time(hour, minute)


def _part(text: str) -> Part | None:
    if re.search(r"\b(morning|am)\b", text) and not re.search(r"\d\s*am\b", text):
        return "morning"
    if re.search(r"\bafternoon\b", text):
        return "afternoon"
    if re.search(r"\b(evening|tonight|after work)\b", text):
        return "evening"
    return None


def _count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS.get(word, 1)


def _weekdays(text: str) -> list[int]:
    found = []
    for word in re.findall(r"[a-z]+", text):
        if word in WEEKDAYS and WEEKDAYS[word] not in found and word not in ("sat", "sun", "wed", "mon") \
                or word in ("saturday", "sunday", "wednesday", "monday") and WEEKDAYS[word] not in found:
            found.append(WEEKDAYS[word])
    return found


def _span(text: str, today: date) -> tuple[date, date] | None:
    """A range of days named in the text (first day, last day), inclusive."""
    m = re.search(r"\b(?:next|coming|within (?:the )?(?:next )?)\s*(\d+|a|one|two|three|four|five|couple|a couple|few)"
                  r"\s*(?:of\s*)?(day|week|month)s?\b", text)
    if m:
        n, unit = _count(m.group(1)), m.group(2)
        return today, today + timedelta(days=n * {"day": 1, "week": 7, "month": 30}[unit])
    m = re.search(r"\bin\s+(\d+|a|one|two|three|four|five|couple|a couple|few)\s*(day|week)s?\b", text)
    if m:
        start = today + timedelta(days=_count(m.group(1)) * (7 if m.group(2) == "week" else 1))
        return start, start + timedelta(days=6 if m.group(2) == "week" else 0)
    m = re.search(r"\b(first|second|third|last|1st|2nd|3rd)\s+week\s+of\s+(" + "|".join(MONTHS) + r")\b", text)
    if m:
        month = MONTHS.index(m.group(2)) + 1
        year = today.year + (1 if month < today.month else 0)
        first = {"first": 1, "1st": 1, "second": 8, "2nd": 8, "third": 15, "3rd": 15, "last": 22}[m.group(1)]
        start = date(year, month, first)
        return start, start + timedelta(days=6 if m.group(1) != "last" else 9)
    if re.search(r"\bnext week\b", text):
        monday = today + timedelta(days=7 - today.weekday())
        return monday, monday + timedelta(days=6)
    if re.search(r"\b(this|rest of the) week\b", text):
        return today, today + timedelta(days=6 - today.weekday())
    if re.search(r"\b(this|the) weekend\b|\bweekend\b", text):
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        return saturday, saturday + timedelta(days=1)
    return None


def _explicit_date(text: str, now: datetime, tz: ZoneInfo) -> date | None:
    """'December 3rd', 'Nov 20', '3 dec', '12/03': left to dateparser, only for such fragments."""
    m = re.search(r"\b((?:" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
                  r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + "|".join(m[:3] for m in MONTHS) + r")[a-z]*"
                  r"|\d{4}-\d{2}-\d{2})\b", text)
    if not m:
        return None
    parsed = dateparser.parse(m.group(1), settings={
        "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None), "PREFER_DATES_FROM": "future"})
    return parsed.date() if parsed else None


def _days(text: str, today: date, now: datetime, tz: ZoneInfo) -> tuple[date, date, set[date]] | None:
    """The days asked for: (first, last, the specific days if only some of them)."""
    if re.search(r"\bday after tomorrow\b", text):
        d = today + timedelta(days=2)
        return d, d, set()
    if re.search(r"\b(tomorrow|tmrw|tmr)\b", text):
        d = today + timedelta(days=1)
        return d, d, set()
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", text):
        return today, today, set()
    explicit = _explicit_date(text, now, tz)
    if explicit:
        return explicit, explicit, set()
    span = _span(text, today)
    weekdays = _weekdays(text)
    if weekdays:
        base_first, base_last = span or (today, today + timedelta(days=6))
        chosen = {base_first + timedelta(days=(w - base_first.weekday()) % 7) for w in weekdays}
        chosen = {d for d in chosen if d <= base_last} or chosen
        return min(chosen), max(chosen), chosen if len(chosen) > 1 else set()
    if span:
        first, last = span
        if re.search(r"\bweekdays?\b", text):
            return first, last, {first + timedelta(days=i) for i in range((last - first).days + 1)
                                 if (first + timedelta(days=i)).weekday() < 5}
        return first, last, set()
    return None


def resolve_when(text: str, *, now: datetime, tz: ZoneInfo) -> Window | None:
    """The window the customer's words describe, or None when they name no time at all."""
    lowered = " " + (text or "").lower().replace("’", "'") + " "
    today = now.astimezone(tz).date()
    asap = bool(ASAP.search(lowered)) and not re.search(r"\bnot (an )?(emergency|urgent)\b", lowered)
    flexible = bool(ANYTIME.search(lowered))
    days = _days(lowered, today, now, tz)
    at_time = _clock_time(lowered)
    part = None if at_time else _part(lowered)
    if days is None and not (asap or at_time or part or flexible):
        return None
    first, last, chosen = days or (today, today if (asap or at_time or part) else today + timedelta(days=13), set())
    if days is None and at_time and datetime.combine(today, at_time, tz) <= now:
        first = last = today + timedelta(days=1)
    at = datetime.combine(first, at_time, tz) if at_time and first == last else None
    earliest = max(now, at or _day_start(first, tz))
    latest = _day_start(last + timedelta(days=1), tz)
    if days is None and asap and not (part or at_time):
        latest = max(latest, now + timedelta(hours=4))
    return Window(earliest=earliest, latest=max(latest, earliest + timedelta(minutes=15)), days=chosen,
                  part=part, at=at, asap=asap, flexible=flexible,
                  specific=bool(days or asap or at_time or part))
