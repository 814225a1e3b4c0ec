"""Web chat identity: a 6-digit code texted to the claimed number (hashed, 10 minutes, 5 attempts)."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from domain.conversations.service import start_conversation
from domain.db import fetch_dicts, tenant_tx
from domain.errors import Conflict
from domain.identity.service import check_code, issue_code
from tests.agent.conftest import WIDGET

KEY = b"k" * 32


@pytest.fixture
async def conversation(factory, clock):
    tenant = await factory.tenant()
    async with tenant.tx() as conn:
        conv = await start_conversation(conn, tenant_id=tenant.id, channel="web", phone="+14165550100")
    return tenant, conv


class TestCodes:
    async def test_stored_hashed_and_accepted_once(self, conversation, clock):
        tenant, conv = conversation
        now = clock.now()
        async with tenant.tx() as conn:
            code = await issue_code(conn, tenant_id=tenant.id, conversation_id=conv.id, phone=conv.phone, now=now, key=KEY)
            rows = await fetch_dicts(conn, "select code_hash, expires_at from verification_codes")
        assert re.fullmatch(r"\d{6}", code) and code not in rows[0]["code_hash"] and len(rows[0]["code_hash"]) == 64
        assert rows[0]["expires_at"] == now + timedelta(minutes=10)
        async with tenant.tx() as conn:
            assert await check_code(conn, conversation_id=conv.id, phone=conv.phone, code=code, now=now, key=KEY) == "verified"
            assert await check_code(conn, conversation_id=conv.id, phone=conv.phone, code=code, now=now, key=KEY) == "none"

    async def test_five_attempts_then_locked(self, conversation, clock):
        tenant, conv = conversation
        now = clock.now()
        async with tenant.tx() as conn:
            code = await issue_code(conn, tenant_id=tenant.id, conversation_id=conv.id, phone=conv.phone, now=now, key=KEY)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        results = []
        for _ in range(5):
            async with tenant.tx() as conn:
                results.append(await check_code(conn, conversation_id=conv.id, phone=conv.phone, code=wrong, now=now, key=KEY))
        assert results == ["wrong"] * 4 + ["locked"]
        async with tenant.tx() as conn:
            assert await check_code(conn, conversation_id=conv.id, phone=conv.phone, code=code, now=now, key=KEY) == "locked"

    async def test_expires_after_ten_minutes(self, conversation, clock):
        tenant, conv = conversation
        now = clock.now()
        async with tenant.tx() as conn:
            code = await issue_code(conn, tenant_id=tenant.id, conversation_id=conv.id, phone=conv.phone, now=now, key=KEY)
            later = now + timedelta(minutes=10, seconds=1)
            assert await check_code(conn, conversation_id=conv.id, phone=conv.phone, code=code, now=later, key=KEY) == "expired"

    async def test_a_new_code_replaces_the_old_and_requests_are_limited(self, conversation, clock):
        tenant, conv = conversation
        now = clock.now()
        async with tenant.tx() as conn:
            first = await issue_code(conn, tenant_id=tenant.id, conversation_id=conv.id, phone=conv.phone, now=now, key=KEY)
            second = await issue_code(conn, tenant_id=tenant.id, conversation_id=conv.id, phone=conv.phone, now=now, key=KEY)
            if first != second:
                assert await check_code(conn, conversation_id=conv.id, phone=conv.phone, code=first, now=now, key=KEY) == "wrong"
            await issue_code(conn, tenant_id=tenant.id, conversation_id=conv.id, phone=conv.phone, now=now, key=KEY)
            with pytest.raises(Conflict):
                await issue_code(conn, tenant_id=tenant.id, conversation_id=conv.id, phone=conv.phone, now=now, key=KEY)

    async def test_other_tenant_cannot_see_change_or_reference_codes(self, conversation, factory, clock):
        tenant, conv = conversation
        async with tenant.tx() as conn:
            await issue_code(conn, tenant_id=tenant.id, conversation_id=conv.id, phone=conv.phone, now=clock.now(), key=KEY)
        other = await factory.tenant()
        async with other.tx() as conn:
            assert await fetch_dicts(conn, "select id from verification_codes") == []
            assert (await conn.execute("update verification_codes set attempts = 0")).rowcount == 0
            assert (await conn.execute("delete from verification_codes")).rowcount == 0
        with pytest.raises(Exception) as refused:
            async with other.tx() as conn:
                await conn.execute("""insert into verification_codes (tenant_id, conversation_id, phone, code_hash, expires_at)
                                      values (%s, %s, '+14165550100', 'x', now())""", (other.id, conv.id))
        assert getattr(refused.value, "code", "") == "UNKNOWN_REFERENCE"
        async with tenant.tx() as conn:
            assert len(await fetch_dicts(conn, "select id from verification_codes")) == 1


async def _chat(client, conversation_id, message):
    r = await client.post("/api/v1/ai-agent/chat", headers=WIDGET,
                          json={"conversation_id": conversation_id, "message": message})
    assert r.status_code == 200, r.text
    return r.json()["conversation_id"], r.json()["response"]


async def _texted_code(db, tenant):
    async with tenant_tx(db.app_pool, tenant.id, "test") as conn:
        rows = await fetch_dicts(conn, """select to_address, payload, urgent from scheduled_messages
                                          where message_type = 'verification_code' order by created_at desc""")
    return rows[0]


async def test_verified_web_caller_sees_and_cancels_own_appointment(app, client, db, demo):
    from tests.agent.test_security import _book_for_sarah
    booked = await _book_for_sarah(app, demo)
    conv, text = await _chat(client, None, "When is my next appointment? My number is 416 555 9876")
    assert "texted a 6-digit code" in text and "Mike" not in text
    sms = await _texted_code(db, demo.tenant)
    assert sms["to_address"] == "+14165559876" and sms["urgent"]
    _, text = await _chat(client, conv, "000000" if sms["payload"]["code"] != "000000" else "111111")
    assert "not right" in text and booked["start"] not in text
    _, text = await _chat(client, conv, sms["payload"]["code"])
    assert "verified" in text and booked["start"] in text and booked["technician"] in text
    _, text = await _chat(client, conv, "Please cancel it")
    assert text.startswith("Cancel your HVAC visit")
    _, text = await _chat(client, conv, "yes")
    assert "cancelled" in text
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        rows = await fetch_dicts(conn, "select status from appointments where status <> 'completed'")
        tickets = await fetch_dicts(conn, "select status, cancellation_reason from tickets where code = %s",
                                    (booked["ticket_code"],))
    assert rows == [{"status": "cancelled"}]
    # the customer called it off: the request is cancelled too, never back on the board as unassigned
    assert tickets == [{"status": "cancelled", "cancellation_reason": "Cancelled by the customer."}]


async def test_hand_off_opens_a_callback_alerts_staff_and_the_agent_goes_quiet(client, db, demo):
    conv, text = await _chat(client, None, "I'd like to talk to a real person please")
    assert text == "Can I get your phone number, please?"
    _, text = await _chat(client, conv, "647-555-0100")
    assert "call you back at (647) 555-0100" in text
    _, text = await _chat(client, conv, "hello? anyone?")
    # never silence: an acknowledgement with the business's hours, and not the agent
    assert "reply here" in text and "Mon–Fri 09:00–20:00" in text
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        tickets = await fetch_dicts(conn, "select kind, status, customer_phone from tickets where conversation_id = %s",
                                    (uuid.UUID(conv),))
        flags = await fetch_dicts(conn, "select handling from conversations where id = %s", (uuid.UUID(conv),))
        lines = await fetch_dicts(conn, "select role, content from conversation_messages where conversation_id = %s "
                                        "order by seq", (uuid.UUID(conv),))
        alerts = await fetch_dicts(conn, "select channel, to_address from scheduled_messages "
                                         "where message_type = 'staff_alert'")
    assert tickets == [{"kind": "callback", "status": "open", "customer_phone": "+16475550100"}]
    assert flags == [{"handling": "needs_staff"}]
    assert lines[-2:] == [{"role": "customer", "content": "hello? anyone?"}, {"role": "system", "content": text}]
    assert alerts == [{"channel": "sms", "to_address": "+14165550199"}]   # the demo's on-duty dispatcher, once
