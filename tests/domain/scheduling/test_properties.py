"""Property-based: random book/cancel/reschedule sequences never overlap; every offered option books."""

from datetime import time, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.scheduling import service
from domain.scheduling.availability import epoch, fetch_free_time, pick_options, subtract
from domain.scheduling.availability import utc as utc_of
from tests.domain.scheduling.helpers import NOW, local, overlapping_pairs, technician, ticket

DAY0 = local(2025, 11, 7, 8)   # Friday 08:00, an hour before work starts: some requests fall outside it
DAYS = [DAY0, DAY0 + timedelta(days=3), DAY0 + timedelta(days=4)]  # Friday, Monday, Tuesday
durations = st.sampled_from([15, 30, 45, 60, 120, 180])
when = st.tuples(st.integers(0, 2), st.integers(0, len(DAYS) - 1), st.integers(0, 50))  # tech, day, quarter hour

operations = st.lists(st.one_of(
    st.tuples(st.just("book"), when, durations),
    st.tuples(st.just("offer"), st.integers(0, 2), durations),
    st.tuples(st.just("cancel"), st.integers(0, 30)),
    st.tuples(st.just("reschedule"), st.integers(0, 30), when),
), min_size=1, max_size=14)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class Run:
    def __init__(self, handle, techs, clock):
        self.a, self.techs, self.now = handle, techs, NOW
        self.live: list = []

    def start(self, day: int, quarter: int):
        return DAYS[day] + timedelta(minutes=15 * quarter)

    async def book(self, conn, tech: int, start, minutes: int):
        t = await ticket(conn, self.a.id, phone=f"+1416555{len(self.live):04d}")
        appt = await service.book(conn, tenant=self.a.tenant, ticket_id=t, technician_id=self.techs[tech],
                                  start=start, duration_minutes=minutes, now=self.now, booked_by="property")
        self.live.append(appt.id)

    async def step(self, op) -> None:
        kind = op[0]
        async with self.a.tx() as conn:
            if kind == "book":
                (tech, day, quarter), minutes = op[1], op[2]
                await self.book(conn, tech, self.start(day, quarter), minutes)
            elif kind == "offer":
                await self.offer(conn, op[1], op[2])
            elif kind == "cancel" and self.live:
                await service.cancel(conn, tenant=self.a.tenant, appointment_id=self.live.pop(op[1] % len(self.live)),
                                     now=self.now)
            elif kind == "reschedule" and self.live:
                tech, day, quarter = op[2]
                await service.reschedule(conn, tenant=self.a.tenant, appointment_id=self.live[op[1] % len(self.live)],
                                         start=self.start(day, quarter), technician_id=self.techs[tech], now=self.now)

    async def offer(self, conn, choice: int, minutes: int) -> None:
        """Options offered now must book now: an error here is a failed property, not an expected refusal."""
        offered = await service.find_options(conn, tenant=self.a.tenant, category="HVAC", duration_minutes=minutes,
                                             earliest=self.now, latest=DAYS[-1] + timedelta(days=1), now=self.now)
        if offered:
            option = offered[choice % len(offered)]
            tech = self.techs.index(option.technician_id)
            try:
                await self.book(conn, tech, option.start, minutes)
            except DomainError as exc:
                raise AssertionError(f"offered option was not bookable: {exc.code}") from exc


@SETTINGS
@given(ops=operations)
async def test_random_sequences_never_overlap(factory, clock, ops):
    a = await factory.tenant(buffer_minutes=15)
    async with a.tx() as conn:
        techs = [await technician(conn, a.id, name, ["HVAC"]) for name in ("Ana", "Mike", "Zoe")]
    run = Run(a, techs, clock)
    for op in ops:
        try:
            await run.step(op)
        except AssertionError:
            raise
        except DomainError:
            pass  # a refused request (taken, outside hours, off grid...) must leave nothing behind
        async with a.tx() as conn:
            assert await overlapping_pairs(conn) == 0
            live = await (await conn.execute("select count(*) from appointments where status = 'booked'")).fetchone()
        assert live[0] == len(run.live)


bookings = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 6), st.integers(0, 50), durations), max_size=12)
searches = st.tuples(st.integers(0, 6 * 96), st.sampled_from([1, 6, 30, 60, 24 * 7]), durations,
                     st.integers(1, 5), st.sampled_from([None, 0, 1, 2]))


@SETTINGS
@given(booked=bookings, search=searches, buffer=st.sampled_from([0, 15]))
@example(booked=[], search=(200, 24 * 7, 60, 3, None), buffer=0)    # Saturday: nothing before Monday
@example(booked=[], search=(0, 24 * 7, 180, 5, 2), buffer=0)        # Zoe is preferred; she works Monday too
async def test_lazy_search_ranks_as_the_whole_window(factory, clock, booked, search, buffer):
    """find_options sweeps free time lazily, as far as its search goes: the answer must be the one ranked over
    the whole window's free time, computed first (the customer's own bookings taken out too)."""
    a = await factory.tenant(buffer_minutes=buffer)
    async with a.tx() as conn:
        techs = [await technician(conn, a.id, "Ana", ["HVAC"]),
                 await technician(conn, a.id, "Mike", ["HVAC"], starts=time(7), ends=time(15)),
                 await technician(conn, a.id, "Zoe", ["HVAC"], days=(1, 3, 5))]
    for n, (tech, day, quarter, minutes) in enumerate(booked):
        try:
            async with a.tx() as conn:
                t = await ticket(conn, a.id, phone=f"+1416555{n:04d}")
                await service.book(conn, tenant=a.tenant, ticket_id=t, technician_id=techs[tech],
                                   start=DAY0 + timedelta(days=day, minutes=15 * quarter), duration_minutes=minutes,
                                   now=NOW, booked_by="property")
        except DomainError:
            pass
    quarters, hours, minutes, limit, preferred = search
    earliest = NOW + timedelta(minutes=15 * quarters)
    latest = earliest + timedelta(hours=hours)
    busy = [(epoch(DAY0 + timedelta(days=1, hours=2)), epoch(DAY0 + timedelta(days=1, hours=4)))]
    preferred_id = None if preferred is None else techs[preferred]
    async with a.tx() as conn:
        found = await service.find_options(
            conn, tenant=a.tenant, category="HVAC", duration_minutes=minutes, earliest=earliest, latest=latest,
            now=NOW, preferred_technician=preferred_id, customer_busy=busy, limit=limit)
        lo, hi = max(epoch(earliest), epoch(NOW)), min(epoch(latest), epoch(service.horizon_end(a.tenant, NOW)))
        whole = await fetch_free_time(conn, tz=a.tenant.tz, start=utc_of(lo), end=utc_of(hi + minutes * 60),
                                      buffer_minutes=buffer, category="HVAC")
    for free in whole:
        free.free = subtract(free.free, busy)
    expected = pick_options(whole, duration=minutes * 60, earliest=lo, latest=hi, tz=a.tenant.tz, limit=limit,
                            preferred=preferred_id)
    assert found == expected
