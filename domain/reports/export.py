"""The report as CSV: one row per figure (section, item, measure, value), for a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from domain.reports.models import ReportSummary

Row = tuple[str, str, str, object]


def summary_rows(summary: ReportSummary) -> Iterator[Row]:
    s = summary
    yield ("window", "", "from", s.window.start.isoformat())
    yield ("window", "", "to", s.window.end.isoformat())
    yield ("window", "", "timezone", s.window.timezone)
    for measure in ("conversations", "bookings", "conversion", "median_minutes_to_booked", "jobs_completed"):
        yield ("totals", "", measure, getattr(s, measure))
    for c in s.by_channel:
        for measure in ("conversations", "booked_conversations", "bookings", "conversion"):
            yield ("channel", c.channel, measure, getattr(c, measure))
    for status, minutes in s.time_in_status.items():
        yield ("time_in_status", status, "average_minutes", minutes)
    for u in s.utilization:
        for measure in ("booked_minutes", "working_minutes", "utilization"):
            yield ("utilization", u.technician, measure, getattr(u, measure))
    for t in s.technicians:
        for measure in ("jobs_completed", "cancellations", "no_shows"):
            yield ("technician", t.technician, measure, getattr(t, measure))
    yield ("revenue", "", "invoiced", s.revenue.invoiced)
    yield ("revenue", "", "paid", s.revenue.paid)
    for reason, count in s.unbooked.items():
        yield ("unbooked", reason, "requests", count)
    yield ("kb_gaps", "", "questions", s.kb_gaps.questions)
    yield ("kb_gaps", "", "times_asked", s.kb_gaps.times_asked)
    yield ("csat", "", "responses", s.csat.responses)
    yield ("csat", "", "average", s.csat.average)
    for score, count in s.csat.distribution.items():
        yield ("csat", score, "answers", count)
    for measure in ("tickets", "first_response_breached", "on_site_breached", "resolution_breached"):
        yield ("sla", "", measure, getattr(s.sla, measure))


def summary_csv(summary: ReportSummary) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("section", "item", "measure", "value"))
    for section, item, measure, value in summary_rows(summary):
        # a cell starting with = + - @ is a formula to a spreadsheet: names typed by people are defused
        safe_item = "'" + item if item[:1] in ("=", "+", "-", "@") else item
        writer.writerow((section, safe_item, measure, "" if value is None else value))
    return out.getvalue()
