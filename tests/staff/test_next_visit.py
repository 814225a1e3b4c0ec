"""Close-out over the shared domains: the next visit is a real booking (or waits on the board), clocking
goes through the ticket lifecycle, and a task-first ticket gets its contact through the contacts area."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from domain.db import fetch_dicts, fetch_value, tenant_tx
from domain.scheduling.service import book
from domain.tenants.service import get_tenant
from tests.staff.helpers import SEED_NOTES, TORONTO, csrf_of, seed, signed_in

MIKE = "mike@demo.fieldbook.test"
NEXT_SLOT = re.compile(r'<option value="([0-9a-f-]{36})\|([^"]+)">([^<]+)</option>')


async def _to_step2(client, demo, csrf):
    base = f"/staff/tickets/{demo.ticket_id}"
    assert (await client.post(f"{base}/clock-in", data={"csrf_token": csrf})).status_code == 303
    step2 = await client.post(f"{base}/closeout", data={"csrf_token": csrf, "duration_minutes": "60",
                                                         "notes": SEED_NOTES})
    assert step2.status_code == 200
    return step2


async def _finalize(client, demo, step2, slot: str):
    return await client.post(f"/staff/tickets/{demo.ticket_id}/closeout/finalize", data={
        "csrf_token": csrf_of(step2.text), "next_service": "schedule_now", "next_slot": slot})


async def _follow_up(db, demo):
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        rows = await fetch_dicts(conn, """
            select t.id, t.code, t.status, t.technician_id, t.contact_id, a.starts_at, a.booked_by
              from tickets t left join appointments a on a.ticket_id = t.id and a.status = 'booked'
             where t.title like 'Next service after %%'""")
        status = await fetch_value(conn, "select status from tickets where id = %s", (demo.ticket_id,))
    assert status == "completed"   # whatever became of the next visit, the job itself is closed
    [row] = rows
    return row


async def test_next_visit_is_booked_with_the_same_technician(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    step2 = await _to_step2(client, demo, csrf)
    options = NEXT_SLOT.findall(step2.text)
    assert len(options) == 3 and options[0][0] == str(demo.mike_id) and "Fri 7 Nov 09:00 · Mike Chen" in options[0][2]
    done = await _finalize(client, demo, step2, f"{options[0][0]}|{options[0][1]}")
    assert done.status_code == 303 and "next_visit=booked&code=TASK-" in done.headers["location"]
    follow_up = await _follow_up(db, demo)
    assert follow_up["status"] == "scheduled" and follow_up["technician_id"] == demo.mike_id
    assert follow_up["starts_at"] == datetime(2025, 11, 7, 9, tzinfo=TORONTO)
    assert follow_up["booked_by"].startswith("staff:") and follow_up["contact_id"] is not None
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        events = await fetch_dicts(conn, "select event_type, payload from outbox_events where entity_id in "
                                         "(select id from appointments where ticket_id = %s)", (follow_up["id"],))
    assert [e["event_type"] for e in events] == ["appointment.booked"]
    assert events[0]["payload"]["ticket_code"] == follow_up["code"]
    page = await client.get(done.headers["location"])
    assert f"Next visit booked: {follow_up['code']}" in page.text


async def test_taken_time_leaves_the_next_visit_on_the_board(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    step2 = await _to_step2(client, demo, csrf)
    tech, start, _ = NEXT_SLOT.findall(step2.text)[0]
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:   # someone else books it meanwhile
        other = await fetch_value(conn, """insert into tickets (tenant_id, customer_phone, category, description)
            values (%s, '+14165550000', 'HVAC', 'AC check') returning id""", (demo.tenant_id,))
        await book(conn, tenant=await get_tenant(conn, demo.tenant_id), ticket_id=other, technician_id=tech,
                   start=datetime.fromisoformat(start), duration_minutes=60, now=clock.now(), booked_by="test")
    done = await _finalize(client, demo, step2, f"{tech}|{start}")
    assert done.status_code == 303 and "next_visit=waiting" in done.headers["location"]
    follow_up = await _follow_up(db, demo)
    assert follow_up["status"] == "open" and follow_up["starts_at"] is None
    client.cookies.clear()
    await signed_in(client, db, tenant_id=demo.tenant_id, email="jamie@demo.fieldbook.test", now=clock.now())
    board = await client.get("/staff/board", params={"day": "2025-11-07"})
    assert f"{follow_up['code']} · HVAC" in board.text


async def test_no_time_yet_creates_an_open_follow_up(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    done = await _finalize(client, demo, await _to_step2(client, demo, csrf), "")
    assert done.status_code == 303 and "next_visit=waiting" in done.headers["location"]
    assert (await _follow_up(db, demo))["status"] == "open"


async def test_forged_slot_is_refused_and_nothing_changes(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    step2 = await _to_step2(client, demo, csrf)
    bad = await _finalize(client, demo, step2, f"{demo.mike_id}|2025-11-07T09:05:00-05:00")
    assert bad.status_code == 422 and "OFF_GRID" in bad.text
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        assert await fetch_value(conn, "select status from tickets where id = %s", (demo.ticket_id,)) == "in_progress"
        assert await fetch_value(conn, "select count(*) from tickets") == 2   # the demo's March job and this one
        assert await fetch_value(conn, "select count(*) from invoices") == 0


async def test_clocking_goes_through_the_lifecycle(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        await conn.execute("update tickets set status = 'open' where id = %s", (demo.ticket_id,))
    refused = await client.post(f"/staff/tickets/{demo.ticket_id}/clock-in", data={"csrf_token": csrf})
    assert refused.status_code == 409 and "INVALID_TRANSITION" in refused.text
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        await conn.execute("update tickets set status = 'scheduled' where id = %s", (demo.ticket_id,))
    assert (await client.post(f"/staff/tickets/{demo.ticket_id}/clock-in", data={"csrf_token": csrf})).status_code == 303
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        events = await fetch_dicts(conn, "select payload from outbox_events where event_type = 'ticket.status_changed' "
                                         "and entity_id = %s", (demo.ticket_id,))
    assert [(e["payload"]["from"], e["payload"]["to"]) for e in events] == [("scheduled", "in_progress")]


async def test_task_first_ticket_gets_its_contact_at_closeout(db, client, clock):
    demo = await seed(db)
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        await conn.execute("update tickets set contact_id = null, customer_phone = '+14165550123', "
                           "customer_name = 'New Customer' where id = %s", (demo.ticket_id,))
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    step2 = await _to_step2(client, demo, csrf)
    done = await client.post(f"/staff/tickets/{demo.ticket_id}/closeout/finalize", data={
        "csrf_token": csrf_of(step2.text), "attr-0-keep": "on", "attr-0-key": "gate_code", "attr-0-value": "4411"})
    assert done.status_code == 303
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        contact = (await fetch_dicts(conn, "select id, name, source from contacts where phone = '+14165550123'"))[0]
        linked = await fetch_value(conn, "select contact_id from tickets where id = %s", (demo.ticket_id,))
        attribute = await fetch_dicts(conn, "select contact_id, value from attributes where key = 'gate_code'")
        created = await fetch_value(conn, "select count(*) from outbox_events where event_type = 'contact.created' "
                                          "and entity_id = %s", (contact["id"],))
    assert (contact["name"], contact["source"]) == ("New Customer", "staff") and linked == contact["id"]
    assert attribute == [{"contact_id": contact["id"], "value": "4411"}] and created == 1
