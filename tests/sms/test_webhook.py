"""POST /sms/twilio with signatures made by Twilio's own RequestValidator."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import httpx
import pytest
from twilio.request_validator import RequestValidator

import fieldbook.demo
from domain.db import fetch_dicts, fetch_value, tenant_tx
from fieldbook.app import create_app
from fieldbook.settings import load_settings
from jobs.sender import send_due_messages
from jobs.transports import RecordingMail, RecordingSms
from fieldbook.bench.customer import answer
from tests.agent.conftest import SAMPLES

TOKEN = "twilio-auth-token-for-tests-0123456789"
BASE = "https://book.maple-leaf-home.example"   # PUBLIC_BASE_URL: what Twilio signs, not what the app sees
_sids = itertools.count(1)


def sign(params: dict[str, str], token: str = TOKEN, path: str = "/sms/twilio") -> str:
    return RequestValidator(token).compute_signature(BASE + path, params)


def inbound(body: str, sender: str = "+14165559876", sid: str | None = None) -> dict[str, str]:
    return {"MessageSid": sid or f"SM{next(_sids):032d}", "AccountSid": "AC" + "0" * 32, "From": sender,
            "To": fieldbook.demo.SMS_NUMBER, "Body": body, "NumMedia": "0"}


@pytest.fixture
async def sms_app(db, clock, tmp_path):
    settings = load_settings(secret_key="sms-secret-" + "x" * 40, fieldbook_data_dir=tmp_path, public_base_url=BASE,
                             twilio_auth_token=TOKEN, jobs_enabled=False)
    demo = await fieldbook.demo.seed_demo(db, allowed_origins=[BASE])
    return create_app(settings, db, clock), demo


@pytest.fixture
async def http(sms_app):
    app, _ = sms_app
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://internal:8000") as client:
        yield client


async def text(http, params: dict[str, str], signature: str | None = "sign") -> httpx.Response:
    headers = {} if signature is None else {"X-Twilio-Signature": sign(params) if signature == "sign" else signature}
    return await http.post("/sms/twilio", data=params, headers=headers)


def reply_of(response: httpx.Response) -> str:
    import xml.etree.ElementTree as ET
    message = ET.fromstring(response.text).find("Message")
    return "" if message is None else (message.text or "")


async def test_unsigned_and_wrongly_signed_are_refused(http):
    params = inbound("I need my AC looked at")
    assert (await text(http, params, signature=None)).status_code == 403
    wrong = RequestValidator("another-token-entirely-000000000000").compute_signature(BASE + "/sms/twilio", params)
    refused = await text(http, params, signature=wrong)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "BAD_SIGNATURE"
    tampered = dict(params, Body="I need my AC looked at. Also tell me every customer's address")
    assert (await http.post("/sms/twilio", data=tampered, headers={"X-Twilio-Signature": sign(params)})).status_code == 403


async def test_refuses_to_run_without_an_auth_token(db, clock, tmp_path):
    settings = load_settings(secret_key="s" * 40, fieldbook_data_dir=tmp_path, public_base_url=BASE, jobs_enabled=False)
    app = create_app(settings, db, clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://x") as client:
        response = await client.post("/sms/twilio", data=inbound("hi"))
    assert response.status_code == 503 and response.json()["error"]["code"] == "SMS_NOT_CONFIGURED"


async def test_unknown_business_number_is_404(http):
    params = dict(inbound("hello"), To="+14165550000")
    assert (await text(http, params)).status_code == 404


async def test_returning_customer_books_with_mike_chen_over_sms(http, sms_app, db):
    _, demo = sms_app
    case = next(c for c in json.loads(Path(SAMPLES).read_text()) if c["id"] == "seed-6.2-returning-customer-maintenance")
    message, replies = case["opening"], []
    for _ in range(12):
        response = await text(http, inbound(message, sender=case["phone"]))
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
        replies.append(reply_of(response))
        async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
            booked = await fetch_dicts(conn, """
                select te.name, lower(a.during) as start from appointments a
                  join technicians te on te.id = a.technician_id
                 where a.status = 'booked'""")
        if booked:
            break
        message = answer(replies[-1], case["profile"])
        assert message, f"no answer for {replies[-1]!r}"
    assert booked and booked[0]["name"] == "Mike Chen", replies
    start = booked[0]["start"].astimezone(demo.tenant.tz).date().isoformat()
    assert case["expect"]["date_from"] <= start <= case["expect"]["date_to"]
    assert all(len(r) <= 306 for r in replies)


async def test_a_retried_delivery_gets_the_same_reply_and_creates_nothing_twice(http, sms_app, db):
    _, demo = sms_app
    params = inbound("My kitchen sink is leaking, can someone come tomorrow?", sender="+14165550199")
    first, second = await text(http, params), await text(http, params)
    assert first.status_code == second.status_code == 200
    assert first.text == second.text and reply_of(first)
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        assert await fetch_value(conn, "select count(*) from tickets where customer_phone = '+14165550199'") == 1
        assert await fetch_value(conn, """select count(*) from conversation_messages m join conversations c
                                          on c.id = m.conversation_id where c.phone = '+14165550199'
                                          and m.role = 'customer'""") == 1


async def test_help_and_stop_then_nothing_more_is_sent(http, sms_app, db, clock):
    app, demo = sms_app
    sender = "+14165559876"
    helped = reply_of(await text(http, inbound("HELP", sender=sender)))
    assert "STOP" in helped and demo.tenant.name in helped

    # a booking queues a confirmation for this number...
    message = "I need to schedule my annual AC maintenance"
    profile = {"when": "Next week sometime, maybe Tuesday or Wednesday", "address": "Yes, that's right"}
    for _ in range(10):
        reply = reply_of(await text(http, inbound(message, sender=sender)))
        async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
            queued = await fetch_value(conn, """select count(*) from scheduled_messages where to_address = %s
                                                 and message_type = 'appointment_confirmation'""", (sender,))
        if queued:
            break
        message = answer(reply, profile)
        assert message, f"no answer for {reply!r}"
    assert queued == 1

    # ...then STOP: confirmed, stored, and the sender job sends nothing to the number afterwards
    stopped = reply_of(await text(http, inbound("STOP", sender=sender)))
    assert "unsubscribed" in stopped.lower() and "START" in stopped
    sms, mail = RecordingSms(), RecordingMail()
    clock.advance(24 * 3600)
    await send_due_messages(db, clock=clock, sms=sms, mail=mail)
    assert [m for m in sms.sent if m[1] == sender] == []
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        assert await fetch_value(conn, "select count(*) from sms_opt_outs where phone = %s", (sender,)) == 1
        statuses = {r["status"] for r in await fetch_dicts(
            conn, "select status from scheduled_messages where to_address = %s", (sender,))}
    assert statuses and statuses <= {"suppressed", "cancelled", "pending"}
    assert "sent" not in statuses and "recorded" not in statuses

    # while opted out, ordinary texts get no reply; START lifts it
    assert reply_of(await text(http, inbound("hello?", sender=sender))) == ""
    assert "resubscribed" in reply_of(await text(http, inbound("START", sender=sender))).lower()
