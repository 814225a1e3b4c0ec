"""book, reschedule, cancel, waitlisting and tenant isolation, on the real database."""

import asyncio
from datetime import timedelta

import psycopg
import pytest

from domain.errors import Conflict, Invalid, NotFound
from domain.scheduling import service
from domain.scheduling.errors import SlotTaken
from tests.domain.scheduling.helpers import NOW, local, overlapping_pairs, technician, ticket, time_off

NINE = local(2025, 11, 7, 9)


async def setup(factory, **tenant):
    a = await factory.tenant(**tenant)
    async with a.tx() as conn:
        mike = await technician(conn, a.id, "Mike", ["HVAC"])
        lisa = await technician(conn, a.id, "Lisa", ["Electrical"])
    return a, mike, lisa


async def book(conn, a, t, tech, start, clock, minutes=120):
    return await service.book(conn, tenant=a.tenant, ticket_id=t, technician_id=tech, start=start,
                              duration_minutes=minutes, now=NOW, booked_by="test")


async def events(conn, event_type):
    cur = await conn.execute("select payload from outbox_events where event_type = %s order by created_at",
                             (event_type,))
    return [r[0] for r in await cur.fetchall()]


class TestBook:
    async def test_valid(self, factory, clock):
        a, mike, _ = await setup(factory)
        async with a.tx() as conn:
            t = await ticket(conn, a.id)
            appt = await book(conn, a, t, mike, NINE, clock)
        async with a.tx() as conn:
            row = await (await conn.execute("select status, technician_id, waitlisted from tickets where id = %s",
                                            (t,))).fetchone()
            booked = await events(conn, "appointment.booked")
        assert (appt.start, appt.end, appt.status) == (NINE, NINE + timedelta(hours=2), "booked")
        assert row == ("scheduled", mike, False)
        assert booked[0]["appointment_id"] == str(appt.id) and booked[0]["ticket_code"] == appt.ticket_code

    async def test_not_qualified_off_grid_and_past(self, factory, clock):
        a, mike, lisa = await setup(factory)
        async with a.tx() as conn:
            t = await ticket(conn, a.id)
            with pytest.raises(Invalid, match="HVAC") as not_qualified:
                await book(conn, a, t, lisa, NINE, clock)
            with pytest.raises(Invalid) as off_grid:
                await book(conn, a, t, mike, NINE + timedelta(minutes=5), clock)
            with pytest.raises(Invalid) as past:
                await book(conn, a, t, mike, local(2025, 11, 6, 9), clock)
        assert (not_qualified.value.code, off_grid.value.code, past.value.code) == (
            "TECHNICIAN_NOT_QUALIFIED", "OFF_GRID", "START_IN_PAST")

    async def test_ticket_already_booked(self, factory, clock):
        a, mike, _ = await setup(factory)
        async with a.tx() as conn:
            t = await ticket(conn, a.id)
            await book(conn, a, t, mike, NINE, clock)
            with pytest.raises(Conflict) as exc:
                await book(conn, a, t, mike, NINE + timedelta(hours=4), clock)
        assert exc.value.code == "TICKET_ALREADY_BOOKED"

    async def test_slot_taken_carries_next_three_options(self, factory, clock):
        a, mike, _ = await setup(factory)
        async with a.tx() as conn:
            await book(conn, a, await ticket(conn, a.id, phone="+14165550001"), mike, NINE, clock)
            with pytest.raises(SlotTaken) as exc:
                await book(conn, a, await ticket(conn, a.id), mike, NINE + timedelta(hours=1), clock)
        alternatives = exc.value.alternatives
        assert [o.start for o in alternatives] == [NINE + timedelta(hours=h) for h in (2, 4, 6)]
        assert exc.value.extra()["alternatives"][0]["technician_name"] == "Mike"

    async def test_lost_race_is_caught_by_the_constraint(self, factory, clock, db):
        """The second transaction passes the availability hint, then waits on the first; its insert fails."""
        a, mike, _ = await setup(factory)
        async with a.tx() as conn:
            first_ticket, second_ticket = await ticket(conn, a.id), await ticket(conn, a.id)
        async with a.tx() as first:
            await book(first, a, first_ticket, mike, NINE, clock)
            async with db.admin_pool.connection() as admin:
                second = asyncio.create_task(_book_in_own_tx(a, second_ticket, mike, clock))
                await _until_waiting_on_lock(admin, second)
        with pytest.raises(SlotTaken) as exc:
            await second
        assert exc.value.alternatives and exc.value.alternatives[0].start >= NINE + timedelta(hours=2)
        async with a.tx() as conn:
            assert await overlapping_pairs(conn) == 0
            status = await (await conn.execute("select status, technician_id from tickets where id = %s",
                                               (second_ticket,))).fetchone()
        assert status == ("open", None)  # the loser's transaction left nothing behind

    async def test_many_concurrent_bookings_one_wins(self, factory, clock):
        a, mike, _ = await setup(factory)
        async with a.tx() as conn:
            tickets = [await ticket(conn, a.id) for _ in range(6)]
        results = await asyncio.gather(*(_book_in_own_tx(a, t, mike, clock) for t in tickets),
                                       return_exceptions=True)
        assert sum(not isinstance(r, Exception) for r in results) == 1
        assert all(isinstance(r, SlotTaken) for r in results if isinstance(r, Exception))
        async with a.tx() as conn:
            assert await overlapping_pairs(conn) == 0


async def _book_in_own_tx(a, t, tech, clock):
    async with a.tx() as conn:
        return await book(conn, a, t, tech, NINE, clock)


async def _until_waiting_on_lock(admin, task, tries=2000):
    """Wait (by state, not by time) until some backend of this database waits on a lock."""
    for _ in range(tries):
        if task.done():
            return
        cur = await admin.execute("""select count(*) from pg_stat_activity
                                      where datname = current_database() and wait_event_type = 'Lock'""")
        await admin.commit()
        if (await cur.fetchone())[0]:
            return
        await asyncio.sleep(0)
    raise AssertionError("the second booking never reached the constraint")


class TestReschedule:
    async def test_valid_and_overlapping_its_own_time(self, factory, clock):
        a, mike, _ = await setup(factory)
        async with a.tx() as conn:
            appt = await book(conn, a, await ticket(conn, a.id), mike, NINE, clock)
            moved = await service.reschedule(conn, tenant=a.tenant, appointment_id=appt.id,
                                             start=NINE + timedelta(minutes=30), now=NOW)
            rescheduled = await events(conn, "appointment.rescheduled")
        assert (moved.id, moved.start, moved.end) == (appt.id, NINE + timedelta(minutes=30),
                                                      NINE + timedelta(minutes=150))
        assert rescheduled[0]["previous"]["start"] == NINE.astimezone(moved.start.tzinfo).isoformat().replace(
            "+00:00", "Z")

    async def test_failure_keeps_the_old_appointment(self, factory, clock):
        a, mike, _ = await setup(factory)
        async with a.tx() as conn:
            appt = await book(conn, a, await ticket(conn, a.id), mike, NINE, clock)
            await book(conn, a, await ticket(conn, a.id, phone="+14165550002"), mike, NINE + timedelta(hours=4), clock)
        with pytest.raises(SlotTaken):
            async with a.tx() as conn:
                await service.reschedule(conn, tenant=a.tenant, appointment_id=appt.id,
                                         start=NINE + timedelta(hours=3), now=NOW)
        async with a.tx() as conn:
            kept = await service.get_appointment(conn, appointment_id=appt.id)
            assert await events(conn, "appointment.rescheduled") == []
        assert (kept.start, kept.end, kept.status) == (appt.start, appt.end, "booked")

    async def test_to_another_technician(self, factory, clock):
        a, mike, _ = await setup(factory)
        async with a.tx() as conn:
            ana = await technician(conn, a.id, "Ana", ["HVAC"])
            t = await ticket(conn, a.id)
            appt = await book(conn, a, t, mike, NINE, clock)
            moved = await service.reschedule(conn, tenant=a.tenant, appointment_id=appt.id, start=NINE,
                                             technician_id=ana, now=NOW)
            assigned = await (await conn.execute("select technician_id from tickets where id = %s", (t,))).fetchone()
        assert moved.technician_id == ana and assigned == (ana,)


class TestCancel:
    async def test_valid_frees_the_time(self, factory, clock):
        a, mike, _ = await setup(factory)
        async with a.tx() as conn:
            t = await ticket(conn, a.id)
            appt = await book(conn, a, t, mike, NINE, clock)
            cancelled = await service.cancel(conn, tenant=a.tenant, appointment_id=appt.id, now=NOW)
            row = await (await conn.execute("select status, technician_id from tickets where id = %s",
                                            (t,))).fetchone()
            again = await book(conn, a, await ticket(conn, a.id), mike, NINE, clock)
            with pytest.raises(Conflict) as twice:
                await service.cancel(conn, tenant=a.tenant, appointment_id=appt.id, now=NOW)
            assert len(await events(conn, "appointment.cancelled")) == 1
        assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
        assert row == ("open", None) and again.start == NINE
        assert twice.value.code == "APPOINTMENT_NOT_BOOKED"


class TestNoTime:
    async def test_no_skilled_technician_waitlists(self, factory, clock):
        a, _, _ = await setup(factory)
        async with a.tx() as conn:
            t = await ticket(conn, a.id, category="Landscaping")
            found = await service.find_options_for_ticket(conn, tenant=a.tenant, ticket_id=t, now=NOW)
            row = await (await conn.execute("select status, technician_id, waitlisted from tickets where id = %s",
                                            (t,))).fetchone()
            waitlisted = await events(conn, "ticket.waitlisted")
        assert (found.options, found.waitlisted, found.reason) == ([], True, "NO_SKILLED_TECHNICIAN")
        assert row == ("open", None, True) and waitlisted[0]["reason"] == "NO_SKILLED_TECHNICIAN"

    async def test_full_window_offers_earliest_alternative(self, factory, clock):
        a, mike, _ = await setup(factory)
        async with a.tx() as conn:
            await time_off(conn, a.id, mike, local(2025, 11, 6), local(2025, 11, 11))
            t = await ticket(conn, a.id, urgency="emergency")
            found = await service.find_options_for_ticket(conn, tenant=a.tenant, ticket_id=t, now=NOW)
        assert not found.within_window and not found.waitlisted and found.reason == "OUTSIDE_WINDOW"
        assert found.options[0].start == local(2025, 11, 11, 9)

    async def test_full_horizon_waitlists_then_booking_clears(self, factory, clock):
        a, mike, _ = await setup(factory, booking_horizon_days=3)
        async with a.tx() as conn:
            await time_off(conn, a.id, mike, local(2025, 11, 6), local(2025, 11, 10))
            t = await ticket(conn, a.id)
            found = await service.find_options_for_ticket(conn, tenant=a.tenant, ticket_id=t, now=NOW)
        assert (found.options, found.waitlisted, found.reason) == ([], True, "NO_FREE_TIME")
        async with a.tx() as conn:
            await service.book(conn, tenant=a.tenant, ticket_id=t, technician_id=mike, start=local(2025, 11, 10, 9),
                               duration_minutes=60, now=NOW + timedelta(days=3), booked_by="test")
            row = await (await conn.execute("select status, waitlisted from tickets where id = %s", (t,))).fetchone()
        assert row == ("scheduled", False)


class TestTwoServicesOneDay:
    async def test_sequential_and_non_overlapping(self, factory, clock):
        """Seed 004 scenario 6.3: HVAC and electrical work for one customer the same day."""
        a, mike, lisa = await setup(factory)
        async with a.tx() as conn:
            hvac = await ticket(conn, a.id, "HVAC", preferred_start=NINE)
            electrical = await ticket(conn, a.id, "Electrical", preferred_start=NINE, minutes=60)
            first = (await service.find_options_for_ticket(conn, tenant=a.tenant, ticket_id=hvac,
                                                           now=NOW)).options[0]
            one = await book(conn, a, hvac, first.technician_id, first.start, clock)
            second = (await service.find_options_for_ticket(conn, tenant=a.tenant, ticket_id=electrical,
                                                            now=NOW)).options[0]
            two = await book(conn, a, electrical, second.technician_id, second.start, clock, minutes=60)
        assert (one.technician_id, one.start) == (mike, NINE)
        assert (two.technician_id, two.start) == (lisa, one.end)  # Lisa was free at 9:00, the customer was not


class TestOtherTenant:
    async def test_cannot_see_change_or_reference(self, factory, clock):
        a, mike, _ = await setup(factory)
        b, b_mike, _ = await setup(factory)
        async with a.tx() as conn:
            a_ticket = await ticket(conn, a.id)
            appt = await book(conn, a, a_ticket, mike, NINE, clock)
        async with b.tx() as conn:
            listed = await service.list_appointments(conn, start=NINE - timedelta(days=1), end=NINE + timedelta(days=1))
            with pytest.raises(NotFound):
                await service.get_appointment(conn, appointment_id=appt.id)
            with pytest.raises(NotFound):
                await service.cancel(conn, tenant=b.tenant, appointment_id=appt.id, now=NOW)
            with pytest.raises(NotFound):
                await book(conn, b, a_ticket, b_mike, NINE, clock)
            with pytest.raises(NotFound):
                await book(conn, b, await ticket(conn, b.id), mike, NINE, clock)
            updated = await conn.execute("update appointments set status = 'cancelled' where id = %s", (appt.id,))
            deleted = await conn.execute("delete from appointments where id = %s", (appt.id,))
            assert listed == [] and updated.rowcount == 0 and deleted.rowcount == 0
        with pytest.raises(NotFound) as fk:
            async with b.tx() as conn:
                await conn.execute("""insert into appointments (tenant_id, ticket_id, technician_id, during)
                                      values (%s, %s, %s, tstzrange(%s, %s))""",
                                   (b.id, a_ticket, b_mike, NINE, NINE + timedelta(hours=1)))
        assert fk.value.code == "UNKNOWN_REFERENCE"
        assert isinstance(fk.value.__cause__, psycopg.errors.ForeignKeyViolation)
        async with a.tx() as conn:
            assert (await service.get_appointment(conn, appointment_id=appt.id)).status == "booked"
