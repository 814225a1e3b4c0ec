"""The business's opening hours as a customer reads them: "Mon–Fri 09:00–20:00, Sat 10:00–14:00"."""

from __future__ import annotations

from domain.tenants.models import WEEKDAYS, BusinessHours

DAY_NAMES = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}


def _spans(business_hours: BusinessHours, day: str) -> str:
    return ", ".join(f"{start.strftime('%H:%M')}–{end.strftime('%H:%M')}" for start, end in business_hours.get(day, []))


def describe_hours(business_hours: BusinessHours) -> str:
    """Consecutive days with the same hours share one range; closed days are left out."""
    runs: list[tuple[str, str, str]] = []   # (first day, last day, hours)
    for day in WEEKDAYS:
        hours = _spans(business_hours, day)
        if hours and runs and runs[-1][2] == hours and WEEKDAYS.index(runs[-1][1]) == WEEKDAYS.index(day) - 1:
            runs[-1] = (runs[-1][0], day, hours)
        elif hours:
            runs.append((day, day, hours))
    parts = [f"{DAY_NAMES[first]}{'' if first == last else '–' + DAY_NAMES[last]} {hours}" for first, last, hours in runs]
    return ", ".join(parts) or "by appointment"
