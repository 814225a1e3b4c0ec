"""The owner's report: every figure of a window, read from the status history, the audit trail and the records."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from psycopg import AsyncConnection

from domain.db import fetch_one
from domain.kb.gaps import count_gaps
from domain.reports import conversion, statuses, utilization
from domain.reports.models import GapFigures, ReportSummary, ReportWindow, Revenue, SlaFigures
from domain.reports.window import local_days
from domain.sla.service import window_breaches
from domain.surveys.service import csat

# Money invoiced (sent, not voided since) and paid inside the window.
REVENUE_SQL = """
select coalesce(sum(total_amount) filter (where sent_at >= %(start)s and sent_at < %(end)s and status <> 'void'), 0)
           as invoiced,
       coalesce(sum(total_amount) filter (where paid_at >= %(start)s and paid_at < %(end)s), 0) as paid
  from invoices
 where (sent_at >= %(start)s and sent_at < %(end)s) or (paid_at >= %(start)s and paid_at < %(end)s)
"""


async def revenue(conn: AsyncConnection, *, window: ReportWindow) -> Revenue:
    found = await fetch_one(conn, Revenue, REVENUE_SQL, {"start": window.start, "end": window.end})
    return found or Revenue(invoiced=Decimal(0), paid=Decimal(0))


async def report_summary(conn: AsyncConnection, *, window: ReportWindow, now: datetime) -> ReportSummary:
    """Every figure of the report over `window` (figures about the present stop at `now`)."""
    channels = await conversion.by_channel(conn, window=window)
    conversations = sum(c.conversations for c in channels)
    booked = sum(c.booked_conversations for c in channels)
    sla_tickets, breaches = await window_breaches(conn, start=window.start, end=window.end, now=now)
    questions, asked = await count_gaps(conn, start=window.start, end=window.end)
    return ReportSummary(
        window=window, conversations=conversations, bookings=sum(c.bookings for c in channels),
        conversion=round(booked / conversations, 4) if conversations else 0.0, by_channel=channels,
        median_minutes_to_booked=await conversion.median_minutes_to_booked(conn, window=window),
        time_in_status=await statuses.time_in_status(conn, window=window, now=now),
        utilization=await utilization.utilization(conn, window=window, days=local_days(window)),
        jobs_completed=await statuses.jobs_completed(conn, window=window),
        revenue=await revenue(conn, window=window),
        technicians=await utilization.reliability(conn, window=window, now=now),
        unbooked=await statuses.unbooked(conn, window=window),
        kb_gaps=GapFigures(questions=questions, times_asked=asked),
        csat=await csat(conn, window=window),
        sla=SlaFigures(tickets=sla_tickets, first_response_breached=breaches["first_response"],
                       on_site_breached=breaches["on_site"], resolution_breached=breaches["resolution"]))
