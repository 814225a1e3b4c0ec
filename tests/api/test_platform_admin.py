"""Platform administration: `fieldbook admin-key create`, /admin/v1 tenants, suspension (widget, SMS and API
answer "unavailable", and work again on resume) and usage per tenant per month."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest

import fieldbook.demo
from domain.db import admin_tx
from domain.platform.service import create_platform_key
from fieldbook.app import create_app
from fieldbook.settings import load_settings
from tests.sms.test_webhook import BASE, TOKEN, inbound, reply_of, sign


@pytest.fixture
async def admin_app(db, clock, tmp_path):
    settings = load_settings(secret_key="admin-secret-" + "x" * 40, fieldbook_data_dir=tmp_path, public_base_url=BASE,
                             twilio_auth_token=TOKEN, jobs_enabled=False)
    demo = await fieldbook.demo.seed_demo(db, allowed_origins=[BASE])
    async with admin_tx(db) as conn:
        _, raw = await create_platform_key(conn, name="test")
    app = create_app(settings, db, clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://internal") as http:
        yield http, {"Authorization": f"Bearer {raw}"}, demo


def test_cli_prints_a_working_key(database):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": database.admin, "LOG_LEVEL": "WARNING"}
    done = subprocess.run([sys.executable, "-m", "fieldbook.cli", "admin-key", "create", "--name", "ops"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    raw = re.search(r"platform key: (fbp_\S+)", done.stdout).group(1)
    import psycopg
    with psycopg.connect(database.admin) as conn:
        assert conn.execute("select name, prefix from platform_keys").fetchall() == [("ops", raw[:8])]
    with psycopg.connect(database.app) as conn:   # the serving role cannot even read the table
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from platform_keys")


async def test_keys_do_not_cross(admin_app):
    http, platform, _ = admin_app
    assert (await http.get("/admin/v1/tenants")).status_code == 401
    assert (await http.get("/admin/v1/tenants", headers={"Authorization": "Bearer demo-api-key"})).status_code == 401
    assert (await http.get("/api/v1/settings", headers=platform)).status_code == 401
    assert (await http.get("/admin/v1/tenants", headers=platform)).status_code == 200


async def test_create_list_and_refuse(admin_app, capsys):
    http, platform, _ = admin_app
    r = await http.post("/admin/v1/tenants", headers=platform, json={
        "name": "Birch Plumbing", "slug": "birch", "timezone": "America/Toronto", "owner_email": "robin@birch.example"})
    assert r.status_code == 201, r.text
    assert r.json()["api_key"].startswith("fb_") and r.json()["tenant"]["slug"] == "birch"
    assert "/staff/login/confirm?token=" in capsys.readouterr().out   # no SMTP: the invitation is printed
    headers = {"Authorization": f"Bearer {r.json()['api_key']}"}
    assert (await http.get("/api/v1/settings", headers=headers)).json()["name"] == "Birch Plumbing"
    slugs = [t["slug"] for t in (await http.get("/admin/v1/tenants", headers=platform)).json()["data"]]
    assert sorted(slugs) == ["birch", "demo"]
    again = await http.post("/admin/v1/tenants", headers=platform, json={"name": "B", "slug": "birch"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "DUPLICATE_SLUG")
    bad = await http.post("/admin/v1/tenants", headers=platform, json={"name": "B", "slug": "b2", "timezone": "Nowhere/X"})
    assert bad.status_code == 422 and "timezone" in bad.json()["error"]["message"]


async def test_suspended_tenant_is_unavailable_everywhere_until_resumed(admin_app):
    http, platform, demo = admin_app
    api = {"Authorization": "Bearer demo-api-key"}
    widget = {"X-Widget-Key": fieldbook.demo.WIDGET_KEY}
    r = await http.post("/admin/v1/tenants/demo/suspend", headers=platform)
    assert r.status_code == 200 and r.json()["suspended_at"]
    r = await http.get("/api/v1/technicians", headers=api)
    assert (r.status_code, r.json()["error"]["code"]) == (503, "SERVICE_UNAVAILABLE")
    r = await http.post("/api/v1/ai-agent/chat", headers=widget, json={"conversation_id": None, "message": "hi"})
    assert (r.status_code, r.json()["error"]["code"]) == (503, "SERVICE_UNAVAILABLE")
    params = inbound("my sink is clogged")
    r = await http.post("/sms/twilio", data=params, headers={"X-Twilio-Signature": sign(params)})
    assert "unavailable" in reply_of(r)
    assert (await http.post("/admin/v1/tenants/nope/suspend", headers=platform)).status_code == 404

    assert (await http.post("/admin/v1/tenants/demo/resume", headers=platform)).json()["suspended_at"] is None
    assert (await http.get("/api/v1/technicians", headers=api)).status_code == 200
    r = await http.post("/api/v1/ai-agent/chat", headers=widget, json={"conversation_id": None, "message": "hi"})
    assert r.status_code == 200
    params = inbound("my sink is clogged")
    r = await http.post("/sms/twilio", data=params, headers={"X-Twilio-Signature": sign(params)})
    assert "unavailable" not in reply_of(r)


async def test_usage_per_month(admin_app):
    http, platform, demo = admin_app
    widget = {"X-Widget-Key": fieldbook.demo.WIDGET_KEY}
    conversation = None
    for message in ("My kitchen drain is clogged, can someone come tomorrow morning?", "416-555-0142",
                    "55 Queen St, Mississauga", "Jordan Blake", "yes"):
        r = await http.post("/api/v1/ai-agent/chat", headers=widget, json={"conversation_id": conversation, "message": message})
        conversation = r.json()["conversation_id"]
    assert r.json()["serviceRequest"] is not None
    params = inbound("What are your hours?")
    await http.post("/sms/twilio", data=params, headers={"X-Twilio-Signature": sign(params)})
    # usage counts records by when they were written (the database's clock), this month by default
    now = (await http.get("/admin/v1/tenants/demo/usage", headers=platform)).json()
    assert (now["conversations"], now["bookings"]) == (2, 1) and now["sms_sent"] >= 1   # the chat, the SMS
    quiet = {"conversations": 0, "bookings": 0, "sms_sent": 0}
    old = (await http.get("/admin/v1/tenants/demo/usage", headers=platform, params={"month": "2001-02"})).json()
    assert old["month"] == "2001-02" and {k: old[k] for k in quiet} == quiet
    everyone = (await http.get("/admin/v1/usage", headers=platform)).json()
    assert [u["slug"] for u in everyone] == ["demo"] and everyone[0]["conversations"] == now["conversations"]
    assert (await http.get("/admin/v1/usage", headers=platform, params={"month": "2025-13"})).status_code == 422
