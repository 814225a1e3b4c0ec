"""Issue 7's promise, end to end: a booking made through the agent queues one confirmation and one
day-before reminder; a reschedule moves the reminder, a cancel cancels it."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.db import fetch_dicts, tenant_tx
from fieldbook.demo import API_KEY
from tests.agent.conftest import WIDGET, play

CASE = {"opening": "I'd like to get my AC serviced", "channel": "web",
        "profile": {"phone": "905 555 0188", "name": "Robin Park", "address": "14 Lakeshore Rd, Oakville",
                    "when": "next Tuesday afternoon", "problem": "yearly AC tune-up"}}
API = {"Authorization": f"Bearer {API_KEY}"}


async def _messages(db, demo):
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        return await fetch_dicts(conn, """
            select m.message_type, m.status, m.scheduled_for, m.expires_at, m.to_address, m.appointment_id
              from scheduled_messages m where m.to_address = '+19055550188' order by m.message_type""")


async def test_agent_booking_queues_then_moves_then_cancels_the_reminder(client, db, demo, clock):
    async def say(transcript, message):
        body = {"conversation_id": transcript.conversation_id, "message": message}
        data = (await client.post("/api/v1/ai-agent/chat", json=body, headers=WIDGET)).json()
        transcript.conversation_id = data["conversation_id"]
        return data["response"], data["serviceRequest"]

    transcript = await play(CASE, say)
    assert transcript.service_request, str(transcript)
    start = transcript.service_request["appointment"]["start"]

    queued = await _messages(db, demo)
    assert [m["message_type"] for m in queued] == ["appointment_confirmation", "appointment_reminder"]
    confirmation, reminder = queued
    assert confirmation["status"] == reminder["status"] == "pending"
    assert reminder["expires_at"] == datetime.fromisoformat(start)      # a late reminder is dropped, not sent
    assert reminder["scheduled_for"] == reminder["expires_at"] - timedelta(hours=24)
    appointment_id = reminder["appointment_id"]

    later = reminder["expires_at"] + timedelta(days=1)
    moved = await client.post(f"/api/v1/appointments/{appointment_id}/reschedule", headers=API,
                              json={"start": later.isoformat()})
    assert moved.status_code == 200, moved.text
    reminder_after = next(m for m in await _messages(db, demo) if m["message_type"] == "appointment_reminder")
    assert reminder_after["scheduled_for"] == later - timedelta(hours=24) and reminder_after["status"] == "pending"

    cancelled = await client.post(f"/api/v1/appointments/{appointment_id}/cancel", headers=API)
    assert cancelled.status_code == 200, cancelled.text
    statuses = {m["message_type"]: m["status"] for m in await _messages(db, demo)}
    assert statuses["appointment_reminder"] == "cancelled"
