"""The owner's REST contracts: technicians, hours, time off, closures, categories, services, settings,
staff and API keys; each change visible to the very next request."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.db import fetch_dicts, tenant_tx

TORONTO = ZoneInfo("America/Toronto")
WEEK = [{"weekday": d, "starts": "09:00", "ends": "17:00"} for d in range(1, 6)]


@pytest.fixture
async def owner(factory):
    return await factory.tenant(timezone="America/Toronto")


async def _options(client, owner, day: datetime, category="Plumbing") -> list[dict]:
    r = await client.get("/api/v1/availability", headers=owner.headers, params={
        "category": category, "from": day.isoformat(), "to": (day + timedelta(days=1)).isoformat(), "limit": 20})
    assert r.status_code == 200, r.text
    return r.json()


class TestTechnicians:
    async def test_create_patch_hours(self, client, owner):
        r = await client.post("/api/v1/technicians", headers=owner.headers, json={
            "name": "Dana Reyes", "phone": "(416) 555-0199", "email": "dana@example.test", "skills": ["Plumbing"],
            "color": "#aa3366", "working_hours": WEEK})
        assert r.status_code == 201, r.text
        tech = r.json()
        assert (tech["phone"], tech["skills"], len(tech["working_hours"])) == ("+14165550199", ["Plumbing"], 5)
        r = await client.patch(f"/api/v1/technicians/{tech['id']}", headers=owner.headers,
                               json={"skills": ["Plumbing", "HVAC"], "name": "Dana R."})
        assert (r.status_code, r.json()["skills"], r.json()["name"]) == (200, ["Plumbing", "HVAC"], "Dana R.")
        split_day = [{"weekday": 1, "starts": "08:00", "ends": "12:00"}, {"weekday": 1, "starts": "13:00", "ends": "17:00"}]
        r = await client.put(f"/api/v1/technicians/{tech['id']}/working-hours", headers=owner.headers, json=split_day)
        assert r.status_code == 200
        assert [(h["weekday"], h["starts"], h["ends"]) for h in r.json()] == [
            (1, "08:00:00", "12:00:00"), (1, "13:00:00", "17:00:00")]

    async def test_bad_input_names_the_field(self, client, owner):
        r = await client.post("/api/v1/technicians", headers=owner.headers, json={"name": "X", "skills": ["Astrology"]})
        assert (r.status_code, r.json()["error"]["code"]) == (404, "UNKNOWN_CATEGORY")
        r = await client.post("/api/v1/technicians", headers=owner.headers, json={"name": "X", "phone": "12"})
        assert r.status_code == 422 and "phone" in r.json()["error"]["message"]
        r = await client.post("/api/v1/technicians", headers=owner.headers, json={"name": "X", "working_hours": [
            {"weekday": 8, "starts": "09:00", "ends": "17:00"}]})
        assert r.status_code == 422 and "weekday" in r.json()["error"]["message"]
        async with owner.tx() as conn:   # nothing half-made
            assert await fetch_dicts(conn, "select name from technicians") == []

    async def test_deactivated_and_sick_technician_stop_being_offered(self, client, owner):
        tech = (await client.post("/api/v1/technicians", headers=owner.headers, json={
            "name": "Dana Reyes", "skills": ["Plumbing"], "working_hours": WEEK})).json()
        friday = datetime(2025, 11, 7, tzinfo=TORONTO)
        assert len(await _options(client, owner, friday)) > 0
        r = await client.post(f"/api/v1/technicians/{tech['id']}/time-off", headers=owner.headers, json={
            "start": "2025-11-07T00:00:00-05:00", "end": "2025-11-08T00:00:00-05:00", "reason": "sick"})
        assert r.status_code == 201 and r.json()["id"]
        assert await _options(client, owner, friday) == []
        listed = (await client.get(f"/api/v1/technicians/{tech['id']}/time-off", headers=owner.headers)).json()
        assert [t["reason"] for t in listed] == ["sick"]
        r = await client.delete(f"/api/v1/technicians/{tech['id']}/time-off/{listed[0]['id']}", headers=owner.headers)
        assert r.status_code == 204
        assert len(await _options(client, owner, friday)) > 0
        await client.patch(f"/api/v1/technicians/{tech['id']}", headers=owner.headers, json={"active": False})
        assert await _options(client, owner, friday) == []

    async def test_time_off_needs_aware_times_in_order(self, client, owner):
        tech = (await client.post("/api/v1/technicians", headers=owner.headers, json={"name": "D"})).json()
        for body in ({"start": "2025-11-07T10:00:00", "end": "2025-11-07T12:00:00"},
                     {"start": "2025-11-07T12:00:00-05:00", "end": "2025-11-07T10:00:00-05:00"}):
            r = await client.post(f"/api/v1/technicians/{tech['id']}/time-off", headers=owner.headers, json=body)
            assert r.status_code == 422


class TestClosures:
    async def test_a_closure_empties_the_day_for_everyone(self, client, owner):
        await client.post("/api/v1/technicians", headers=owner.headers, json={
            "name": "Dana Reyes", "skills": ["Plumbing"], "working_hours": WEEK})
        friday = datetime(2025, 11, 7, tzinfo=TORONTO)
        r = await client.post("/api/v1/closures", headers=owner.headers, json={"date": "2025-11-07", "reason": "Holiday"})
        assert r.status_code == 201 and r.json()["date"] == "2025-11-07"
        assert await _options(client, owner, friday) == []
        monday = datetime(2025, 11, 10, tzinfo=TORONTO)
        assert len(await _options(client, owner, monday)) > 0
        again = await client.post("/api/v1/closures", headers=owner.headers, json={"date": "2025-11-07"})
        assert (again.status_code, again.json()["error"]["code"]) == (409, "DUPLICATE_CLOSURE")
        assert [c["date"] for c in (await client.get("/api/v1/closures", headers=owner.headers)).json()] == ["2025-11-07"]
        assert (await client.delete(f"/api/v1/closures/{r.json()['id']}", headers=owner.headers)).status_code == 204
        assert len(await _options(client, owner, friday)) > 0


class TestCatalog:
    async def test_categories_and_synonyms(self, client, owner):
        r = await client.post("/api/v1/categories", headers=owner.headers,
                              json={"key": "Pools", "name": "Pool care", "synonyms": ["Hot Tub", " pool  pump ", "hot tub"]})
        assert r.status_code == 201 and r.json()["synonyms"] == ["hot tub", "pool pump"]
        r = await client.patch("/api/v1/categories/Pools", headers=owner.headers, json={"synonyms": ["spa", "hot tub"]})
        assert r.json()["synonyms"] == ["spa", "hot tub"]
        r = await client.get("/api/v1/categories", headers=owner.headers)
        assert "Pools" in [c["key"] for c in r.json()["data"]]
        r = await client.post("/api/v1/categories", headers=owner.headers, json={"key": "Pools", "name": "Again"})
        assert (r.status_code, r.json()["error"]["code"]) == (409, "DUPLICATE_CATEGORY")
        r = await client.patch("/api/v1/categories/Nope", headers=owner.headers, json={"name": "x"})
        assert r.status_code == 404

    async def test_services(self, client, owner):
        r = await client.post("/api/v1/services", headers=owner.headers, json={
            "name": "Drain cleaning", "category": "Plumbing", "pricing_type": "fixed", "price": "129.00",
            "default_duration_minutes": 90})
        assert r.status_code == 201, r.text
        sid = r.json()["id"]
        r = await client.patch(f"/api/v1/services/{sid}", headers=owner.headers, json={"pricing_type": "per_unit"})
        assert r.status_code == 422 and "unit" in r.json()["error"]["message"]
        r = await client.patch(f"/api/v1/services/{sid}", headers=owner.headers,
                               json={"pricing_type": "per_unit", "unit_price": "40", "unit_label": "drain"})
        assert (r.status_code, r.json()["unit_label"], r.json()["price"]) == (200, "drain", "129.00")
        assert (await client.delete(f"/api/v1/services/{sid}", headers=owner.headers)).status_code == 204
        assert (await client.get(f"/api/v1/services/{sid}", headers=owner.headers)).status_code == 404


class TestSettings:
    async def test_get_and_patch(self, client, owner):
        r = await client.get("/api/v1/settings", headers=owner.headers)
        assert r.json()["timezone"] == "America/Toronto" and r.json()["widget_public_key"] == owner.tenant.widget_public_key
        r = await client.patch("/api/v1/settings", headers=owner.headers, json={
            "name": "Birch Plumbing", "business_hours": {"mon": [["08:00", "12:00"], ["13:00", "18:00"]]},
            "widget_allowed_origins": ["HTTPS://Birch.example:443", "http://localhost:8080/"], "buffer_minutes": 15,
            "sms_number": "+1 416 555 0100", "safety_text": "Shut the main water valve.", "tax_number": "123456789RT0001",
            "widget_color": "#118844", "widget_greeting": "Hi from Birch!"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["business_hours"] == {"mon": [["08:00:00", "12:00:00"], ["13:00:00", "18:00:00"]]}
        assert (body["sms_number"], body["buffer_minutes"]) == ("+14165550100", 15)
        assert body["widget_allowed_origins"] == ["https://birch.example", "http://localhost:8080"]
        again = (await client.get("/api/v1/settings", headers=owner.headers)).json()
        assert again["name"] == "Birch Plumbing" and again["safety_text"] == "Shut the main water valve."
        assert (again["widget_color"], again["widget_greeting"]) == ("#118844", "Hi from Birch!")

    @pytest.mark.parametrize("body, field", [
        ({"timezone": "Mars/Olympus"}, "timezone"), ({"widget_allowed_origins": ["birch.example"]}, "widget_allowed_origins"),
        ({"business_hours": {"mon": [["12:00", "09:00"]]}}, "business_hours"), ({"buffer_minutes": 999}, "buffer_minutes"),
        ({"name": None}, "name"), ({"sms_number": "12"}, "sms_number"), ({"widget_color": "red"}, "widget_color"),
        ({"widget_allowed_origins": ["https://birch.example/contact"]}, "widget_allowed_origins")])
    async def test_invalid_names_the_field(self, client, owner, body, field):
        r = await client.patch("/api/v1/settings", headers=owner.headers, json=body)
        assert r.status_code == 422 and field in r.json()["error"]["message"], r.text

    async def test_audited(self, client, owner):
        await client.patch("/api/v1/settings", headers=owner.headers, json={"buffer_minutes": 30})
        async with owner.tx() as conn:
            rows = await fetch_dicts(conn, """select actor, new_row->>'buffer_minutes' as buffer from audit_log
                                               where entity_type = 'tenants' and action = 'update'""")
        assert rows and rows[-1]["buffer"] == "30" and rows[-1]["actor"].startswith("apikey:")


class TestStaffAndKeys:
    async def test_invite_list_deactivate(self, client, owner, capsys):
        r = await client.post("/api/v1/staff", headers=owner.headers,
                              json={"email": "sam@birch.example", "name": "Sam", "role": "dispatcher"})
        assert r.status_code == 201 and r.json()["role"] == "dispatcher"
        assert "/staff/login/confirm?token=" in capsys.readouterr().out   # no SMTP: the email is printed
        again = await client.post("/api/v1/staff", headers=owner.headers,
                                  json={"email": "SAM@birch.example", "name": "Sam", "role": "owner"})
        assert (again.status_code, again.json()["error"]["code"]) == (409, "DUPLICATE_EMAIL")
        bad = await client.post("/api/v1/staff", headers=owner.headers, json={"email": "sam", "name": "S", "role": "boss"})
        assert bad.status_code == 422
        assert [s["email"] for s in (await client.get("/api/v1/staff", headers=owner.headers)).json()["data"]] == [
            "sam@birch.example"]
        assert (await client.delete(f"/api/v1/staff/{r.json()['id']}", headers=owner.headers)).status_code == 204
        assert (await client.get("/api/v1/staff", headers=owner.headers)).json()["data"][0]["active"] is False

    async def test_last_owner_stays(self, client, owner):
        r = await client.post("/api/v1/staff", headers=owner.headers,
                              json={"email": "o@birch.example", "name": "O", "role": "owner"})
        r = await client.delete(f"/api/v1/staff/{r.json()['id']}", headers=owner.headers)
        assert (r.status_code, r.json()["error"]["code"]) == (409, "LAST_OWNER")

    async def test_api_keys(self, client, owner):
        r = await client.post("/api/v1/api-keys", headers=owner.headers, json={"name": "zapier"})
        assert r.status_code == 201 and r.json()["key"].startswith("fb_")
        new = {"Authorization": f"Bearer {r.json()['key']}"}
        listed = (await client.get("/api/v1/api-keys", headers=new)).json()["data"]
        assert {k["name"] for k in listed} == {"zapier", "test"} and all("key" not in k for k in listed)
        assert (await client.delete(f"/api/v1/api-keys/{r.json()['id']}", headers=owner.headers)).status_code == 204
        assert (await client.get("/api/v1/settings", headers=new)).status_code == 401
        assert (await client.get("/api/v1/settings", headers=owner.headers)).status_code == 200


async def test_other_tenant_sees_none_of_it(client, owner, factory):
    other = await factory.tenant()
    theirs = {"Authorization": f"Bearer {other.api_key}"}
    tech = (await client.post("/api/v1/technicians", headers=owner.headers, json={"name": "Dana"})).json()
    closure = (await client.post("/api/v1/closures", headers=owner.headers, json={"date": "2025-12-25"})).json()
    assert (await client.patch(f"/api/v1/technicians/{tech['id']}", headers=theirs, json={"name": "x"})).status_code == 404
    assert (await client.post(f"/api/v1/technicians/{tech['id']}/time-off", headers=theirs, json={
        "start": "2025-11-07T00:00:00Z", "end": "2025-11-08T00:00:00Z"})).status_code == 404
    assert (await client.delete(f"/api/v1/closures/{closure['id']}", headers=theirs)).status_code == 404
    assert (await client.get("/api/v1/closures", headers=theirs)).json() == []


async def test_outside_the_service_area_gets_a_polite_answer_and_no_times(client, owner):
    await client.post("/api/v1/technicians", headers=owner.headers, json={
        "name": "Dana Reyes", "skills": ["Plumbing"], "working_hours": WEEK})
    r = await client.patch("/api/v1/settings", headers=owner.headers,
                           json={"service_area": "Toronto and Mississauga", "service_area_places": ["Toronto", "Mississauga"]})
    assert r.json()["service_area_places"] == ["Toronto", "Mississauga"]
    widget = {"X-Widget-Key": owner.tenant.widget_public_key}

    async def chat(address: str) -> dict:
        conversation = None
        for message in ("My kitchen drain is clogged, can someone come tomorrow morning?", "416-555-0142",
                        address, "Jordan Blake"):
            r = await client.post("/api/v1/ai-agent/chat", headers=widget,
                                  json={"conversation_id": conversation, "message": message})
            conversation = r.json()["conversation_id"]
        return r.json()

    outside = await chat("1 King St W, Hamilton")
    assert "outside the area we serve (Toronto and Mississauga)" in outside["response"], outside["response"]
    assert "Shall I book" not in outside["response"] and outside["serviceRequest"] is None
    inside = await chat("55 Queen St, Mississauga")
    assert "Shall I book" in inside["response"], inside["response"]
