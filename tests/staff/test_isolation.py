"""Cross-tenant access: every staff page of business A is closed to a signed-in member of business B,
and the staff tables (magic links, sessions) are isolated by row-level security."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from domain.db import fetch_value, tenant_tx
from domain.staff.service import StaffUserCreate, create_staff_user
from tests.staff.helpers import SEED_NOTES, csrf_of, link_for, seed, signed_in


async def _other_business(factory, role="owner"):
    other = await factory.tenant()
    async with other.tx() as conn:
        await create_staff_user(conn, tenant_id=other.id, data=StaffUserCreate(
            email="boss@other.test", name="Other Boss", role=role))
    return other


async def _closed_job_with_invoice(client, db, demo, clock):
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email="mike@demo.fieldbook.test", now=clock.now())
    base = f"/staff/tickets/{demo.ticket_id}"
    await client.post(f"{base}/clock-in", data={"csrf_token": csrf})
    await client.post(f"{base}/closeout", data={"csrf_token": csrf, "duration_minutes": "60", "notes": SEED_NOTES})
    done = await client.post(f"{base}/closeout/finalize", data={"csrf_token": csrf, "attr-0-keep": "on",
                                                                "attr-0-key": "pet", "attr-0-value": "dog"})
    client.cookies.clear()
    return done.headers["location"].rsplit("/", 1)[1]


async def test_every_page_of_another_business_is_closed(db, client, clock, factory):
    demo = await seed(db)
    invoice_id = await _closed_job_with_invoice(client, db, demo, clock)
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        sarah = await fetch_value(conn, "select id from contacts where phone = '+14165559876'")
        conversation = await fetch_value(conn, """insert into conversations (tenant_id, channel, contact_id)
            values (%s, 'web', %s) returning id""", (demo.tenant_id, sarah))
        await conn.execute("""insert into conversation_messages (tenant_id, conversation_id, role, content)
            values (%s, %s, 'customer', 'My furnace is broken')""", (demo.tenant_id, conversation))
    other = await _other_business(factory)
    csrf = await signed_in(client, db, tenant_id=other.id, email="boss@other.test", now=clock.now())
    for path in (f"/staff/tickets/{demo.ticket_id}", f"/staff/invoices/{invoice_id}",
                 f"/staff/invoices/{invoice_id}/print", f"/staff/contacts/{sarah}",
                 f"/staff/conversations/{conversation}"):
        response = await client.get(path)
        assert response.status_code == 404, path
    for path in (f"/staff/tickets/{demo.ticket_id}/clock-in", f"/staff/tickets/{demo.ticket_id}/clock-out",
                 f"/staff/invoices/{invoice_id}/send", f"/staff/invoices/{invoice_id}/void"):
        assert (await client.post(path, data={"csrf_token": csrf})).status_code == 404, path
    board = await client.get("/staff/board", params={"day": "2025-11-06"})
    day = await client.get("/staff/day")
    contacts = await client.get("/staff/contacts", params={"q": "Sarah"})
    invoices = await client.get("/staff/invoices")
    for page in (board, day, contacts, invoices):
        assert page.status_code == 200 and "Johnson" not in page.text and "TASK-0000" not in page.text
    assigned = await client.post("/staff/board/assign", data={"csrf_token": csrf, "ticket_id": str(demo.ticket_id),
                                                              "technician_id": str(demo.mike_id)})
    assert assigned.status_code in (404, 422)
    # A's owner still sees them (the 404s above were the tenant boundary, not missing rows)
    client.cookies.clear()
    await signed_in(client, db, tenant_id=demo.tenant_id, email="taylor@demo.fieldbook.test", now=clock.now())
    assert (await client.get(f"/staff/conversations/{conversation}")).status_code == 200
    assert "My furnace is broken" in (await client.get(f"/staff/conversations/{conversation}")).text


async def test_session_cookie_of_one_business_does_not_open_another(db, client, clock, factory):
    demo = await seed(db)
    other = await _other_business(factory)
    await signed_in(client, db, tenant_id=other.id, email="boss@other.test", now=clock.now())
    cookie = client.cookies["fieldbook_session"]
    _, _, secret = cookie.partition(".")
    client.cookies.set("fieldbook_session", f"{demo.tenant_id}.{secret}")   # same secret, A's tenant id
    assert (await client.get("/staff/day")).status_code == 303


@pytest.mark.parametrize("table", ["magic_links", "staff_sessions"])
async def test_staff_tables_are_isolated(db, client, clock, factory, table):
    demo = await seed(db)
    await link_for(db, tenant_id=demo.tenant_id, email="mike@demo.fieldbook.test", now=clock.now())
    await signed_in(client, db, tenant_id=demo.tenant_id, email="mike@demo.fieldbook.test", now=clock.now())
    other = await _other_business(factory)
    async with other.tx() as conn:
        assert await fetch_value(conn, f"select count(*) from {table}") == 0
        assert (await conn.execute(f"update {table} set expires_at = now()")).rowcount == 0
        assert (await conn.execute(f"delete from {table}")).rowcount == 0
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        # untouched: still the expiry set from the test clock (B's update would have made it now())
        assert await fetch_value(conn, f"select count(*) from {table} where expires_at < %s",
                                 (clock.now() + timedelta(days=1),)) >= 1
        mike = await fetch_value(conn, "select id from staff_users where email = 'mike@demo.fieldbook.test'")
    extra = "csrf_token, " if table == "staff_sessions" else ""
    with pytest.raises(psycopg.errors.ForeignKeyViolation):   # B cannot point at A's staff user
        async with db.app_pool.connection() as conn, conn.transaction():
            await conn.execute("select set_config('app.tenant_id', %s, true)", (str(other.id),))
            await conn.execute(f"""insert into {table} (tenant_id, staff_user_id, token_hash, {extra}expires_at)
                values (%s, %s, repeat('a', 64), {"'x', " if extra else ""}now())""", (other.id, mike))


async def test_login_requests_are_invisible_to_the_serving_role(db, client):
    await seed(db)
    page = await client.get("/staff/login")
    await client.post("/staff/login", data={"email": "x@example.com", "csrf_token": csrf_of(page.text)})
    async with db.app_pool.connection() as conn:
        assert await fetch_value(conn, "select count(*) from login_requests") == 0
    async with db.admin_pool.connection() as conn:
        assert await fetch_value(conn, "select count(*) from login_requests") == 1
