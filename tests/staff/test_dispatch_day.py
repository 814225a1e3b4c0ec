"""The dispatcher's day over the staff pages: phone-in to booking, move a visit, cancel with a reason, the
kanban and its filters, the ticket page's dispatch panel."""

from __future__ import annotations

import re

from domain.db import fetch_dicts, fetch_value, tenant_tx
from tests.staff.helpers import csrf_of, seed, signed_in

JAMIE = "jamie@demo.fieldbook.test"


async def _rows(db, tenant_id, query, *params):
    async with tenant_tx(db.app_pool, tenant_id, "test") as conn:
        return await fetch_dicts(conn, query, params)


async def test_phone_in_from_number_to_booked_visit(db, client, clock):
    demo = await seed(db)
    await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    returning = await client.get("/staff/phone-in", params={"phone": "416-555-9876"})
    assert "Returning customer" in returning.text and "Sarah Johnson" in returning.text
    assert "456 Oak Avenue" in returning.text and "Open requests" in returning.text
    new = await client.get("/staff/phone-in", params={"phone": "416 555 0142"})
    assert "New caller" in new.text
    saved = await client.post("/staff/phone-in", data={
        "csrf_token": csrf_of(new.text), "phone": "+14165550142", "name": "Dana Lee", "address": "new",
        "line1": "12 Elm St", "city": "Toronto", "category": "Plumbing", "urgency": "urgent", "minutes": "90",
        "description": "Leaking pipe under the sink"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("/times")
    times = await client.get(saved.headers["location"])
    options = re.findall(r'name="option" value="([^"]+)"', times.text)
    assert options and "Booking texts the customer a confirmation" in times.text
    booked = await client.post(saved.headers["location"].replace("/times", "/book"),
                               data={"csrf_token": csrf_of(times.text), "option": options[0], "minutes": "90"})
    assert booked.status_code == 303
    [row] = await _rows(db, demo.tenant_id, """
        select t.status, t.customer_name, t.service_address, c.name as contact, a.status as visit,
               upper(a.during) - lower(a.during) as length,
               (select count(*) from scheduled_messages m where m.ticket_id = t.id
                 and m.message_type = 'appointment_confirmation') as confirmations
          from tickets t join contacts c on c.id = t.contact_id join appointments a on a.ticket_id = t.id
         where t.customer_phone = '+14165550142'""")
    assert (row["status"], row["contact"], row["service_address"], row["visit"]) == (
        "scheduled", "Dana Lee", "12 Elm St, Toronto", "booked")
    assert row["length"].total_seconds() == 90 * 60 and row["confirmations"] == 1


async def test_refused_phone_in_saves_nothing(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    before = await _rows(db, demo.tenant_id, "select count(*) as n from tickets")
    for form in ({"phone": "+14165550142", "category": "Plumbing", "description": ""},
                 {"phone": "+14165550142", "category": "Astrology", "description": "Leak", "name": "Dana"},
                 {"phone": "+14165550142", "category": "Plumbing", "description": "Leak", "name": "Dana",
                  "address": "not-an-id"}):
        refused = await client.post("/staff/phone-in", data={"csrf_token": csrf} | form)
        assert refused.status_code in (404, 422), (form, refused.status_code)
    assert await _rows(db, demo.tenant_id, "select count(*) as n from tickets") == before
    assert await _rows(db, demo.tenant_id, "select count(*) as n from contacts where name = 'Dana'") == [{"n": 0}]


async def test_move_a_visit_by_pressing_another_cell(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    appointment = (await _rows(db, demo.tenant_id, "select id from appointments where status = 'booked'"))[0]["id"]
    board = await client.get("/staff/board", params={"day": "2025-11-06"})
    assert f"move={appointment}" in board.text and "Sarah Johnson · HVAC" in board.text
    moving = await client.get("/staff/board", params={"day": "2025-11-06", "move": str(appointment)})
    assert 'action="/staff/board/move"' in moving.text and "Moving TASK-" in moving.text
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        ana = await fetch_value(conn, "select id from technicians where name = 'Ana Souza'")
    moved = await client.post("/staff/board/move", data={"csrf_token": csrf, "appointment_id": str(appointment),
                                                         "slot": f"{ana}|2025-11-06T15:00:00-05:00"})
    assert moved.status_code == 303
    [row] = await _rows(db, demo.tenant_id, """
        select a.technician_id, lower(a.during) as start, t.technician_id as ticket_technician
          from appointments a join tickets t on t.id = a.ticket_id where a.id = %s""", appointment)
    assert row["technician_id"] == ana == row["ticket_technician"] and row["start"].hour == 20   # 15:00 EST in UTC
    taken = await client.post("/staff/board/move", data={"csrf_token": csrf, "appointment_id": str(appointment),
                                                         "slot": f"{demo.lisa_id}|2025-11-06T15:00:00-05:00"})
    assert "TECHNICIAN_NOT_QUALIFIED" in taken.text     # scheduling's own check (its status is scheduling's)
    assert await _rows(db, demo.tenant_id, "select technician_id from appointments where id = %s", appointment) \
        == [{"technician_id": ana}]


async def test_cancel_with_a_reason_on_the_ticket_page(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    page = await client.get(f"/staff/tickets/{demo.ticket_id}")
    assert 'id="dispatch"' in page.text and "Cancelling is final" in page.text and "Ana Souza" in page.text
    assign = page.text.split('id="assign-technician"')[1].split("</select>")[0]
    assert "Ana Souza" in assign and "Lisa Wong" not in assign         # only skilled technicians are offered
    empty = await client.post(f"/staff/tickets/{demo.ticket_id}/cancel", data={"csrf_token": csrf, "reason": " "})
    assert empty.status_code == 422
    done = await client.post(f"/staff/tickets/{demo.ticket_id}/cancel",
                             data={"csrf_token": csrf, "reason": "Customer fixed it"})
    assert done.status_code == 303
    [row] = await _rows(db, demo.tenant_id, """
        select t.status, t.cancellation_reason, a.status as visit from tickets t join appointments a
            on a.ticket_id = t.id where t.id = %s""", demo.ticket_id)
    assert row == {"status": "cancelled", "cancellation_reason": "Customer fixed it", "visit": "cancelled"}
    assert "Cancelled: Customer fixed it" in (await client.get(f"/staff/tickets/{demo.ticket_id}")).text


async def test_kanban_lanes_filters_and_marks(db, client, clock):
    demo = await seed(db)
    await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        await conn.execute("""
            insert into tickets (tenant_id, customer_phone, category, urgency, description, status, waitlisted)
            values (%(t)s, '+14165550001', 'Plumbing', 'emergency', 'Burst pipe', 'open', false),
                   (%(t)s, '+14165550002', 'Landscaping', 'normal', 'Hedges', 'open', true)""",
            {"t": demo.tenant_id})
    board = await client.get("/staff/tickets")
    lanes = {name: board.text.split(f'id="lane-{name}"')[1].split("</section>")[0]
             for name in ("open", "waitlisted", "scheduled", "in_progress", "completed")}
    assert "Burst pipe" in lanes["open"] and "Hedges" in lanes["waitlisted"]
    assert "Sarah Johnson" in lanes["scheduled"] and "Mike Chen" in lanes["scheduled"]
    assert 'class="ticket-card open emergency"' in lanes["open"] and ">Emergency<" in lanes["open"]
    assert "✓" in lanes["completed"]               # Sarah's March furnace job, completed
    assert "needs a technician within 4 hours" in board.text     # the legend is on screen
    emergencies = await client.get("/staff/tickets", params={"urgency": "emergency"})
    assert "Burst pipe" in emergencies.text and "Hedges" not in emergencies.text
    hvac = await client.get("/staff/tickets", params={"category": "HVAC", "view": "list", "technician": str(demo.mike_id)})
    assert 'id="ticket-list"' in hvac.text and "Sarah Johnson" in hvac.text and "Burst pipe" not in hvac.text
    code = re.search(r"TASK-\d{5}", lanes["open"]).group(0)
    found = await client.get(f"/staff/tickets/by-code/{code}")
    assert found.status_code == 303 and found.headers["location"].startswith("/staff/tickets/")
