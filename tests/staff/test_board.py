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
    assigned = await client.post("/staff/board/assign", data={"csrf_token": csrf, "ticket_id": str(ticket),
                                                              "technician_id": str(demo.lisa_id)})
    assert assigned.status_code == 303
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        assert await fetch_value(conn, "select technician_id from tickets where id = %s", (ticket,)) == demo.lisa_id
