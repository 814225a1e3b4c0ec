"""Two `fieldbook serve` processes on one database: one turn at a time per conversation, a staff reply reaches
a widget connected to the other process, jobs run once."""

from __future__ import annotations

import asyncio
import itertools
import signal
from datetime import timedelta

import httpx
import pytest
from twilio.request_validator import RequestValidator

import fieldbook.demo
from domain.db import fetch_dicts, tenant_tx
from tests.processes import FieldbookProcess
from tests.web_widget.conftest import WidgetClient

pytestmark = pytest.mark.slow

TOKEN = "twilio-auth-token-for-several-processes-01"
BASE = "https://book.maple-leaf-home.example"
_sids = itertools.count(1)


@pytest.fixture
async def demo(db):
    return await fieldbook.demo.seed_demo(db, allowed_origins=[BASE])


@pytest.fixture
def servers(database, demo, tmp_path):
    env = {"DATABASE_URL": database.admin, "SECRET_KEY": "several-processes-" + "x" * 30,
           "PUBLIC_BASE_URL": BASE, "TWILIO_AUTH_TOKEN": TOKEN, "JOBS_ENABLED": "true",
           "JOBS_INTERVAL_SECONDS": "0.3", "FIELDBOOK_CLOCK": "2025-11-06T09:30:00-05:00"}
    started = [FieldbookProcess("serve", tmp_path, env=env) for _ in range(2)]
    yield started
    for server in started:
        server.stop(signal.SIGTERM)


async def text(http: httpx.AsyncClient, server: FieldbookProcess, sender: str, body: str) -> str:
    params = {"MessageSid": f"SM{next(_sids):032d}", "AccountSid": "AC" + "0" * 32, "From": sender,
              "To": fieldbook.demo.SMS_NUMBER, "Body": body, "NumMedia": "0"}
    signature = RequestValidator(TOKEN).compute_signature(BASE + "/sms/twilio", params)
    answer = await http.post(f"{server.url}/sms/twilio", data=params, headers={"X-Twilio-Signature": signature})
    assert answer.status_code == 200, answer.text
    return answer.text


async def test_one_turn_at_a_time_across_processes(servers, db, demo):
    sender = "+14165550142"
    lines = ["My furnace is making a loud banging noise", "Dana Rowe", "tomorrow morning", "12 Elm Street, Toronto",
             "what time do you open?", "is tomorrow fine?"]
    async with httpx.AsyncClient(timeout=60) as http:
        await text(http, servers[0], sender, "Hi")
        for first, second in zip(lines[::2], lines[1::2]):   # each pair arrives at both processes at once
            await asyncio.gather(text(http, servers[0], sender, first), text(http, servers[1], sender, second))
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        rows = await fetch_dicts(conn, """
            select m.role from conversation_messages m join conversations c on c.id = m.conversation_id
             where c.phone = %s order by m.seq""", (sender,))
    roles = [r["role"] for r in rows]
    assert len(roles) == 2 * (1 + len(lines))
    # every customer message is followed by its answer before the next one is read
    assert roles == ["customer", "agent"] * (1 + len(lines))


async def test_every_job_runs_once(servers, db, demo):
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        await conn.execute("""
            insert into scheduled_messages (tenant_id, message_type, channel, to_address, payload, scheduled_for)
            select %s, 'custom', 'sms', '+1416555' || lpad(g::text, 4, '0'), jsonb_build_object('text', 'Reminder ' || g),
                   timestamptz '2025-11-06 09:00-05'
              from generate_series(1, 40) g""", (demo.tenant.id,))
    for _ in range(200):
        async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
            left = await fetch_dicts(conn, "select count(*) as n from scheduled_messages where status = 'pending'")
        if left[0]["n"] == 0:
            break
        await asyncio.sleep(0.2)
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        sent = await fetch_dicts(conn, "select status, attempts from scheduled_messages where body like 'Reminder %%'")
        transitions = await fetch_dicts(conn, """
            select entity_id, count(*) as n from audit_log
             where entity_type = 'scheduled_messages' and new_row->>'status' = 'recorded'
               and old_row->>'status' <> 'recorded' group by entity_id""")
    assert len(sent) == 40 and {r["status"] for r in sent} == {"recorded"}
    assert {r["attempts"] for r in sent} == {1}
    assert len(transitions) == 40 and {r["n"] for r in transitions} == {1}


def test_serve_with_workers(database, tmp_path):
    env = {"DATABASE_URL": database.admin, "SECRET_KEY": "several-processes-" + "x" * 30, "LOG_LEVEL": "INFO"}
    server = FieldbookProcess("serve", tmp_path, env=env, args=("--workers", "2"))
    answers = {httpx.get(f"{server.url}/health", timeout=5).json()["database"] for _ in range(6)}
    output = server.stop(signal.SIGTERM)
    assert answers == {"ok"}
    assert output.count("Finished server process") == 2   # both workers shut down cleanly


async def test_a_staff_reply_reaches_a_widget_on_another_process(servers, db, demo):
    widget = await WidgetClient.connect(servers[1].url, origin=BASE)
    try:
        await asyncio.wait_for(widget.until("welcome"), 20)
        await widget.say("My furnace is making a loud banging noise")
        async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
            rows = await fetch_dicts(conn, "select id from conversations where channel = 'web'")
        [conversation] = rows
        async with httpx.AsyncClient(timeout=30) as http:
            answer = await http.post(f"{servers[0].url}/api/v1/conversations/{conversation['id']}/messages",
                                     json={"content": "Hi, this is Sam from dispatch. Is the furnace still on?"},
                                     headers={"Authorization": f"Bearer {demo.api_key}"})
        assert answer.status_code == 201, answer.text
        frame = await asyncio.wait_for(widget.until("reply"), 20)
        assert frame["role"] == "staff" and "Sam from dispatch" in frame["text"]
    finally:
        await widget.close()
