"""The owner's set-up pages over HTTP: owners only, CSRF, validation naming the field with nothing saved,
deactivation ending sessions at once, an API key shown once, and the checklist as the first page."""

from __future__ import annotations

import re

import httpx
import pytest

from domain.db import fetch_dicts, fetch_value, tenant_tx
from domain.staff.service import StaffUserCreate, create_staff_user
from tests.staff.helpers import csrf_of, link_for, sign_in, signed_in


@pytest.fixture
async def shop(factory, db):
    """A new business (no technicians, services, SMS number or website yet) with its owner and a dispatcher."""
    handle = await factory.tenant(name="Birch Plumbing", timezone="America/Toronto")
    async with handle.tx() as conn:
        for email, role in (("robin@birch.example", "owner"), ("sam@birch.example", "dispatcher")):
            await create_staff_user(conn, tenant_id=handle.id, data=StaffUserCreate(email=email, name=email[:4], role=role))
    return handle


async def _client(app, db, shop, clock, email: str) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    csrf = await signed_in(client, db, tenant_id=shop.id, email=email, now=clock.now())
    return client, csrf


async def test_owner_starts_at_the_checklist_and_only_owners_get_in(app, db, shop, clock):
    owner, csrf = await _client(app, db, shop, clock, "robin@birch.example")
    home = await owner.get("/staff/", follow_redirects=True)
    assert home.url.path == "/staff/setup" and "0 of 5 done" in home.text
    assert 'data-key="' + shop.tenant.widget_public_key in home.text.replace("&#34;", '"')
    dispatcher, dcsrf = await _client(app, db, shop, clock, "sam@birch.example")
    assert (await dispatcher.get("/staff/", follow_redirects=True)).url.path == "/staff/board"
    for path in ("/staff/setup", "/staff/team", "/staff/technicians", "/staff/catalog", "/staff/settings"):
        assert (await dispatcher.get(path)).status_code == 403, path
        assert (await owner.get(path)).status_code == 200, path
    r = await dispatcher.post("/staff/technicians", data={"csrf_token": dcsrf, "name": "Sneaky"})
    assert r.status_code == 403
    r = await owner.post("/staff/technicians", data={"name": "No token"})
    assert r.status_code == 403 and "CSRF_FAILED" in r.text
    async with shop.tx() as conn:
        assert await fetch_value(conn, "select count(*) from technicians") == 0


async def test_technician_with_split_hours_and_part_day_off(app, db, shop, clock):
    owner, csrf = await _client(app, db, shop, clock, "robin@birch.example")
    r = await owner.post("/staff/technicians", data={
        "csrf_token": csrf, "name": "Kim Park", "phone": "416 555 0199", "skill:Plumbing": "on", "color": "#118844",
        "h-1-0-starts": "08:00", "h-1-0-ends": "12:00", "h-1-1-starts": "13:00", "h-1-1-ends": "17:00"})
    assert r.status_code == 303
    page = await owner.get(r.headers["location"])
    assert 'value="13:00"' in page.text and "Kim Park" in page.text
    tech = r.headers["location"].rsplit("/", 1)[1]
    r = await owner.post(f"/staff/technicians/{tech}/time-off", data={
        "csrf_token": csrf, "start_date": "2025-11-10", "start_time": "08:00", "end_time": "10:00", "reason": "Dentist"})
    assert r.status_code == 303
    async with shop.tx() as conn:
        rows = await fetch_dicts(conn, """select weekday, starts::text, ends::text from working_hours order by starts""")
        off = await fetch_dicts(conn, "select lower(during) as s, upper(during) as e, reason from time_off")
    assert rows == [{"weekday": 1, "starts": "08:00:00", "ends": "12:00:00"},
                    {"weekday": 1, "starts": "13:00:00", "ends": "17:00:00"}]
    assert (off[0]["s"].isoformat(), off[0]["e"].isoformat(), off[0]["reason"]) == (
        "2025-11-10T13:00:00+00:00", "2025-11-10T15:00:00+00:00", "Dentist")   # 08:00-10:00 in Toronto


@pytest.mark.parametrize("field, value, named", [
    ("timezone", "Mars/Olympus", "timezone"), ("widget_allowed_origins", "birch.example", "widget allowed origins"),
    ("buffer_minutes", "999", "buffer minutes"), ("sms_number", "12", "sms_number"),
    ("h-1-0-starts", "18:00", "Monday shift 1")])
async def test_settings_refused_name_the_field_and_save_nothing(app, db, shop, clock, field, value, named):
    owner, csrf = await _client(app, db, shop, clock, "robin@birch.example")
    form = {"csrf_token": csrf, "name": "Birch Plumbing 2", "timezone": "America/Toronto", "phone_region": "CA",
            "h-1-0-starts": "09:00", "h-1-0-ends": "17:00", "booking_horizon_days": "60", "buffer_minutes": "0",
            "quiet_hours_start": "21:00", "quiet_hours_end": "08:00", "widget_allowed_origins": "https://birch.example",
            "staff_alert_channel": "email", field: value}
    r = await owner.post("/staff/settings", data=form)
    assert r.status_code == 422 and named in r.text, r.text[-600:]
    async with shop.tx() as conn:
        assert await fetch_value(conn, "select name from tenants") == "Birch Plumbing"
    fixed = {"timezone": "UTC", "widget_allowed_origins": "https://birch.example", "buffer_minutes": "15",
             "sms_number": "", "h-1-0-starts": "09:00"}[field]
    r = await owner.post("/staff/settings", data=form | {field: fixed})
    assert r.status_code == 303, r.text[-600:]
    async with shop.tx() as conn:
        assert await fetch_value(conn, "select name from tenants") == "Birch Plumbing 2"


async def test_deactivated_member_is_signed_out_at_once(app, db, shop, clock, capsys):
    owner, csrf = await _client(app, db, shop, clock, "robin@birch.example")
    r = await owner.post("/staff/team", data={"csrf_token": csrf, "name": "Ash", "email": "ash@birch.example",
                                              "role": "technician"})
    assert r.status_code == 303 and "invited=" in r.headers["location"]
    invitation = capsys.readouterr().out
    link = re.search(r"http://testserver(/staff/login/confirm\?token=\S+)", invitation).group(1)
    ash = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    page = await ash.get(link)
    await ash.post("/staff/login/confirm", data={"token": link.split("token=")[1], "csrf_token": csrf_of(page.text)})
    assert (await ash.get("/staff/day")).status_code == 200
    async with shop.tx() as conn:
        ash_id = await fetch_value(conn, "select id from staff_users where email = 'ash@birch.example'")
    r = await owner.post(f"/staff/team/{ash_id}/deactivate", data={"csrf_token": csrf})
    assert r.status_code == 303
    gone = await ash.get("/staff/day")
    assert (gone.status_code, gone.headers["location"]) == (303, "/staff/login")
    token = await link_for(db, tenant_id=shop.id, email="ash@birch.example", now=clock.now())
    assert (await sign_in(ash, token)).status_code == 422   # an inactive member's link does not work


async def test_api_key_shown_once_then_revoked(app, db, shop, clock, client):
    owner, csrf = await _client(app, db, shop, clock, "robin@birch.example")
    r = await owner.post("/staff/settings/api-keys", data={"csrf_token": csrf, "name": "accounting"})
    key = re.search(r'id="new-key">([^<]+)<', r.text).group(1)
    assert (await client.get("/api/v1/settings", headers={"Authorization": f"Bearer {key}"})).status_code == 200
    assert key not in (await owner.get("/staff/settings")).text
    async with shop.tx() as conn:
        key_id = await fetch_value(conn, "select id from api_keys where name = 'accounting'")
    await owner.post(f"/staff/settings/api-keys/{key_id}/revoke", data={"csrf_token": csrf})
    assert (await client.get("/api/v1/settings", headers={"Authorization": f"Bearer {key}"})).status_code == 401


async def test_category_synonyms_and_closure(app, db, shop, clock):
    owner, csrf = await _client(app, db, shop, clock, "robin@birch.example")
    r = await owner.post("/staff/catalog/categories", data={"csrf_token": csrf, "key": "Pools", "name": "Pool care",
                                                            "synonyms": "Hot tub, spa"})
    assert r.status_code == 303
    r = await owner.post("/staff/catalog/categories/Pools", data={"csrf_token": csrf, "name": "Pools & spas",
                                                                  "synonyms": "hot tub, spa, jacuzzi", "active": "on"})
    assert r.status_code == 303
    r = await owner.post("/staff/settings/closures", data={"csrf_token": csrf, "date": "2025-12-25", "reason": "Christmas"})
    assert r.status_code == 303
    async with tenant_tx(db.app_pool, shop.id, "test") as conn:
        assert await fetch_dicts(conn, "select name, synonyms from service_categories where key = 'Pools'") == [
            {"name": "Pools & spas", "synonyms": ["hot tub", "spa", "jacuzzi"]}]
        actor = await fetch_value(conn, "select actor from audit_log where entity_type = 'business_closures'")
    assert actor.startswith("staff:")
    assert "Christmas" in (await owner.get("/staff/settings")).text
