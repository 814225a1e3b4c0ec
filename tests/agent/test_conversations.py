"""Every sample conversation, played against the guided engine and the demo tenant at Thu 2025-11-06 09:30.

Web cases go through POST /api/v1/ai-agent/chat; SMS cases through the runner with a verified sender,
the path the SMS webhook takes.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from domain.db import fetch_dicts
from sms.segments import segments
from tests.agent.conftest import OWN_CASES, WIDGET, load_cases, play

CASES = load_cases()
TZ = ZoneInfo("America/Toronto")
CLOCK_START = datetime(2025, 11, 6, 9, 30, tzinfo=TZ)


async def _web_say(client):
    async def say(transcript, message):
        body = {"conversation_id": str(transcript.conversation_id) if transcript.conversation_id else None,
                "message": message}
        response = await client.post("/api/v1/ai-agent/chat", json=body, headers=WIDGET)
        assert response.status_code == 200, response.text
        data = response.json()
        transcript.conversation_id = data["conversation_id"]
        return data["response"], data["serviceRequest"]
    return say


async def _sms_say(app, tenant, phone):
    runner = app.state.agent_runner
    conversation = await runner.start(tenant, channel="sms", phone=phone, verified=True)

    async def say(transcript, message):
        transcript.conversation_id = conversation.id
        reply = await runner.run_turn(tenant, conversation.id, message)
        return reply.text, reply.service_request
    return say


async def _outcome(demo, conversation_id):
    async with demo_tx(demo) as conn:
        return await fetch_dicts(conn, """
            select t.code, t.category, t.urgency, t.customer_phone, a.status, lower(a.during) as start,
                   te.name as technician
              from tickets t
              left join appointments a on a.ticket_id = t.id and a.status = 'booked'
              left join technicians te on te.id = a.technician_id
             where t.conversation_id = %s order by t.created_at""", (conversation_id,))


def demo_tx(demo):
    from domain.db import tenant_tx
    return tenant_tx(demo.db.app_pool, demo.tenant.id, "test")


def _check(case, rows, transcript):
    expect = case.get("expect", {})
    booked = [r for r in rows if r["status"] == "booked"]
    story = f"\n{transcript}\n{rows}"
    if "booked" in expect:
        assert bool(booked) == expect["booked"], story
    if expect.get("ticket_created"):
        assert rows, story
    if expect.get("no_ticket"):     # a question is not a request
        assert not rows, story
    if "min_bookings" in expect:
        assert len(booked) >= expect["min_bookings"], story
    if "categories" in expect:
        assert {r["category"] for r in booked} >= set(expect["categories"]), story
    first = booked[0] if booked else None
    if "category" in expect:
        assert first and first["category"] == expect["category"], story
    if "urgency" in expect:
        assert first and first["urgency"] == expect["urgency"], story
    if "technician" in expect:
        assert first and first["technician"] == expect["technician"], story
    if "stored_phone" in expect:
        assert rows and rows[0]["customer_phone"] == expect["stored_phone"], story
    if "within_hours" in expect:
        low, high = expect["within_hours"]
        hours = (first["start"] - CLOCK_START).total_seconds() / 3600
        assert low <= hours <= high, story
    if "date_from" in expect:
        day = first["start"].astimezone(TZ).date().isoformat()
        assert expect["date_from"] <= day <= expect["date_to"], story
    if "reply_mentions_any" in expect:
        assert any(word.lower() in reply.lower() for reply in transcript.replies
                   for word in expect["reply_mentions_any"]), story
    for word in expect.get("mention", []):
        assert any(word in reply for reply in transcript.replies), story
    for word in expect.get("forbid", []):
        assert all(word.lower() not in reply.lower() for reply in transcript.replies), story


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
async def test_conversation(case, app, client, demo, db):
    demo.db = db
    if case.get("channel") == "sms":
        say = await _sms_say(app, demo.tenant, case["phone"])
    else:
        say = await _web_say(client)
    transcript = await play(case, say)
    print(f"\n== {case['id']}\n{transcript}")
    rows = await _outcome(demo, transcript.conversation_id)
    _check(case, rows, transcript)
    if case.get("expect", {}).get("booked"):
        assert transcript.service_request is not None, transcript
    if case.get("channel") == "sms":     # SMS replies stay within two segments
        assert all(segments(reply) <= 2 for reply in transcript.replies), transcript


def test_at_least_twenty_cases_of_our_own():
    own = [c for path in OWN_CASES.glob("*.json") for c in json.loads(path.read_text())]
    assert len(own) >= 20
    assert len({c["id"] for c in CASES}) == len(CASES)
