"""The owner's setup forms as typed: weekly hours grids, comma lists, dates and times in the business's zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from domain.errors import Invalid
from domain.technicians.models import WorkingSpan
from domain.tenants.models import WEEKDAYS

SHIFTS = 2   # shifts per day in a form (a split day: morning and afternoon)
DAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
M = TypeVar("M", bound=BaseModel)


def checked(model: type[M], data: dict) -> M:
    """The model, or Invalid naming the first field that is wrong (the form's own words where it can)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Invalid(f"{where.replace('_', ' ')}: {first['msg']}", code="VALIDATION_ERROR") from None


def _time(text: str | None, label: str) -> time | None:
    if not text or not text.strip():
        return None
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(f"{label}: enter a time like 09:00.", code="VALIDATION_ERROR") from None


def shifts_from_form(form: dict[str, str]) -> list[tuple[int, time, time]]:
    """(ISO weekday, starts, ends) of the filled rows of an hours grid: h-<day 1..7>-<shift>-starts/ends."""
    out = []
    for day in range(1, 8):
        for shift in range(SHIFTS):
            label = f"{DAY_LABELS[day - 1]} shift {shift + 1}"
            starts = _time(form.get(f"h-{day}-{shift}-starts"), label)
            ends = _time(form.get(f"h-{day}-{shift}-ends"), label)
            if starts is None and ends is None:
                continue
            if starts is None or ends is None or ends <= starts:
                raise Invalid(f"{label}: give a start and a later end.", code="VALIDATION_ERROR")
            out.append((day, starts, ends))
    return out


def working_spans(form: dict[str, str]) -> list[WorkingSpan]:
    return [WorkingSpan(weekday=d, starts=s, ends=e) for d, s, e in shifts_from_form(form)]


def business_hours(form: dict[str, str]) -> dict[str, list[tuple[time, time]]]:
    hours: dict[str, list[tuple[time, time]]] = {}
    for day, starts, ends in shifts_from_form(form):
        hours.setdefault(WEEKDAYS[day - 1], []).append((starts, ends))
    return hours


def hours_grid(spans: list[tuple[int, time, time]]) -> list[dict]:
    """Rows for the template: each day with its shifts' values ('' when empty)."""
    rows = []
    for day in range(1, 8):
        mine = [(s, e) for d, s, e in spans if d == day][:SHIFTS]
        mine += [(None, None)] * (SHIFTS - len(mine))
        rows.append({"day": day, "label": DAY_LABELS[day - 1],
                     "shifts": [(s.strftime("%H:%M") if s else "", e.strftime("%H:%M") if e else "") for s, e in mine]})
    return rows


def comma_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]


def line_list(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").splitlines() if part.strip()]


def local_span(form: dict[str, str], tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Time off as typed: from a date (and a time) to a date (and a time); without times, whole days."""
    try:
        first = date.fromisoformat(form.get("start_date", "").strip())
        last = date.fromisoformat((form.get("end_date") or form.get("start_date", "")).strip())
    except ValueError:
        raise Invalid("Time off: choose the first and last day.", code="VALIDATION_ERROR") from None
    starts = _time(form.get("start_time"), "From") or time(0)
    ends = _time(form.get("end_time"), "Until")
    start = datetime.combine(first, starts, tz)
    end = datetime.combine(last, ends, tz) if ends else datetime.combine(last + timedelta(days=1), time(0), tz)
    if end <= start:
        raise Invalid("Time off: the end must be after the start.", code="VALIDATION_ERROR")
    return start, end
