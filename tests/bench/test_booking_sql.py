"""The benchmark's pgbench bookings write what service.book writes: the same rows, through RLS."""

from datetime import timedelta

from psycopg.conninfo import conninfo_to_dict

from domain.db import tenant_tx
from domain.scheduling import service
from domain.scheduling.availability import epoch
from fieldbook.bench import booking_sql
from fieldbook.bench.seed import NOW
from tests.domain.scheduling.helpers import technician, ticket

MONDAY_9 = NOW + timedelta(days=7, hours=9)


async def _written(conn, ticket_id):
    """What a booking left behind for one ticket."""
    async def values(query):
        return sorted(r[0] for r in await (await conn.execute(query, {"t": ticket_id})).fetchall())
    return {
        "ticket": await values("select status || ' ' || (technician_id is not null) from tickets where id = %(t)s"),
        "appointments": await values("select status from appointments where ticket_id = %(t)s"),
        "messages": await values("select message_type || ' ' || status from scheduled_messages where ticket_id = %(t)s"),
        "events": await values("""select event_type from outbox_events where entity_id = %(t)s
                                  or entity_id in (select id from appointments where ticket_id = %(t)s)"""),
        "audited": await values("""select entity_type || ' ' || action from audit_log where entity_id = %(t)s
                                   or entity_id in (select id from appointments where ticket_id = %(t)s)"""),
    }


async def test_pgbench_books_like_the_service(db, database, factory):
    a = await factory.tenant(timezone="America/Toronto")
    async with tenant_tx(db.app_pool, a.id, "test") as conn:
        tech = await technician(conn, a.id, "Mike", ["HVAC"])
        tickets = [await ticket(conn, a.id, phone=f"+1416555{n:04d}") for n in range(4)]
    jobs = [(t, tech, epoch(MONDAY_9 + timedelta(hours=n))) for n, t in enumerate(tickets[1:])]
    async with tenant_tx(db.app_pool, a.id, "test") as conn:
        await service.book(conn, tenant=a.tenant, ticket_id=tickets[0], technician_id=tech,
                           start=MONDAY_9 + timedelta(hours=5), duration_minutes=60, now=NOW, booked_by="test")

    tps = await booking_sql.booking_sql_tps(db, a.tenant, jobs, url=database.app, role=database.app_role,
                                            database=conninfo_to_dict(database.admin)["dbname"], clients=1,
                                            transactions=len(jobs))

    assert tps > 0
    async with tenant_tx(db.app_pool, a.id, "test") as conn:
        by_service = await _written(conn, tickets[0])
        for t, _, _ in jobs:
            assert await _written(conn, t) == by_service
        booked = await (await conn.execute(
            "select count(*) from appointments where technician_id = %s and status = 'booked'", (tech,))).fetchone()
    assert booked[0] == 4
    assert by_service == {
        "ticket": ["scheduled true"], "appointments": ["booked"],
        "messages": ["appointment_confirmation pending", "appointment_reminder pending"],
        "events": ["appointment.booked", "ticket.status_changed"],
        "audited": ["appointments create", "tickets create", "tickets update"]}
