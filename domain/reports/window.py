"""The window of a report: whole local days of the business (DST days are 23 or 25 hours), or exact instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.errors import Invalid
from domain.reports.models import ReportWindow

DEFAULT_DAYS = 30
MAX_DAYS = 366
# A date of the calendar (no 31 June, 29 February only in leap years), then optionally a time and an offset:
# every bound the pattern allows is one the server reads.
_DAY = (r"((19|20)[0-9]{2}-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))"
        r"|(19(0[48]|[2468][048]|[13579][26])|20([02468][048]|[13579][26]))-02-29)")
BOUND_PATTERN = (rf"^{_DAY}"
                 r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-5]):?[0-5][0-9])?)?$")


def parse_bound(text: str | None) -> date | datetime | None:
    """'2025-11-06' is a local day; '2025-11-06T10:00-05:00' an instant (without an offset: local time)."""
    if text is None:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"{text!r} is neither a date (2025-11-06) nor a date and time.", code="INVALID_DATE") from None


def _start_of(day: date, tz: ZoneInfo) -> datetime:
    # as UTC: Python subtracts two aware datetimes of one tzinfo as wall-clock times, blind to DST
    return datetime.combine(day, time(0), tz).astimezone(UTC)


def _instant(value: date | datetime, tz: ZoneInfo, *, end: bool) -> datetime:
    """A date means that local day (its start, or for `end` the start of the next day); a datetime is exact."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=tz)).astimezone(UTC)
    return _start_of(value + timedelta(days=1) if end else value, tz)


def report_window(*, timezone: str, start: date | datetime | None, end: date | datetime | None,
                  now: datetime) -> ReportWindow:
    """[start, end) in the business's timezone; by default the last 30 local days, today included."""
    tz = ZoneInfo(timezone)
    today = now.astimezone(tz).date()
    lo = _instant(start, tz, end=False) if start is not None else _start_of(today - timedelta(days=DEFAULT_DAYS - 1), tz)
    hi = _instant(end, tz, end=True) if end is not None else _start_of(today + timedelta(days=1), tz)
    # rules no schema can state answer without a 422: `to` before `from` is an empty window, and a window
    # longer than MAX_DAYS keeps its last MAX_DAYS days (the route descriptions say so)
    lo = min(max(lo, hi - timedelta(days=MAX_DAYS + 1)), hi)
    return ReportWindow(start=lo, end=hi, timezone=timezone)


def local_days(window: ReportWindow) -> list[date]:
    """The local dates the window touches, in order."""
    tz = ZoneInfo(window.timezone)
    first, last = window.start.astimezone(tz).date(), (window.end - timedelta(microseconds=1)).astimezone(tz).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
