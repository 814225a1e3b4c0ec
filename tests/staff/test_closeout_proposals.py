"""Close-out step 2 proposes what the notes say about the customer's equipment and the next service; the
technician confirms, corrects or drops each, and only what was kept is saved."""

from __future__ import annotations

from domain.db import fetch_dicts, tenant_tx
from tests.staff.helpers import csrf_of, seed, signed_in

MIKE = "mike@demo.fieldbook.test"
NOTES = ("Replaced the flame sensor on the Lennox furnace (model ML180, installed 2012). Customer has a golden "
         "retriever named Max. Recommend a full tune-up in 6 months.")


async def _step2(client, db, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    base = f"/staff/tickets/{demo.ticket_id}"
    await client.post(f"{base}/clock-in", data={"csrf_token": csrf})
    step2 = await client.post(f"{base}/closeout", data={"csrf_token": csrf, "duration_minutes": "45", "notes": NOTES})
    assert step2.status_code == 200
    return demo, base, step2


async def test_equipment_and_follow_up_are_proposed_and_saved(db, client, clock):
    demo, base, step2 = await _step2(client, db, clock)
    page = step2.text
    assert 'name="equip-0-make" value="Lennox"' in page and 'name="equip-0-model" value="ML180"' in page
    assert 'name="equip-0-install_year" value="2012"' in page
    assert 'id="follow-up-found"' in page and "full tune-up in 6 months" in page
    assert 'value="reach_out" id="reach-out" checked' in page and 'id="months"' in page
    assert 'data-key="equipment"' not in page and 'data-key="follow_up"' not in page   # not contact attributes
    form = {"csrf_token": csrf_of(page), "next_service": "reach_out", "months": "6",
            "follow_up_service": "full tune-up", "attr-0-keep": "on", "attr-0-key": "pet",
            "attr-0-value": "type: dog, name: Max",
            "equip-0-keep": "on", "equip-0-type": "furnace", "equip-0-make": "Lennox", "equip-0-model": "ML180",
            "equip-0-install_year": "2012", "equip-0-location": "basement",
            "equip-1-type": "water heater", "equip-1-make": "Rheem"}          # not ticked: not saved
    done = await client.post(f"{base}/closeout/finalize", data=form)
    assert done.status_code == 303, done.text
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        equipment = await fetch_dicts(conn, "select type, make, model, install_year, location, source_ticket_id "
                                            "from equipment")
        reminder = await fetch_dicts(conn, "select payload, scheduled_for from scheduled_messages "
                                           "where message_type = 'service_reminder'")
        attributes = {r["key"] for r in await fetch_dicts(conn, "select key from attributes")}
    assert equipment == [{"type": "furnace", "make": "Lennox", "model": "ML180", "install_year": 2012,
                          "location": "basement", "source_ticket_id": demo.ticket_id}]
    assert reminder[0]["payload"]["service"] == "full tune-up" and reminder[0]["scheduled_for"].month == 5
    assert attributes == {"pet"}


async def test_a_bad_year_refuses_the_whole_close_out(db, client, clock):
    demo, base, step2 = await _step2(client, db, clock)
    bad = await client.post(f"{base}/closeout/finalize", data={
        "csrf_token": csrf_of(step2.text), "equip-0-keep": "on", "equip-0-type": "furnace",
        "equip-0-install_year": "12"})
    assert bad.status_code == 422
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        assert await fetch_dicts(conn, "select id from equipment where source_ticket_id = %s",
                                 (demo.ticket_id,)) == []
        [ticket] = await fetch_dicts(conn, "select closed_at from tickets where id = %s", (demo.ticket_id,))
    assert ticket["closed_at"] is None
