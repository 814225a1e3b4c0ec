from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.errors import Invalid
from domain.messages.models import MessageCreate
from domain.messages.render import render
from domain.messages.service import (
    cancel_appointment_messages, list_messages, move_appointment_messages, queue_appointment_messages, queue_message,
)
from tests.messaging import insert_appointment, tenant_row

TORONTO = ZoneInfo("America/Toronto")


async def _book(a, clock, starts_at):
    async with a.tx() as conn:
        tenant = await tenant_row(conn)
        tech, ticket, appt = await insert_appointment(conn, a.id, starts_at=starts_at)
        queued = await queue_appointment_messages(
            conn, tenant=tenant, appointment_id=appt, ticket_id=ticket, technician_name="Mike Chen",
            starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), to_phone="+14165550101",
            contact_id=None, now=clock.now(), ticket_code="TASK-00001")
    return tenant, appt, queued


async def _rows(a, appt):
    async with a.tx() as conn:
        cur = await conn.execute("""select message_type, status, scheduled_for, expires_at, payload->>'starts_at'
                                      from scheduled_messages where appointment_id = %s order by created_at,
                                           message_type""", (appt,))
        return await cur.fetchall()


class TestQueueAppointmentMessages:
    async def test_confirmation_now_and_reminder_a_day_before(self, factory, clock):
        a = await factory.tenant()
        start = datetime(2025, 11, 10, 14, 0, tzinfo=TORONTO)
        _, appt, queued = await _book(a, clock, start)
        assert [m.message_type for m in queued] == ["appointment_confirmation", "appointment_reminder"]
        rows = {r[0]: r for r in await _rows(a, appt)}
        assert len(rows) == 2
        assert abs(rows["appointment_confirmation"][2] - clock.now()) < timedelta(seconds=5)
        assert rows["appointment_reminder"][2] == start - timedelta(hours=24)
        assert rows["appointment_reminder"][3] == start
        assert all(r[1] == "pending" for r in rows.values())

    async def test_booking_within_a_day_gets_no_reminder(self, factory, clock):
        a = await factory.tenant()
        _, appt, queued = await _book(a, clock, clock.now() + timedelta(hours=5))
        assert [r[0] for r in await _rows(a, appt)] == ["appointment_confirmation"]

    async def test_reschedule_moves_the_reminder(self, factory, clock):
        a = await factory.tenant()
        tenant, appt, _ = await _book(a, clock, datetime(2025, 11, 10, 14, 0, tzinfo=TORONTO))
        later = datetime(2025, 11, 12, 9, 0, tzinfo=TORONTO)
        async with a.tx() as conn:
            moved = await move_appointment_messages(conn, tenant=tenant, appointment_id=appt,
                                                    new_starts_at=later, now=clock.now())
        assert moved is not None and moved.scheduled_for == later - timedelta(hours=24)
        rows = {r[0]: r for r in await _rows(a, appt)}
        assert len(rows) == 2
        assert rows["appointment_reminder"][2] == later - timedelta(hours=24)
        assert rows["appointment_reminder"][3] == later
        assert datetime.fromisoformat(rows["appointment_reminder"][4]) == later

    async def test_reschedule_after_the_reminder_went_out_queues_a_new_one(self, factory, clock):
        a = await factory.tenant()
        tenant, appt, _ = await _book(a, clock, datetime(2025, 11, 10, 14, 0, tzinfo=TORONTO))
        async with a.tx() as conn:
            await conn.execute("update scheduled_messages set status = 'sent' where appointment_id = %s", (appt,))
            later = datetime(2025, 11, 14, 9, 0, tzinfo=TORONTO)
            await move_appointment_messages(conn, tenant=tenant, appointment_id=appt, new_starts_at=later,
                                            now=clock.now())
        pending = [r for r in await _rows(a, appt) if r[1] == "pending"]
        assert [(r[0], r[2]) for r in pending] == [("appointment_reminder", later - timedelta(hours=24))]

    async def test_reschedule_to_within_a_day_cancels_the_reminder(self, factory, clock):
        a = await factory.tenant()
        tenant, appt, _ = await _book(a, clock, datetime(2025, 11, 10, 14, 0, tzinfo=TORONTO))
        async with a.tx() as conn:
            assert await move_appointment_messages(conn, tenant=tenant, appointment_id=appt,
                                                   new_starts_at=clock.now() + timedelta(hours=3),
                                                   now=clock.now()) is None
        statuses = {r[0]: r[1] for r in await _rows(a, appt)}
        assert statuses["appointment_reminder"] == "cancelled"

    async def test_cancel_cancels_pending_messages(self, factory, clock):
        a = await factory.tenant()
        _, appt, _ = await _book(a, clock, datetime(2025, 11, 10, 14, 0, tzinfo=TORONTO))
        async with a.tx() as conn:
            assert await cancel_appointment_messages(conn, appointment_id=appt) == 2
        assert {r[1] for r in await _rows(a, appt)} == {"cancelled"}

    async def test_other_tenant_cannot_cancel(self, factory, clock):
        a, b = await factory.tenant(), await factory.tenant()
        _, appt, _ = await _book(a, clock, datetime(2025, 11, 10, 14, 0, tzinfo=TORONTO))
        async with b.tx() as conn:
            assert await cancel_appointment_messages(conn, appointment_id=appt) == 0
        assert {r[1] for r in await _rows(a, appt)} == {"pending"}


class TestQueueMessage:
    async def test_bad_context_fails_at_queue_time(self, factory, clock):
        a = await factory.tenant()
        with pytest.raises(Invalid) as err:
            async with a.tx() as conn:
                await queue_message(conn, tenant=await tenant_row(conn), now=clock.now(), data=MessageCreate(
                    message_type="verification_code", to_address="416 555 0101", payload={}))
        assert err.value.code == "TEMPLATE_CONTEXT"

    async def test_verification_codes_are_urgent_and_normalized(self, factory, clock):
        a = await factory.tenant()
        async with a.tx() as conn:
            m = await queue_message(conn, tenant=await tenant_row(conn), now=clock.now(), data=MessageCreate(
                message_type="verification_code", to_address="416 555 0101", payload={"code": "123456"}))
            page = await list_messages(conn, phone="+14165550101", status="pending")
        assert m.urgent and m.to_address == "+14165550101"
        assert [x.id for x in page.data] == [m.id]

    async def test_invalid_email(self, factory, clock):
        a = await factory.tenant()
        with pytest.raises(Invalid):
            async with a.tx() as conn:
                await queue_message(conn, tenant=await tenant_row(conn), now=clock.now(), data=MessageCreate(
                    message_type="custom", channel="email", to_address="not-an-email", payload={"text": "x"}))


class TestRender:
    def test_html_is_escaped_and_sms_is_not(self):
        context = {"business_name": "A&B <HVAC>", "business_phone": None, "tz": "America/Toronto",
                   "text": "<script>alert(1)</script>"}
        subject, html = render("custom", "email", context)
        assert "<script>" not in html and "&lt;script&gt;" in html
        _, sms = render("custom", "sms", context)
        assert sms == "<script>alert(1)</script>"

    def test_times_are_local(self):
        context = {"business_name": "Acme", "business_phone": None, "tz": "America/Toronto",
                   "technician_name": "Mike Chen", "starts_at": "2025-11-10T19:00:00+00:00", "ticket_code": None}
        _, sms = render("appointment_reminder", "sms", context)
        assert "Mon Nov 10 at 2:00 PM" in sms
