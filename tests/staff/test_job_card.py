"""The job card and the technician's days: reaching the customer, "on my way", what to know before knocking,
yesterday / today / tomorrow / week."""

from __future__ import annotations

from datetime import datetime

from domain.db import fetch_dicts, tenant_tx
from tests.staff.helpers import TORONTO, seed, seed_job, signed_in

MIKE = "mike@demo.fieldbook.test"


async def test_card_shows_how_to_reach_and_what_to_know(db, client, clock):
    demo = await seed(db)
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        await conn.execute("update addresses set notes = 'Side door; the bell is broken'")
        await conn.execute("""insert into equipment (tenant_id, contact_id, type, make, model, install_year, location)
                              select tenant_id, id, 'furnace', 'Lennox', 'ML180', 2012, 'basement' from contacts""")
    await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    page = (await client.get(f"/staff/tickets/{demo.ticket_id}")).text
    assert 'href="tel:+14165559876"' in page and 'href="sms:+14165559876"' in page
    assert 'id="on-my-way"' in page and "Side door; the bell is broken" in page
    assert "Lennox furnace ML180 (2012), basement" in page
    assert 'id="earlier-notes"' in page and "cleaned flame sensor" in page.lower()   # the March visit's notes
    assert page.count("Furnace not heating") == 1                                    # the title, once


async def test_on_my_way_texts_the_eta_unless_opted_out(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    sent = await client.post(f"/staff/tickets/{demo.ticket_id}/on-my-way", data={"csrf_token": csrf, "eta_minutes": "20"})
    assert sent.status_code == 303 and sent.headers["location"].endswith("?sent=on-my-way")
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        [message] = await fetch_dicts(conn, "select * from scheduled_messages where message_type = 'on_my_way'")
        await conn.execute("insert into sms_opt_outs (tenant_id, phone) values (%s, '+14165559876')",
                           (demo.tenant_id,))
    assert message["to_address"] == "+14165559876" and message["urgent"]
    assert message["payload"] == {"technician_name": "Mike", "eta_minutes": 20, "ticket_code": message["payload"]["ticket_code"]}
    refused = await client.post(f"/staff/tickets/{demo.ticket_id}/on-my-way",
                                data={"csrf_token": csrf, "eta_minutes": "20"})
    assert refused.status_code == 409 and "OPTED_OUT" in refused.text
    bad = await client.post(f"/staff/tickets/{demo.ticket_id}/on-my-way", data={"csrf_token": csrf, "eta_minutes": "x"})
    assert bad.status_code == 422


async def test_another_technician_cannot_text_for_the_job(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email="lisa@demo.fieldbook.test", now=clock.now())
    r = await client.post(f"/staff/tickets/{demo.ticket_id}/on-my-way", data={"csrf_token": csrf, "eta_minutes": "20"})
    assert r.status_code == 404


async def test_yesterday_today_tomorrow_and_week(db, client, clock):
    demo = await seed(db)
    await seed_job(db, tenant_id=demo.tenant_id, start=datetime(2025, 11, 7, 14, 0, tzinfo=TORONTO))
    await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    today = (await client.get("/staff/day")).text
    assert 'id="tomorrow"' in today and 'href="/staff/day?date=2025-11-07"' in today and "10:00" in today
    assert 'href="/staff/day?date=2025-11-05"' in today and "14:00" not in today
    tomorrow = (await client.get("/staff/day?date=2025-11-07")).text
    assert "Friday 7 November" in tomorrow and "14:00" in tomorrow and "10:00" not in tomorrow
    week = (await client.get("/staff/day?date=2025-11-06&view=week")).text
    assert "Monday 3 November" in week and "Sunday 9 November" in week
    assert "10:00" in week and "14:00" in week


async def test_completed_job_shows_its_close_out_notes(db, client, clock):
    demo = await seed(db)
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        await conn.execute("""update tickets set status = 'completed', closed_at = now(), clock_in_at = now(),
                              clock_out_at = now(), closeout_notes = 'Replaced the igniter.' where id = %s""",
                           (demo.ticket_id,))
    await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    page = (await client.get(f"/staff/tickets/{demo.ticket_id}")).text
    assert 'id="closeout-notes"' in page and "Replaced the igniter." in page and 'id="on-my-way"' not in page
