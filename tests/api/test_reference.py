"""Technicians, the catalog, the datalabels and the audit trail, over the demo tenant."""

import pytest

from fieldbook.demo import seed_demo

DEMO = {"Authorization": "Bearer demo-api-key"}


@pytest.fixture
async def demo(db):
    return await seed_demo(db, allowed_origins=["http://localhost:8000"])


async def test_technicians_by_skill(client, demo):
    r = await client.get("/api/v1/technicians", params={"skill": "HVAC"}, headers=DEMO)
    assert [t["name"] for t in r.json()["data"]] == ["Ana Souza", "Mike Chen"]
    r = await client.get("/api/v1/technicians", params={"skill": "plumbing"}, headers=DEMO)
    assert [t["name"] for t in r.json()["data"]] == ["Ana Souza", "Raj Patel"]
    assert len((await client.get("/api/v1/technicians", headers=DEMO)).json()["data"]) == 5
    r = await client.get("/api/v1/technicians", params={"skill": "Astrology"}, headers=DEMO)
    assert (r.status_code, r.json()["data"]) == (200, [])   # nobody has a skill the business does not offer
    mike = next(t for t in (await client.get("/api/v1/technicians", headers=DEMO)).json()["data"] if t["name"] == "Mike Chen")
    detail = (await client.get(f"/api/v1/technicians/{mike['id']}", headers=DEMO)).json()
    assert detail["skills"] == ["HVAC"]
    assert [(h["weekday"], h["starts"], h["ends"]) for h in detail["working_hours"]] == [
        (d, "09:00:00", "20:00:00") for d in range(1, 6)]


async def test_services_catalog(client, demo):
    data = (await client.get("/api/v1/services", headers=DEMO)).json()["data"]
    by_name = {s["name"]: s for s in data}
    assert by_name["Furnace repair (diagnostic visit)"]["pricing_type"] == "fixed"
    assert by_name["Furnace repair (diagnostic visit)"]["price"] == "149.00"
    assert (by_name["Outlet installation"]["pricing_type"], by_name["Outlet installation"]["unit_label"]) == (
        "per_unit", "outlet")
    assert by_name["Labour (hourly)"]["pricing_type"] == "flexible"
    hvac = (await client.get("/api/v1/services", params={"category": "HVAC"}, headers=DEMO)).json()["data"]
    assert {s["category"] for s in hvac} == {"HVAC"} and len(hvac) == 2


@pytest.mark.parametrize("path", ["/api/v1/datalabels/service_category", "/api/v1/datalabels/dl__service_category",
                                  "/api/v1/datalabel?name=dl__service_category"])
async def test_datalabels_categories(client, demo, path):
    data = (await client.get(path, headers=DEMO)).json()["data"]
    assert [d["name"] for d in data] == ["HVAC", "Plumbing", "Electrical", "Landscaping", "General Contracting"]
    assert all(d["descr"] and d["id"] for d in data)


async def test_datalabels_urgency_and_unknown(client, demo):
    data = (await client.get("/api/v1/datalabels/urgency_level", headers=DEMO)).json()["data"]
    assert [(d["name"], d["metadata"]["window_start_hours"], d["metadata"]["window_end_hours"]) for d in data] == [
        ("emergency", 0, 4), ("urgent", 4, 24), ("normal", 24, 72), ("scheduled", 168, None)]
    r = await client.get("/api/v1/datalabels/customer_tier", headers=DEMO)
    assert (r.status_code, r.json()["error"]["code"]) == (404, "UNKNOWN_DATALABEL")


async def test_demo_history_and_audit(client, demo):
    sarah = (await client.get("/api/v1/contacts", params={"phone": "416 555 9876"}, headers=DEMO)).json()["data"][0]
    tickets = (await client.get("/api/v1/tickets", params={"phone": "+14165559876"}, headers=DEMO)).json()["data"]
    assert [(t["status"], t["service_category"], t["contact_id"]) for t in tickets] == [("completed", "HVAC", sarah["id"])]
    r = await client.patch(f"/api/v1/tickets/{tickets[0]['id']}", json={"title": "x"}, headers=DEMO)
    assert r.json()["error"]["code"] == "TICKET_CLOSED"
    assert (await client.patch(f"/api/v1/contacts/{sarah['id']}", json={"name": "Sarah J."}, headers=DEMO)).status_code == 200
    trail = (await client.get(f"/api/v1/audit/contacts/{sarah['id']}", headers=DEMO)).json()["data"]
    assert [(e["action"], e["actor"]) for e in trail][0] == ("create", "demo-seed")
    assert trail[-1]["action"] == "update" and trail[-1]["actor"].startswith("apikey:")
    assert (trail[-1]["old_row"]["name"], trail[-1]["new_row"]["name"]) == ("Sarah Johnson", "Sarah J.")
    r = await client.get(f"/api/v1/audit/pg_roles/{sarah['id']}", headers=DEMO)
    assert (r.status_code, r.json()["error"]["code"]) == (422, "VALIDATION_ERROR")   # not in the document's enum
