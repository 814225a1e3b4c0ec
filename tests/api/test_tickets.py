import re

from domain.outbox.service import OutboxEvent


async def test_task_first_post_with_only_a_phone(client, factory):
    a = await factory.tenant()
    r = await client.post("/api/v1/tickets", headers=a.headers, json={
        "customer_phone": "(416) 555-0177", "service_category": "HVAC", "description": "Furnace off",
        "urgency_level": "emergency"})
    assert r.status_code == 201, r.text
    ticket = r.json()
    assert re.fullmatch(r"TASK-\d{5}", ticket["code"]) and ticket["code"] == "TASK-00001"
    assert ticket["contact_id"] is None and ticket["customer_phone"] == "+14165550177"
    assert (ticket["status"], ticket["urgency_level"], ticket["source_channel"]) == ("open", "emergency", "api")
    assert (await client.get("/api/v1/contacts", headers=a.headers)).json()["data"] == []
    async with a.tx() as conn:
        cur = await conn.execute("select id, event_type, entity_id, payload from outbox_events")
        events = [OutboxEvent(id=r[0], event_type=r[1], entity_id=r[2], payload=r[3]) for r in await cur.fetchall()]
    assert [(e.event_type, str(e.entity_id)) for e in events] == [("ticket.created", ticket["id"])]
    r = await client.get(f"/api/v1/audit/ticket/{ticket['id']}", headers=a.headers)
    assert [(x["action"], x["actor"].startswith("apikey:")) for x in r.json()["data"]] == [("create", True)]


async def test_unknown_category_and_bad_body(client, factory):
    a = await factory.tenant()
    cases = [({"customer_phone": "4165550177", "service_category": "Astrology"}, 404, "UNKNOWN_CATEGORY"),
             ({"customer_phone": "4165550177", "service_category": "HVAC", "urgency_level": "asap"}, 404,
              "UNKNOWN_URGENCY"),
             ({"customer_phone": "12", "service_category": "HVAC"}, 422, "VALIDATION_ERROR"),
             ({"customer_phone": "555", "service_category": "HVAC"}, 409, "INVALID_PHONE"),
             ({"service_category": "HVAC"}, 422, "VALIDATION_ERROR")]
    for body, status, code in cases:
        r = await client.post("/api/v1/tickets", json=body, headers=a.headers)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code)
    assert (await client.get("/api/v1/tickets", headers=a.headers)).json()["data"] == []
    async with a.tx() as conn:   # nothing half-done: no counter step, no event
        assert (await (await conn.execute("select count(*) from outbox_events")).fetchone())[0] == 0
    ok = await client.post("/api/v1/tickets", json={"customer_phone": "4165550177", "service_category": "HVAC"},
                           headers=a.headers)
    assert ok.json()["code"] == "TASK-00001"


async def test_lifecycle_over_patch(client, factory):
    a = await factory.tenant()
    c = (await client.post("/api/v1/contacts", json={"name": "Sam", "phone": "4165550188"}, headers=a.headers)).json()
    t = (await client.post("/api/v1/tickets", headers=a.headers, json={
        "customer_phone": "4165550188", "service_category": "plumbing", "description": "leak"})).json()
    assert t["contact_id"] == c["id"] and t["service_category"] == "Plumbing"
    url = f"/api/v1/tickets/{t['code']}"
    # a status is reached by its step, never by decree: the answer names the step
    for status, step in (("scheduled", "booking"), ("in_progress", "clock_in"), ("completed", "close_out")):
        r = await client.patch(url, json={"status": status, "description": "changed"}, headers=a.headers)
        assert (r.status_code, r.json()["error"]["step"]) == (409, step), r.text
    assert (await client.get(url, headers=a.headers)).json()["status"] == "open"
    r = await client.patch(url, json={"status": "cancelled"}, headers=a.headers)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert r.json()["closed_at"] is not None
    r = await client.patch(url, json={"description": "rewrite history"}, headers=a.headers)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "TICKET_CLOSED")
    assert (await client.delete(url, headers=a.headers)).status_code == 409
    assert (await client.get(url, headers=a.headers)).json()["description"] == "leak"


async def test_filters_notes_and_delete(client, factory):
    a = await factory.tenant()
    made = []
    for phone, category in (("4165550001", "HVAC"), ("4165550002", "Plumbing"), ("4165550001", "Electrical")):
        made.append((await client.post("/api/v1/tickets", headers=a.headers, json={
            "customer_phone": phone, "service_category": category})).json())
    by_phone = (await client.get("/api/v1/tickets", params={"phone": "416-555-0001"}, headers=a.headers)).json()["data"]
    assert sorted(t["code"] for t in by_phone) == sorted([made[0]["code"], made[2]["code"]])
    by_category = (await client.get("/api/v1/tickets", params={"category": "plumbing"}, headers=a.headers)).json()["data"]
    assert [t["id"] for t in by_category] == [made[1]["id"]]

    notes_url = f"/api/v1/tickets/{made[0]['id']}/notes"
    r = await client.post(notes_url, json={"content": "Dog named Biscuit"}, headers=a.headers)
    assert r.status_code == 201 and r.json()["author"].startswith("apikey:")
    assert (await client.post(notes_url, json={"content": ""}, headers=a.headers)).status_code == 422
    assert [n["content"] for n in (await client.get(notes_url, headers=a.headers)).json()["data"]] == ["Dog named Biscuit"]
    assert (await client.delete(f"/api/v1/notes/{r.json()['id']}", headers=a.headers)).status_code == 204
    assert (await client.get(notes_url, headers=a.headers)).json()["data"] == []

    assert (await client.delete(f"/api/v1/tickets/{made[1]['id']}", headers=a.headers)).status_code == 204
    assert (await client.get(f"/api/v1/tickets/{made[1]['id']}", headers=a.headers)).status_code == 404
    assert len((await client.get("/api/v1/tickets", headers=a.headers)).json()["data"]) == 2
    assert (await client.get("/api/v1/tickets/TASK-99999", headers=a.headers)).status_code == 404
