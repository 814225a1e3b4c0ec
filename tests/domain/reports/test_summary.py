"""The report's figures equal the same figures computed in Python from the seeded history, DST days included."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.db import admin_tx
from domain.reports.summary import report_summary
from domain.reports.window import report_window
from tests.domain.reports import world as w

CASES = [
    # (seed, first local day, last local day, now as a share of the window; None: two days after)
    (1, date(2025, 3, 8), date(2025, 3, 9), None),       # spring forward: 9 March is 23 hours
    (2, date(2025, 11, 1), date(2025, 11, 2), None),     # fall back: 2 November is 25 hours
    (3, date(2025, 11, 2), date(2025, 11, 2), 0.6),      # the DST day alone, read while it is still going on
    (4, date(2025, 6, 2), date(2025, 6, 8), None),       # an ordinary week
    (5, date(2025, 3, 1), date(2025, 3, 31), 0.5),       # a month with a DST change, half gone
]


@pytest.mark.parametrize("seed, first, last, now_share", CASES)
async def test_summary_matches_the_history(factory, db, seed, first, last, now_share):
    tenant = await factory.tenant(timezone="America/Toronto")
    world = w.build(seed, first, last)
    if now_share is not None:
        world.now = world.start + (world.end - world.start) * now_share
    async with admin_tx(db) as conn:
        techs = await w.seed(conn, tenant.id, world)
    window = report_window(timezone="America/Toronto", start=first, end=last, now=world.now)
    assert (window.start, window.end) == (world.start, world.end)
    async with tenant.tx() as conn:
        got = await report_summary(conn, window=window, now=world.now)
    want = w.expected(world)

    assert (got.conversations, got.bookings, got.conversion) == (want["conversations"], want["bookings"],
                                                                 want["conversion"])
    assert {c.channel: c.model_dump(exclude={"channel"}) for c in got.by_channel} == want["by_channel"]
    assert got.median_minutes_to_booked == want["median_minutes_to_booked"]
    assert got.time_in_status == want["time_in_status"]
    assert {u.technician: u.booked_minutes for u in got.utilization} == {k: v[0] for k, v in want["utilization"].items()}
    assert {u.technician: u.working_minutes for u in got.utilization} == pytest.approx(
        {k: v[1] for k, v in want["utilization"].items()})
    assert got.jobs_completed == want["jobs_completed"]
    assert {t.technician: (t.jobs_completed, t.cancellations, t.no_shows) for t in got.technicians} == want["technicians"]
    assert got.unbooked == want["unbooked"]
    assert (got.revenue.invoiced, got.revenue.paid) == (want["revenue"]["invoiced"], want["revenue"]["paid"])
    assert got.csat.model_dump() == want["csat"]
    assert got.kb_gaps.model_dump() == want["kb_gaps"]
    assert (got.sla.tickets, got.sla.first_response_breached, got.sla.on_site_breached,
            got.sla.resolution_breached) == tuple(want["sla"].values())
    assert set(techs) == {u.technician for u in got.utilization}


@pytest.mark.parametrize("first, hours", [(date(2025, 3, 9), 23), (date(2025, 11, 2), 25), (date(2025, 6, 1), 24)])
def test_a_local_day_is_as_long_as_the_clock_says(first, hours):
    window = report_window(timezone="America/Toronto", start=first, end=first,
                           now=datetime(2025, 12, 1, tzinfo=w.UTC))
    assert window.end - window.start == timedelta(hours=hours)
