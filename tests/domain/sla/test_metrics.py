"""Ticket metrics: replies, reopens, first response (booking or staff reply), on site, resolution, breaches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.db import admin_tx
from domain.sla.service import ticket_metrics

T0 = datetime(2025, 11, 6, 14, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


# urgency, path of (status, minute), staff reply minute, agent replies, clock-in minute, now minute -> reached, breached
CASES = [
    ("emergency", [("open", 0), ("scheduled", 10)], None, 2, None, 60,
     {"first_response": 10}, []),
    ("emergency", [("open", 0), ("scheduled", 20)], None, 0, None, 60, {"first_response": 20}, ["first_response"]),
    ("emergency", [("open", 0)], 5, 1, None, 30, {"first_response": 5}, []),            # a staff reply answers
    ("emergency", [("open", 0)], None, 3, None, 300, {}, ["first_response", "on_site"]),  # agent chat is no response
    ("emergency", [("open", 0), ("scheduled", 5), ("in_progress", 250), ("completed", 400)], None, 0, 250, 2000,
     {"first_response": 5, "on_site": 250, "resolution": 400}, ["on_site"]),
    ("normal", [("open", 0), ("scheduled", 30), ("open", 60), ("scheduled", 90)], None, 0, None, 100,
     {"first_response": 30}, []),
    ("emergency", [("open", 0), ("cancelled", 3)], None, 0, None, 5000, {}, []),           # cancelled owes nothing
    ("scheduled", [("open", 0)], None, 0, None, 100_000, {}, ["first_response"]),          # only a response target
]


@pytest.mark.parametrize("urgency, path, staff, agent, clock_in, now, reached, breached", CASES)
async def test_metrics(factory, db, urgency, path, staff, agent, clock_in, now, reached, breached):
    tenant = await factory.tenant()
    final = path[-1][0]
    closed = at(path[-1][1]) if final in ("completed", "cancelled") else None
    async with admin_tx(db) as conn:
        await conn.execute("alter table tickets disable trigger status_history")
        conv = (await (await conn.execute("insert into conversations (tenant_id, channel) values (%s, 'web') "
                                          "returning id", (tenant.id,))).fetchone())[0]
        ticket = (await (await conn.execute("""
            insert into tickets (tenant_id, customer_phone, category, urgency, status, conversation_id, clock_in_at,
                                 clock_out_at, closed_at, created_at)
            values (%s, '+14165550100', 'HVAC', %s, %s, %s, %s, %s, %s, %s) returning id""",
            (tenant.id, urgency, final, conv, clock_in and at(clock_in), closed if final == "completed" else None,
             closed, T0))).fetchone())[0]
        previous = None
        for status, minute in path:
            await conn.execute("insert into ticket_status_history (tenant_id, ticket_id, status, from_status, changed_at)"
                               " values (%s, %s, %s, %s, %s)", (tenant.id, ticket, status, previous, at(minute)))
            previous = status
        for n in range(agent):
            await conn.execute("insert into conversation_messages (tenant_id, conversation_id, role, content, created_at)"
                               " values (%s, %s, 'agent', 'ok', %s)", (tenant.id, conv, at(n + 0.5)))
        if staff is not None:
            await conn.execute("insert into conversation_messages (tenant_id, conversation_id, role, content, created_at)"
                               " values (%s, %s, 'staff', 'On it', %s)", (tenant.id, conv, at(staff)))
        await conn.execute("insert into conversation_messages (tenant_id, conversation_id, role, content, created_at)"
                           " values (%s, %s, 'staff', 'before the ticket', %s)", (tenant.id, conv, at(-5)))
    async with tenant.tx() as conn:
        metrics = (await ticket_metrics(conn, ticket_ids=[ticket], now=at(now)))[ticket]
    assert metrics.replies == agent + (staff is not None)
    assert metrics.reopens == sum(1 for (s, _), (p, _) in zip(path[1:], path) if s == "open")
    for target in ("first_response", "on_site", "resolution"):
        assert metrics.minutes_to(target) == reached.get(target), target
    assert metrics.breached == breached
    assert metrics.first_response_due == at({"emergency": 15, "normal": 240, "scheduled": 1440}[urgency])


async def test_other_tenants_tickets_are_not_measured(factory, db):
    a, b = await factory.tenant(), await factory.tenant()
    async with a.tx() as conn:
        ticket = (await (await conn.execute("insert into tickets (tenant_id, customer_phone, category) "
                                            "values (%s, '+14165550100', 'HVAC') returning id", (a.id,))).fetchone())[0]
    async with b.tx() as conn:
        assert await ticket_metrics(conn, ticket_ids=[ticket], now=T0) == {}
