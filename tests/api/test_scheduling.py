"""The scheduling API over HTTP: availability, calendar, booking with SLOT_TAKEN, iCalendar feed."""

from datetime import datetime, timedelta

import icalendar

from tests.domain.scheduling.helpers import TORONTO, local, technician, ticket

NINE = local(2025, 11, 7, 9)


async def tenant_with_mike(factory):
    a = await factory.tenant()
    async with a.tx() as conn:
        mike = await technician(conn, a.id, "Mike Chen", ["HVAC"])
    return a, mike


def q(start, end, **extra):
    return {"from": start.isoformat(), "to": end.isoformat(), **extra}


async def test_availability_options(client, factory):
    a, mike = await tenant_with_mike(factory)
    r = await client.get("/api/v1/availability", headers=a.headers,
                         params=q(NINE, NINE + timedelta(days=1), category="HVAC", duration_minutes=120, limit=2))
    assert r.status_code == 200, r.text
    assert [(o["technician_id"], o["technician_name"], o["start"], o["end"]) for o in r.json()] == [
        (str(mike), "Mike Chen", "2025-11-07T14:00:00Z", "2025-11-07T16:00:00Z"),
        (str(mike), "Mike Chen", "2025-11-07T16:00:00Z", "2025-11-07T18:00:00Z")]


async def test_bad_input_is_422_with_code(client, factory):
    a, _ = await tenant_with_mike(factory)
    naive = await client.get("/api/v1/availability", headers=a.headers,
                             params={"category": "HVAC", "from": "2025-11-07T09:00", "to": "2025-11-08T09:00"})
    odd = await client.get("/api/v1/availability", headers=a.headers,
                           params=q(NINE, NINE + timedelta(days=1), category="HVAC", duration_minutes=50))
    assert [r.status_code for r in (naive, odd)] == [422, 422]
    assert naive.json()["error"]["code"] == "VALIDATION_ERROR" and "from" in naive.json()["error"]["message"]


async def test_windows_the_schema_cannot_bound_are_empty_or_cut(client, factory):
    """`to` before `from` is an empty window; a longer window than allowed is cut at its limit (never a 422)."""
    a, mike = await tenant_with_mike(factory)
    backwards = await client.get("/api/v1/appointments", headers=a.headers, params=q(NINE, NINE - timedelta(days=1)))
    assert (backwards.status_code, backwards.json()) == (200, [])
    cells = await client.get("/api/v1/person-calendar", headers=a.headers, params=q(NINE, NINE + timedelta(days=400)))
    assert cells.status_code == 200 and cells.json()
    assert max(datetime.fromisoformat(c["from_ts"]) for c in cells.json()) < NINE + timedelta(days=31)
    free = await client.get(f"/api/v1/technicians/{mike}/availability", headers=a.headers,
                            params=q(NINE, NINE - timedelta(hours=1)))
    assert free.status_code == 200 and (free.json()["available"], free.json()["free"]) == (False, [])


async def test_technician_availability_contract(client, factory):
    a, mike = await tenant_with_mike(factory)
    r = await client.get(f"/api/v1/technicians/{mike}/availability", headers=a.headers,
                         params=q(local(2025, 11, 7, 14), local(2025, 11, 7, 16)))
    assert r.json() == {"technician_id": str(mike), "technician_name": "Mike Chen", "available": True,
                        "total_available_minutes": 120,
                        "free": [{"start": "2025-11-07T19:00:00Z", "end": "2025-11-07T21:00:00Z"}]}


async def test_book_then_slot_taken_with_alternatives(client, factory):
    a, mike = await tenant_with_mike(factory)
    async with a.tx() as conn:
        first, second = await ticket(conn, a.id), await ticket(conn, a.id, phone="+14165550002")
    body = {"ticket_id": str(first), "technician_id": str(mike), "start": NINE.isoformat(), "duration_minutes": 120}
    booked = await client.post("/api/v1/appointments", headers=a.headers, json=body)
    taken = await client.post("/api/v1/appointments", headers=a.headers, json=body | {"ticket_id": str(second)})
    assert booked.status_code == 201, booked.text
    assert booked.json()["start"] == "2025-11-07T14:00:00Z" and booked.json()["ticket_code"].startswith("TASK-")
    assert taken.status_code == 409
    error = taken.json()["error"]
    assert error["code"] == "SLOT_TAKEN" and len(error["alternatives"]) == 3
    assert error["alternatives"][0] == {"technician_id": str(mike), "technician_name": "Mike Chen",
                                        "start": "2025-11-07T16:00:00Z", "end": "2025-11-07T18:00:00Z",
                                        "previous_technician": False}


async def test_reschedule_cancel_and_list(client, factory):
    a, mike = await tenant_with_mike(factory)
    async with a.tx() as conn:
        t = await ticket(conn, a.id)
    booked = (await client.post("/api/v1/appointments", headers=a.headers, json={
        "ticket_id": str(t), "technician_id": str(mike), "start": NINE.isoformat(), "duration_minutes": 60})).json()
    moved = await client.post(f"/api/v1/appointments/{booked['id']}/reschedule", headers=a.headers,
                              json={"start": (NINE + timedelta(hours=3)).isoformat()})
    assert moved.status_code == 200 and moved.json()["start"] == "2025-11-07T17:00:00Z"
    listed = await client.get("/api/v1/appointments", headers=a.headers, params=q(NINE, NINE + timedelta(days=1)))
    assert [x["id"] for x in listed.json()] == [booked["id"]]
    cancelled = await client.post(f"/api/v1/appointments/{booked['id']}/cancel", headers=a.headers)
    again = await client.post(f"/api/v1/appointments/{booked['id']}/cancel", headers=a.headers)
    assert cancelled.json()["status"] == "cancelled" and again.status_code == 409
    assert (await client.get("/api/v1/appointments", headers=a.headers,
                             params=q(NINE, NINE + timedelta(days=1)))).json() == []


async def test_person_calendar_cells(client, factory):
    a, mike = await tenant_with_mike(factory)
    async with a.tx() as conn:
        t = await ticket(conn, a.id)
    appt = (await client.post("/api/v1/appointments", headers=a.headers, json={
        "ticket_id": str(t), "technician_id": str(mike), "start": NINE.isoformat(), "duration_minutes": 30})).json()
    r = await client.get("/api/v1/person-calendar", headers=a.headers,
                         params=q(local(2025, 11, 7), local(2025, 11, 8), technician_id=str(mike)))
    cells = r.json()
    assert len(cells) == 44  # 09:00-20:00 in 15-minute cells
    assert [(c["available"], c["appointment_id"]) for c in cells[:3]] == [
        (False, appt["id"]), (False, appt["id"]), (True, None)]


async def test_ticket_options_waitlist(client, factory):
    a, _ = await tenant_with_mike(factory)
    async with a.tx() as conn:
        t = await ticket(conn, a.id, category="Plumbing")
    r = await client.post(f"/api/v1/tickets/{t}/appointment-options", headers=a.headers)
    assert r.status_code == 200 and r.json()["waitlisted"] and r.json()["reason"] == "NO_SKILLED_TECHNICIAN"


async def test_other_tenant_gets_404(client, factory):
    a, mike = await tenant_with_mike(factory)
    b, _ = await tenant_with_mike(factory)
    async with a.tx() as conn:
        t = await ticket(conn, a.id)
    r = await client.get(f"/api/v1/technicians/{mike}/availability", headers=b.headers,
                         params=q(NINE, NINE + timedelta(hours=2)))
    booked = await client.post("/api/v1/appointments", headers=b.headers, json={
        "ticket_id": str(t), "technician_id": str(mike), "start": NINE.isoformat(), "duration_minutes": 60})
    token = await client.post(f"/api/v1/technicians/{mike}/calendar-token", headers=b.headers)
    assert [r.status_code, booked.status_code, token.status_code] == [404, 404, 404]


async def test_calendar_feed_in_local_time_and_revocable(client, factory):
    a, mike = await tenant_with_mike(factory)
    async with a.tx() as conn:
        t = await ticket(conn, a.id)
    await client.post("/api/v1/appointments", headers=a.headers, json={
        "ticket_id": str(t), "technician_id": str(mike), "start": NINE.isoformat(), "duration_minutes": 120})
    issued = (await client.post(f"/api/v1/technicians/{mike}/calendar-token", headers=a.headers)).json()
    feed = await client.get(f"/api/v1/technicians/{mike}/calendar.ics", params={"token": issued["token"]})
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert issued["url"].endswith(f"/api/v1/technicians/{mike}/calendar.ics?token={issued['token']}")
    cal = icalendar.Calendar.from_ical(feed.content)
    [event] = cal.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == NINE and start.tzinfo.key == TORONTO.key and (start.hour, start.minute) == (9, 0)
    assert event.decoded("dtend") == NINE + timedelta(hours=2) and "HVAC" in str(event["summary"])
    assert b"TZID=America/Toronto" in feed.content and cal.walk("VTIMEZONE")
    wrong = await client.get(f"/api/v1/technicians/{mike}/calendar.ics", params={"token": "cal_guess"})
    reissued = (await client.post(f"/api/v1/technicians/{mike}/calendar-token", headers=a.headers)).json()
    old = await client.get(f"/api/v1/technicians/{mike}/calendar.ics", params={"token": issued["token"]})
    revoked = await client.delete(f"/api/v1/technicians/{mike}/calendar-token", headers=a.headers)
    gone = await client.get(f"/api/v1/technicians/{mike}/calendar.ics", params={"token": reissued["token"]})
    assert [wrong.status_code, old.status_code, revoked.status_code, gone.status_code] == [404, 404, 204, 404]
