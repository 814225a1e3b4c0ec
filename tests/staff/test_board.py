"""The dispatcher's board: grid colours, booking an unassigned ticket into a free cell, assigning."""

from __future__ import annotations

from domain.db import fetch_dicts, fetch_value, tenant_tx
from tests.staff.helpers import seed, signed_in

JAMIE = "jamie@demo.fieldbook.test"


async def _unassigned(db, tenant_id, category="Landscaping"):
    async with tenant_tx(db.app_pool, tenant_id, "test") as conn:
        return await fetch_value(conn, """
            insert into tickets (tenant_id, customer_phone, category, description)
            values (%s, '+14165550000', %s, 'Trim the hedges') returning id""", (tenant_id, category))


async def test_book_unassigned_ticket_into_free_cell(db, client, clock):
    demo = await seed(db)
    ticket = await _unassigned(db, demo.tenant_id)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    board = await client.get("/staff/board", params={"day": "2025-11-06"})
    assert "Trim the hedges" in board.text and board.text.count('<td class="cell booked"') == 8  # Mike 10:00-12:00
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        tom = await fetch_value(conn, "select id from technicians where name = 'Tom Becker'")
    slot = f"{tom}|2025-11-06T14:00:00-05:00"
    assert f'value="{slot}"' in board.text
    booked = await client.post("/staff/board/book", data={"csrf_token": csrf, "ticket_id": str(ticket),
                                                          "slot": slot, "minutes": "60"})
    assert booked.status_code == 303
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        rows = await fetch_dicts(conn, "select t.status, a.technician_id from tickets t join appointments a "
                                       "on a.ticket_id = t.id where t.id = %s", (ticket,))
    assert rows == [{"status": "scheduled", "technician_id": tom}]
    board = await client.get("/staff/board", params={"day": "2025-11-06"})
    assert f'value="{slot}"' not in board.text and board.text.count('<td class="cell booked"') == 12


async def test_taken_slot_is_refused(db, client, clock):
    demo = await seed(db)
    ticket = await _unassigned(db, demo.tenant_id, "HVAC")
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    taken = await client.post("/staff/board/book", data={
        "csrf_token": csrf, "ticket_id": str(ticket), "slot": f"{demo.mike_id}|2025-11-06T11:00:00-05:00"})
    assert taken.status_code == 409 and "SLOT_TAKEN" in taken.text
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        assert await fetch_value(conn, "select status from tickets where id = %s", (ticket,)) == "open"


async def test_week_view_and_assign(db, client, clock):
    demo = await seed(db)
    ticket = await _unassigned(db, demo.tenant_id)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    week = await client.get("/staff/board", params={"day": "2025-11-06", "view": "week"})
    assert week.status_code == 200 and "Week of 3 November 2025" in week.text and "10:00 TASK-" in week.text
    # Lisa does electrical work only: the board checks the skill like every other surface
    refused = await client.post("/staff/board/assign", data={"csrf_token": csrf, "ticket_id": str(ticket),
                                                             "technician_id": str(demo.lisa_id)})
    assert refused.status_code == 409 and "TECHNICIAN_NOT_QUALIFIED" in refused.text
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        tom = await fetch_value(conn, "select id from technicians where name = 'Tom Becker'")
    assigned = await client.post("/staff/board/assign", data={"csrf_token": csrf, "ticket_id": str(ticket),
                                                              "technician_id": str(tom)})
    assert assigned.status_code == 303
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        assert await fetch_value(conn, "select technician_id from tickets where id = %s", (ticket,)) == tom


async def test_booking_goes_through_scheduling(db, client, clock):
    demo = await seed(db)
    ticket = await _unassigned(db, demo.tenant_id)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        tom = await fetch_value(conn, "select id from technicians where name = 'Tom Becker'")
    for slot, minutes, code in ((f"{tom}|2025-11-06T14:05:00-05:00", "60", "OFF_GRID"),
                                (f"{tom}|2025-11-06T14:00:00-05:00", "20", "VALIDATION_ERROR"),
                                (f"{tom}|2025-11-06T14:00:00", "60", "VALIDATION_ERROR"),        # no offset
                                (f"{tom}|2025-11-06T08:00:00-05:00", "60", "START_IN_PAST"),
                                (f"{demo.lisa_id}|2025-11-06T14:00:00-05:00", "60", "TECHNICIAN_NOT_QUALIFIED")):
        refused = await client.post("/staff/board/book", data={"csrf_token": csrf, "ticket_id": str(ticket),
                                                               "slot": slot, "minutes": minutes})
        assert refused.status_code == 422 and code in refused.text, (slot, minutes)
    booked = await client.post("/staff/board/book", data={"csrf_token": csrf, "ticket_id": str(ticket),
                                                          "slot": f"{tom}|2025-11-06T14:00:00-05:00", "minutes": "90"})
    assert booked.status_code == 303
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        [event] = await fetch_dicts(conn, "select payload from outbox_events where event_type = 'appointment.booked'")
        booked_by = await fetch_value(conn, "select booked_by from appointments where ticket_id = %s", (ticket,))
    assert event["payload"]["ticket_id"] == str(ticket) and event["payload"]["end"].startswith("2025-11-06T20:30")
    assert booked_by.startswith("staff:")
    again = await client.post("/staff/board/book", data={"csrf_token": csrf, "ticket_id": str(ticket),
                                                         "slot": f"{tom}|2025-11-06T17:00:00-05:00"})
    assert again.status_code == 409 and "TICKET_ALREADY_BOOKED" in again.text


async def test_taken_slot_offers_alternatives(db, client, clock):
    demo = await seed(db)
    ticket = await _unassigned(db, demo.tenant_id, "HVAC")
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    taken = await client.post("/staff/board/book", data={
        "csrf_token": csrf, "ticket_id": str(ticket), "slot": f"{demo.mike_id}|2025-11-06T11:00:00-05:00"})
    assert taken.status_code == 409 and 'id="alternatives"' in taken.text
    assert "<li>Thu 6 Nov 11:00 · Ana Souza</li>" in taken.text   # the other HVAC technician, in Toronto time


async def test_cells_follow_the_scheduling_calendar(db, client, clock):
    from datetime import datetime, time, timedelta
    from domain.technicians.models import WorkingSpan
    from domain.technicians.service import set_working_hours
    from tests.staff.helpers import TORONTO
    demo = await seed(db)
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        tom = await fetch_value(conn, "select id from technicians where name = 'Tom Becker'")
        await set_working_hours(conn, tenant_id=demo.tenant_id, technician_id=tom,
                                spans=[WorkingSpan(weekday=5, starts=time(7), ends=time(12))])
        off = datetime(2025, 11, 7, 10, tzinfo=TORONTO)
        await conn.execute("insert into time_off (tenant_id, technician_id, during) values (%s, %s, tstzrange(%s, %s))",
                           (demo.tenant_id, tom, off, off + timedelta(hours=1)))
    await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    friday = (await client.get("/staff/board", params={"day": "2025-11-07"})).text
    free = lambda tech, hhmm: f'value="{tech}|2025-11-07T{hhmm}:00-05:00"' in friday  # noqa: E731
    assert "<th>07:00</th>" in friday and free(tom, "07:00") and free(tom, "11:45")
    assert not free(tom, "10:00") and not free(tom, "10:45") and not free(tom, "12:00")   # time off, then gone home
    assert free(demo.mike_id, "12:00") and not free(demo.mike_id, "08:00")
    today = (await client.get("/staff/board", params={"day": "2025-11-06"})).text
    # the clock started at 09:30 and runs: a cell that has begun is no longer bookable
    assert f'value="{demo.lisa_id}|2025-11-06T09:30:00-05:00"' not in today
    assert f'value="{demo.lisa_id}|2025-11-06T09:45:00-05:00"' in today
