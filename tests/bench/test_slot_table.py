"""The seed's slot-table baseline answers what the product answers, and the COPY seed numbers tickets right."""

from datetime import timedelta

import pytest

from domain.db import tenant_tx
from domain.scheduling import service
from fieldbook.bench import slot_table
from fieldbook.bench.seed import NOW, seed
from tests.domain.scheduling.helpers import ticket


@pytest.fixture
async def bench(db):
    return await seed(db, slug="bench-test", technicians=10, appointments=900)


async def test_slot_table_offers_the_products_options(db, bench):
    await slot_table.build(db, tenant=bench.tenant, start=NOW, days=30)
    tenant = bench.tenant
    compared = 0
    for day in range(0, 21, 2):
        start = NOW + timedelta(days=day, hours=8)
        for category, minutes in (("HVAC", 120), ("Plumbing", 60), ("Electrical", 45)):
            async with tenant_tx(db.app_pool, tenant.id, "test") as conn:
                ours = await service.find_options(conn, tenant=tenant, category=category, duration_minutes=minutes,
                                                  earliest=start, latest=start + timedelta(days=5), now=NOW)
                seeds = await slot_table.find_options(conn, tenant=tenant, category=category,
                                                      duration_minutes=minutes, earliest=start,
                                                      latest=start + timedelta(days=5))
            assert [(o.technician_id, o.start, o.end) for o in seeds] == [(o.technician_id, o.start, o.end) for o in ours]
            compared += bool(ours)
    assert compared > 20   # the comparisons had options to compare


def test_free_runs_join_consecutive_slots():
    day = NOW + timedelta(hours=9)
    slots = [(day + timedelta(minutes=15 * i), available) for i, available in
             enumerate([True, True, False, True, True, True, False, False, True])]
    runs = slot_table.free_runs(slots)
    assert [(b - a) // 60 for a, b in runs] == [30, 45, 15]


async def test_seeded_tickets_are_numbered_and_the_counter_follows(db, bench):
    async with tenant_tx(db.app_pool, bench.tenant.id, "test") as conn:
        codes = [r[0] for r in await (await conn.execute("select code from tickets order by code")).fetchall()]
        assert codes[0] == "TASK-00001" and codes[-1] == "TASK-00900" and len(set(codes)) == 900
        booked = (await (await conn.execute("select count(*) from appointments")).fetchone())[0]
        assert booked == bench.appointments == 900
        new = await ticket(conn, bench.tenant.id, phone="+14165550123")
        code = (await (await conn.execute("select code from tickets where id = %s", (new,))).fetchone())[0]
    assert code == "TASK-00901"
