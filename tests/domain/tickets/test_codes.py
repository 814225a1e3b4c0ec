"""Ticket codes and invoice numbers keep counting past five digits."""

import pytest

from tests.domain.scheduling.helpers import ticket


@pytest.mark.parametrize("start", [99_998, 999_998])
async def test_ticket_codes_grow(factory, start):
    a = await factory.tenant()
    async with a.tx() as conn:
        await conn.execute("insert into ticket_counters (tenant_id, last_value) values (%s, %s)", (a.id, start))
        ids = [await ticket(conn, a.id, phone=f"+1416555{n:04d}") for n in range(3)]
        cur = await conn.execute("select code from tickets where id = any(%s) order by created_at, code", (ids,))
        codes = sorted(r[0] for r in await cur.fetchall())
    assert codes == sorted(f"TASK-{n:05d}" for n in range(start + 1, start + 4))


async def test_invoice_numbers_grow(factory):
    a = await factory.tenant()
    async with a.tx() as conn:
        await conn.execute("insert into invoice_counters (tenant_id, last_value) values (%s, 99999)", (a.id,))
        cur = await conn.execute("insert into invoices (tenant_id) values (%s), (%s) returning number", (a.id, a.id))
        numbers = sorted(r[0] for r in await cur.fetchall())
    assert numbers == ["INV-100000", "INV-100001"]
