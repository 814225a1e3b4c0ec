"""The report summary over REST: its contract, read after a booking through the agent, CSV, SLA policies."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

import fieldbook.demo
from tests.agent.conftest import WIDGET

API = {"Authorization": "Bearer demo-api-key"}
CONTRACT = {"conversations", "bookings", "conversion", "median_minutes_to_booked", "time_in_status", "utilization",
            "unbooked", "csat"}
BOOKING = ["My kitchen sink is clogged", "416-555-0142", "tomorrow morning", "12 Elm Street, Toronto", "Dana Miles",
           "yes"]


@pytest.fixture
async def demo(db):
    return await fieldbook.demo.seed_demo(db, allowed_origins=["http://testserver"])


async def test_summary_after_booking_through_the_agent(client, db, demo, clock):
    conversation_id = None
    for line in BOOKING:
        r = await client.post("/api/v1/ai-agent/chat", headers=WIDGET,
                              json={"conversation_id": conversation_id, "message": line})
        conversation_id = r.json()["conversation_id"]
    assert r.json()["serviceRequest"], r.json()["response"]
    last = r
    await client.post("/api/v1/ai-agent/chat", headers=WIDGET, json={"conversation_id": None, "message": "hi"})
    # the rows are stamped by the database's clock (the app's clock is fixed in 2025): a window around it
    async with db.app_pool.connection() as conn:
        stamp = (await (await conn.execute("select now()")).fetchone())[0]
    window = {"from": (stamp - timedelta(hours=1)).isoformat(), "to": (stamp + timedelta(hours=1)).isoformat()}
    r = await client.get("/api/v1/reports/summary", params=window, headers=API)
    assert r.status_code == 200, r.text
    body = r.json()
    assert CONTRACT <= set(body)
    assert (body["conversations"], body["bookings"], body["conversion"]) == (2, 1, 0.5)
    assert [(c["channel"], c["conversations"], c["bookings"]) for c in body["by_channel"]] == [("web", 2, 1)]
    assert body["median_minutes_to_booked"] is not None and body["median_minutes_to_booked"] >= 0
    assert set(body["time_in_status"]) == {"open", "scheduled", "in_progress"}
    names = {u["technician"] for u in body["utilization"]}
    assert {"Mike Chen", "Raj Patel", "Ana Souza"} <= names
    assert all(set(u) >= {"technician", "booked_minutes", "working_minutes"} for u in body["utilization"])
    request = last.json()["serviceRequest"]
    day = request["appointment"]["start"][:10]
    r0 = await client.get(f"/api/v1/reports/summary?from={day}&to={day}", headers=API)
    booked = {u["technician"]: u["booked_minutes"] for u in r0.json()["utilization"] if u["booked_minutes"]}
    start, end = (datetime.fromisoformat(request["appointment"][k]) for k in ("start", "end"))
    assert booked == {request["technician"]["name"]: (end - start).total_seconds() / 60}
    assert set(body["unbooked"]) == {"no_skill", "no_capacity", "outside_area", "customer_left"}
    assert body["csat"] == {"responses": 0, "average": None, "distribution": {str(n): 0 for n in range(1, 6)}}
    default = (await client.get("/api/v1/reports/summary", headers=API)).json()["window"]   # the clock's last 30 days
    assert (default["start"], default["end"]) == ("2025-10-08T04:00:00Z", "2025-11-07T05:00:00Z")


async def test_csv_export_has_one_row_per_figure(client, demo):
    r = await client.get("/api/v1/reports/summary.csv?from=2025-11-01&to=2025-11-30", headers=API)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["section", "item", "measure", "value"]
    figures = {(s, i, m): v for s, i, m, v in rows[1:]}
    assert figures[("window", "", "from")] == "2025-11-01T04:00:00+00:00"       # local midnight, EDT
    assert figures[("window", "", "to")] == "2025-12-01T05:00:00+00:00"         # after the change to EST
    assert figures[("totals", "", "conversations")] == "0"
    assert ("utilization", "Mike Chen", "working_minutes") in figures


async def test_windows_past_the_limit_are_cut_and_backwards_ones_empty(client, demo):
    r = await client.get("/api/v1/reports/summary?from=2024-01-01&to=2025-12-31", headers=API)
    assert r.status_code == 200
    start, end = (datetime.fromisoformat(r.json()["window"][k]) for k in ("start", "end"))
    assert (end - start, end) == (timedelta(days=367), datetime(2026, 1, 1, 5, tzinfo=UTC))   # the last 366 days
    r = await client.get("/api/v1/reports/summary?from=2025-11-10&to=2025-11-01", headers=API)
    assert r.status_code == 200 and r.json()["window"]["start"] == r.json()["window"]["end"]


@pytest.mark.parametrize("query, code", [
    ("from=2025-13-45", "VALIDATION_ERROR"), ("from=2025-02-30", "VALIDATION_ERROR"), ("from=yesterday", "VALIDATION_ERROR")])
async def test_bad_windows_are_422(client, demo, query, code):
    r = await client.get(f"/api/v1/reports/summary?{query}", headers=API)
    assert (r.status_code, r.json()["error"]["code"]) == (422, code)


async def test_sla_policies(client, demo, factory):
    policies = (await client.get("/api/v1/sla-policies", headers=API)).json()["data"]
    assert [(p["urgency"], p["first_response_minutes"], p["on_site_minutes"]) for p in policies][0] == (
        "emergency", 15, 240)
    r = await client.put("/api/v1/sla-policies/urgent", json={"first_response_minutes": 30}, headers=API)
    assert r.status_code == 200 and (r.json()["first_response_minutes"], r.json()["on_site_minutes"]) == (30, None)
    r = await client.put("/api/v1/sla-policies/nope", json={}, headers=API)
    assert (r.status_code, r.json()["error"]["code"]) == (404, "UNKNOWN_URGENCY")
    r = await client.put("/api/v1/sla-policies/urgent", json={"first_response_minutes": 0}, headers=API)
    assert r.status_code == 422
    other = await factory.tenant()
    theirs = (await client.get("/api/v1/sla-policies", headers=other.headers)).json()["data"]
    assert [p["first_response_minutes"] for p in theirs if p["urgency"] == "urgent"] == [60]
