"""A business goes live from an empty database: `fieldbook tenant create --owner-email` as a real process,
the owner signs in with the printed link, the set-up through the REST contracts alone, a customer books
through the chat endpoint with the new widget key, and a sick day takes the booked day's remaining times."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.staff.helpers import csrf_of

TORONTO = ZoneInfo("America/Toronto")


def tenant_create(database, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": database.admin,
           "PUBLIC_BASE_URL": "http://testserver", "LOG_LEVEL": "WARNING"}
    return subprocess.run([sys.executable, "-m", "fieldbook.cli", "tenant", "create", *args], env=env,
                          capture_output=True, text=True, timeout=120)


def test_refusals_leave_nothing(database, tmp_path):
    bad = tenant_create(database, "--name", "Birch", "--slug", "birch", "--owner-email", "not-an-address")
    assert bad.returncode == 2 and "email" in bad.stderr
    ok = tenant_create(database, "--name", "Birch", "--slug", "birch", "--owner-email", "a@birch.example")
    assert ok.returncode == 0, ok.stderr
    taken = tenant_create(database, "--name", "Birch 2", "--slug", "birch", "--owner-email", "b@birch.example")
    assert taken.returncode == 2 and "slug" in taken.stderr
    import psycopg
    with psycopg.connect(database.admin) as conn:
        assert conn.execute("select count(*) from tenants").fetchone()[0] == 1
        assert conn.execute("select email::text from staff_users").fetchall() == [("a@birch.example",)]


async def test_goes_live_through_cli_and_rest(database, client):
    done = tenant_create(database, "--name", "Birch Plumbing", "--slug", "birch", "--timezone", "America/Toronto",
                         "--region", "CA", "--owner-email", "owner@birch.example", "--owner-name", "Robin Birch")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    api_key = re.search(r"API key\s+(\S+)", out).group(1)
    widget_key = re.search(r"widget key\s+(\S+)", out).group(1)
    link = re.search(r"http://testserver(/staff/login/confirm\?token=\S+)", out).group(1)

    # the owner signs in with the link (GET shows a button; its POST spends the token)
    page = await client.get(link)
    signed = await client.post("/staff/login/confirm", data={"token": link.split("token=")[1],
                                                             "csrf_token": csrf_of(page.text)})
    assert signed.status_code == 303
    home = await client.get("/staff/", follow_redirects=True)
    assert home.status_code == 200 and home.url.path != "/staff/login"

    api = {"Authorization": f"Bearer {api_key}"}
    weekdays = [{"weekday": d, "starts": "08:00", "ends": "16:00"} for d in range(1, 6)]
    r = await client.post("/api/v1/categories", headers=api,
                          json={"key": "Pools", "name": "Pool care", "synonyms": ["hot tub", "pool pump"]})
    assert r.status_code == 201
    techs = []
    for name in ("Kim Park", "Lee Moss"):
        r = await client.post("/api/v1/technicians", headers=api,
                              json={"name": name, "skills": ["Pools"], "working_hours": weekdays})
        assert r.status_code == 201, r.text
        techs.append(r.json())
    assert (await client.post("/api/v1/services", headers=api, json={
        "name": "Hot tub service", "category": "Pools", "pricing_type": "fixed", "price": "150"})).status_code == 201
    r = await client.patch("/api/v1/settings", headers=api, json={
        "business_hours": {d: [["08:00", "16:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        "widget_allowed_origins": ["https://birch.example"], "service_area": "Toronto"})
    assert r.status_code == 200

    widget = {"X-Widget-Key": widget_key}
    hello = await client.post("/api/v1/ai-agent/chat", headers=widget, json={"conversation_id": None, "message": "hi"})
    assert "pool care" in hello.json()["response"]   # the greeting names this business's own categories
    conversation = None
    for message in ("My hot tub pump is leaking, can someone come tomorrow morning?", "416-555-0142",
                    "55 Queen St, Toronto", "Jordan Blake", "yes"):
        r = await client.post("/api/v1/ai-agent/chat", headers=widget,
                              json={"conversation_id": conversation, "message": message})
        assert r.status_code == 200, r.text
        conversation = r.json()["conversation_id"]
    booked = r.json()["serviceRequest"]
    assert booked is not None, r.json()["response"]
    assert booked["ticket"]["service_category"] == "Pools"
    assert booked["technician"]["name"] in ("Kim Park", "Lee Moss")
    start = datetime.fromisoformat(booked["appointment"]["start"])
    assert start.astimezone(TORONTO).date().isoformat() == "2025-11-07"   # "tomorrow" of the test clock

    tech = next(t for t in techs if t["name"] == booked["technician"]["name"])
    day_start = start.astimezone(TORONTO).replace(hour=0, minute=0)
    window = {"from": day_start.isoformat(), "to": (day_start + timedelta(days=1)).isoformat()}

    async def remaining() -> int:
        r = await client.get(f"/api/v1/technicians/{tech['id']}/availability", headers=api, params=window)
        return r.json()["total_available_minutes"]

    assert await remaining() > 0
    r = await client.post(f"/api/v1/technicians/{tech['id']}/time-off", headers=api, json={
        "start": day_start.isoformat(), "end": (day_start + timedelta(days=1)).isoformat(), "reason": "sick"})
    assert r.status_code == 201
    assert await remaining() == 0
    options = (await client.get("/api/v1/availability", headers=api, params={
        "category": "Pools", "limit": 20, **window})).json()
    assert options and {o["technician_id"] for o in options} == {next(t["id"] for t in techs if t is not tech)}
