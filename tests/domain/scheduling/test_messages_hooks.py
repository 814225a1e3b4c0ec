"""Booking queues the confirmation and the day-before reminder; reschedule moves them; cancel cancels them."""

from datetime import timedelta

import pytest

from domain.errors import Conflict
from domain.scheduling import service
from domain.scheduling.errors import SlotTaken
from tests.domain.scheduling.helpers import NOW, local, technician, ticket

FRIDAY_NINE = local(2025, 11, 7, 9)     # 23.5 hours after NOW: too close for a reminder
MONDAY_NINE = local(2025, 11, 10, 9)
PHONE = "+14165550101"


async def setup(factory):
    a = await factory.tenant()
    async with a.tx() as conn:
        mike = await technician(conn, a.id, "Mike", ["HVAC"])
        ana = await technician(conn, a.id, "Ana", ["HVAC"])
        t = await ticket(conn, a.id, phone=PHONE)
    return a, mike, ana, t


async def messages(conn, appointment_id):
    cur = await conn.execute("""
        select message_type, status, to_address, scheduled_for, expires_at, payload->>'technician_name',
               payload->>'starts_at'
          from scheduled_messages where appointment_id = %s order by message_type""", (appointment_id,))
    return await cur.fetchall()


async def book(conn, a, t, tech, start):
    return await service.book(conn, tenant=a.tenant, ticket_id=t, technician_id=tech, start=start,
                              duration_minutes=120, now=NOW, booked_by="test")


async def status_changes(conn):
    cur = await conn.execute("""select payload->>'from', payload->>'to' from outbox_events
                                 where event_type = 'ticket.status_changed' order by created_at""")
    return await cur.fetchall()


class TestBook:
    async def test_queues_one_confirmation_and_one_reminder(self, factory):
        a, mike, _, t = await setup(factory)
        async with a.tx() as conn:
            appt = await book(conn, a, t, mike, MONDAY_NINE)
        async with a.tx() as conn:
            (conf, conf_status, conf_to, conf_at, conf_expires, conf_tech, _), \
                (rem, rem_status, rem_to, rem_at, rem_expires, _, _) = await messages(conn, appt.id)
        assert (conf, conf_status, conf_to, conf_at, conf_expires, conf_tech) == (
            "appointment_confirmation", "pending", PHONE, NOW, None, "Mike")
        assert (rem, rem_status, rem_to, rem_at, rem_expires) == (
            "appointment_reminder", "pending", PHONE, MONDAY_NINE - timedelta(hours=24), MONDAY_NINE)

    async def test_less_than_a_day_ahead_gets_the_confirmation_only(self, factory):
        a, mike, _, t = await setup(factory)
        async with a.tx() as conn:
            appt = await book(conn, a, t, mike, FRIDAY_NINE)
            assert [m[0] for m in await messages(conn, appt.id)] == ["appointment_confirmation"]

    async def test_lost_race_queues_nothing(self, factory):
        a, mike, _, t = await setup(factory)
        async with a.tx() as conn:
            other = await ticket(conn, a.id, phone="+14165550199")
            await book(conn, a, other, mike, MONDAY_NINE)
            with pytest.raises(SlotTaken):
                await book(conn, a, t, mike, MONDAY_NINE + timedelta(hours=1))
            cur = await conn.execute("select count(*) from scheduled_messages where ticket_id = %s", (t,))
            assert (await cur.fetchone())[0] == 0

    async def test_ticket_goes_open_to_scheduled_through_the_lifecycle(self, factory):
        a, mike, _, t = await setup(factory)
        async with a.tx() as conn:
            await book(conn, a, t, mike, MONDAY_NINE)
            assert await status_changes(conn) == [("open", "scheduled")]

    async def test_ticket_in_progress_cannot_be_booked(self, factory):
        a, mike, _, _ = await setup(factory)
        async with a.tx() as conn:
            busy = await ticket(conn, a.id, phone="+14165550177", status="in_progress")
            with pytest.raises(Conflict) as caught:
                await book(conn, a, busy, mike, MONDAY_NINE)
        assert caught.value.code == "INVALID_TRANSITION"


class TestReschedule:
    async def test_moves_the_reminder(self, factory):
        a, mike, _, t = await setup(factory)
        later = MONDAY_NINE + timedelta(days=1, hours=2)
        async with a.tx() as conn:
            appt = await book(conn, a, t, mike, MONDAY_NINE)
        async with a.tx() as conn:
            await service.reschedule(conn, tenant=a.tenant, appointment_id=appt.id, start=later, now=NOW)
        async with a.tx() as conn:
            conf, rem = await messages(conn, appt.id)
        assert rem[:5] == ("appointment_reminder", "pending", PHONE, later - timedelta(hours=24), later)
        assert conf[1] == "pending" and conf[3] == NOW
        assert [m[0] for m in (conf, rem)] == ["appointment_confirmation", "appointment_reminder"]

    async def test_another_technician_is_named_in_the_reminder(self, factory):
        a, mike, ana, t = await setup(factory)
        async with a.tx() as conn:
            appt = await book(conn, a, t, mike, MONDAY_NINE)
            await service.reschedule(conn, tenant=a.tenant, appointment_id=appt.id, start=MONDAY_NINE,
                                     technician_id=ana, now=NOW)
            _, rem = await messages(conn, appt.id)
        assert rem[5] == "Ana"

    async def test_failed_reschedule_leaves_the_reminder(self, factory):
        a, mike, _, t = await setup(factory)
        async with a.tx() as conn:
            appt = await book(conn, a, t, mike, MONDAY_NINE)
            await book(conn, a, await ticket(conn, a.id, phone="+14165550199"), mike, MONDAY_NINE + timedelta(hours=4))
        async with a.tx() as conn:
            with pytest.raises(SlotTaken):
                await service.reschedule(conn, tenant=a.tenant, appointment_id=appt.id,
                                         start=MONDAY_NINE + timedelta(hours=4), now=NOW)
            _, rem = await messages(conn, appt.id)
        assert rem[3:5] == (MONDAY_NINE - timedelta(hours=24), MONDAY_NINE)


class TestCancel:
    async def test_cancels_the_pending_messages_and_reopens_the_ticket(self, factory):
        a, mike, _, t = await setup(factory)
        async with a.tx() as conn:
            appt = await book(conn, a, t, mike, MONDAY_NINE)
        async with a.tx() as conn:
            await service.cancel(conn, tenant=a.tenant, appointment_id=appt.id, now=NOW)
        async with a.tx() as conn:
            statuses = [(m[0], m[1]) for m in await messages(conn, appt.id)]
            row = await (await conn.execute("select status, technician_id from tickets where id = %s", (t,))).fetchone()
            changes = await status_changes(conn)
        assert statuses == [("appointment_confirmation", "cancelled"), ("appointment_reminder", "cancelled")]
        assert row == ("open", None)
        assert changes == [("open", "scheduled"), ("scheduled", "open")]

    async def test_rebooking_after_cancel_queues_fresh_messages(self, factory):
        a, mike, _, t = await setup(factory)
        async with a.tx() as conn:
            first = await book(conn, a, t, mike, MONDAY_NINE)
            await service.cancel(conn, tenant=a.tenant, appointment_id=first.id, now=NOW)
            second = await book(conn, a, t, mike, MONDAY_NINE + timedelta(hours=3))
            assert [(m[0], m[1]) for m in await messages(conn, second.id)] == [
                ("appointment_confirmation", "pending"), ("appointment_reminder", "pending")]
