"""The technician's job through the staff pages: roles, clock, line items, close-out, invoice."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest

from domain.db import fetch_dicts, fetch_value, tenant_tx
from tests.staff.helpers import SEED_NOTES, csrf_of, seed, signed_in

MIKE, LISA, JAMIE = "mike@demo.fieldbook.test", "lisa@demo.fieldbook.test", "jamie@demo.fieldbook.test"


async def _service_id(db, tenant_id, name):
    async with tenant_tx(db.app_pool, tenant_id, "test") as conn:
        return await fetch_value(conn, "select id from services where name = %s", (name,))


async def _work_the_job(client, db, demo, csrf) -> None:
    """Clock in, one line item of each pricing type, close-out step 1 with the seed's notes."""
    base = f"/staff/tickets/{demo.ticket_id}"
    assert (await client.post(f"{base}/clock-in", data={"csrf_token": csrf})).status_code == 303
    for name, qty, price in (("Furnace repair (diagnostic visit)", "1", ""), ("Outlet installation", "3", ""),
                             ("Labour (hourly)", "1.5", "110")):
        response = await client.post(f"{base}/line-items", data={
            "csrf_token": csrf, "service_id": str(await _service_id(db, demo.tenant_id, name)),
            "quantity": qty, "unit_price": price})
        assert response.status_code == 303, response.text


class TestRoles:
    async def test_technician_cannot_open_another_technicians_ticket(self, db, client, clock):
        demo = await seed(db)
        csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=LISA, now=clock.now())
        assert (await client.get(f"/staff/tickets/{demo.ticket_id}")).status_code == 404
        clock_in = await client.post(f"/staff/tickets/{demo.ticket_id}/clock-in", data={"csrf_token": csrf})
        assert clock_in.status_code == 404
        assert (await client.get("/staff/board")).status_code == 403
        day = await client.get("/staff/day")
        assert "Sarah Johnson" not in day.text

    async def test_dispatcher_sees_every_job(self, db, client, clock):
        demo = await seed(db)
        await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
        assert (await client.get(f"/staff/tickets/{demo.ticket_id}")).status_code == 200
        board = await client.get("/staff/board", params={"day": "2025-11-06"})
        assert board.status_code == 200 and "Mike Chen" in board.text and 'class="cell booked"' in board.text


class TestJob:
    async def test_day_lists_the_job_with_attributes_and_map(self, db, client, clock):
        demo = await seed(db)
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            await conn.execute("""insert into attributes (tenant_id, contact_id, key, value)
                select tenant_id, id, 'pet', '{"type": "dog", "name": "Biscuit"}' from contacts""")
        await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        day = await client.get("/staff/day")
        assert "Sarah Johnson" in day.text and "name: Biscuit" in day.text
        assert "google.com/maps/search" in day.text and "456 Oak Avenue" in day.text and "10:00" in day.text

    async def test_line_items_priced_by_type(self, db, client, clock):
        demo = await seed(db)
        csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        await _work_the_job(client, db, demo, csrf)
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            lines = await fetch_dicts(conn, "select quantity, unit_price, total from line_items order by created_at")
        assert [(r["quantity"], r["unit_price"], r["total"]) for r in lines] == [
            (Decimal("1.00"), Decimal("149.00"), Decimal("149.00")),
            (Decimal("3.00"), Decimal("85.00"), Decimal("255.00")),
            (Decimal("1.50"), Decimal("110.00"), Decimal("165.00"))]
        page = await client.get(f"/staff/tickets/{demo.ticket_id}")
        assert "569.00" in page.text

    async def test_closeout_closes_saves_attributes_and_drafts_invoice(self, db, client, clock):
        demo = await seed(db)
        csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        await _work_the_job(client, db, demo, csrf)
        clock.advance(95 * 60)
        step2 = await client.post(f"/staff/tickets/{demo.ticket_id}/closeout",
                                  data={"csrf_token": csrf, "duration_minutes": "95", "notes": SEED_NOTES})
        assert step2.status_code == 200 and 'value="type: dog, name: Biscuit"' in step2.text
        form = {"csrf_token": csrf_of(step2.text), "next_service": "reach_out", "months": "6",
                "attr-0-keep": "on", "attr-0-key": "customer_demographic", "attr-0-value": "elderly, lives alone",
                "attr-1-keep": "on", "attr-1-key": "pet", "attr-1-value": "type: dog, name: Biscuit",
                "attr-2-key": "property_notes", "attr-2-value": "keep gate closed",   # unticked: dropped
                "attr-3-keep": "on", "attr-3-key": "gate_code", "attr-3-value": "4411"}
        done = await client.post(f"/staff/tickets/{demo.ticket_id}/closeout/finalize", data=form)
        assert done.status_code == 303 and done.headers["location"].startswith("/staff/invoices/")
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            ticket = (await fetch_dicts(conn, "select * from tickets where id = %s", (demo.ticket_id,)))[0]
            attrs = {r["key"]: r for r in await fetch_dicts(conn, "select * from attributes")}
            note = (await fetch_dicts(conn, "select * from notes where ticket_id = %s", (demo.ticket_id,)))[0]
            invoice = (await fetch_dicts(conn, "select * from invoices where ticket_id = %s", (demo.ticket_id,)))[0]
            reminder = await fetch_dicts(conn, "select * from scheduled_messages where message_type = 'service_reminder'")
        assert ticket["status"] == "completed" and ticket["closed_at"] and ticket["actual_duration_minutes"] == 95
        assert set(attrs) == {"customer_demographic", "pet", "gate_code"}
        assert attrs["pet"]["value"] == {"type": "dog", "name": "Biscuit"}
        assert attrs["customer_demographic"]["value"] == "elderly, lives alone"
        assert all(a["source_note_id"] == note["id"] for a in attrs.values()) and note["content"] == SEED_NOTES
        assert invoice["status"] == "draft" and invoice["total_amount"] == Decimal("569.00")
        assert len(reminder) == 1 and reminder[0]["scheduled_for"].month == 5
        page = await client.get(done.headers["location"])
        assert page.status_code == 200 and "$569.00" in page.text and invoice["number"] in page.text
        again = await client.post(f"/staff/tickets/{demo.ticket_id}/line-items", data={
            "csrf_token": csrf, "service_id": str(await _service_id(db, demo.tenant_id, "Labour (hourly)"))})
        assert again.status_code == 409 and "TICKET_CLOSED" in again.text

    async def test_invalid_attribute_key_leaves_ticket_open(self, db, client, clock):
        demo = await seed(db)
        csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        await _work_the_job(client, db, demo, csrf)
        await client.post(f"/staff/tickets/{demo.ticket_id}/closeout",
                          data={"csrf_token": csrf, "duration_minutes": "60", "notes": "ok"})
        bad = await client.post(f"/staff/tickets/{demo.ticket_id}/closeout/finalize", data={
            "csrf_token": csrf, "attr-0-keep": "on", "attr-0-key": "9bad", "attr-0-value": "x"})
        assert bad.status_code == 422 and "INVALID_ATTRIBUTE" in bad.text
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            assert await fetch_value(conn, "select closed_at from tickets where id = %s", (demo.ticket_id,)) is None
            assert await fetch_value(conn, "select count(*) from invoices") == 0


class TestDatabaseGuards:
    async def test_closed_ticket_rejects_changes_in_the_database(self, db, factory):
        demo = await seed(db)
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            await conn.execute("update tickets set status = 'in_progress', clock_in_at = now() where id = %s",
                               (demo.ticket_id,))
            await conn.execute("update tickets set status = 'completed', closed_at = now() where id = %s",
                               (demo.ticket_id,))
        for statement in ("update tickets set description = 'changed' where id = %(t)s",
                          "update tickets set status = 'in_progress', closed_at = null where id = %(t)s",
                          """insert into line_items (tenant_id, ticket_id, description, unit_price)
                             select tenant_id, id, 'extra', 10 from tickets where id = %(t)s"""):
            with pytest.raises(psycopg.errors.CheckViolation) as err:
                async with db.app_pool.connection() as conn, conn.transaction():
                    await conn.execute("select set_config('app.tenant_id', %s, true)", (str(demo.tenant_id),))
                    await conn.execute(statement, {"t": demo.ticket_id})
            assert err.value.diag.constraint_name == "tickets_closed_immutable"

    async def test_sent_invoice_is_immutable_except_status(self, db):
        from domain.invoices.models import InvoiceSend
        from domain.invoices.service import create_draft_from_ticket
        from domain.invoices.settlement import mark_paid, send_invoice
        demo = await seed(db)
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            await conn.execute("""insert into line_items (tenant_id, ticket_id, description, quantity, unit_price)
                                  values (%s, %s, 'Repair', 2, 50)""", (demo.tenant_id, demo.ticket_id))
            from datetime import datetime, UTC
            now = datetime.now(UTC)
            inv = await create_draft_from_ticket(conn, tenant_id=demo.tenant_id, ticket_id=demo.ticket_id,
                                                 contact_id=None, now=now)
            assert inv.total_amount == Decimal("100.00") and inv.number == "INV-00001"
            from domain.tenants.service import get_tenant
            await send_invoice(conn, tenant=await get_tenant(conn, demo.tenant_id), invoice_id=inv.id, now=now,
                               data=InvoiceSend(channel="sms", to_address="+14165559876", link="http://x/i"))
        for statement in ("update invoices set total_amount = 1 where id = %(i)s",
                          "update invoice_lines set unit_price = 1 where invoice_id = %(i)s",
                          "delete from invoice_lines where invoice_id = %(i)s",
                          "update invoices set status = 'draft' where id = %(i)s"):
            with pytest.raises(psycopg.errors.CheckViolation) as err:
                async with db.app_pool.connection() as conn, conn.transaction():
                    await conn.execute("select set_config('app.tenant_id', %s, true)", (str(demo.tenant_id),))
                    await conn.execute(statement, {"i": inv.id})
            assert err.value.diag.constraint_name == "invoices_sent_immutable"
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            paid = await mark_paid(conn, tenant_id=demo.tenant_id, invoice_id=inv.id, now=now)
            assert paid.status == "paid"
            queued = await fetch_dicts(conn, "select * from scheduled_messages where message_type = 'invoice'")
            assert len(queued) == 1 and queued[0]["payload"]["link"] == "http://x/i"
            assert queued[0]["payload"]["amount"] == "100.00" and queued[0]["to_address"] == "+14165559876"


class TestInvoicePages:
    async def test_send_then_customer_link_shows_printable_invoice(self, db, client, clock):
        import re
        demo = await seed(db)
        csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        await _work_the_job(client, db, demo, csrf)
        await client.post(f"/staff/tickets/{demo.ticket_id}/closeout",
                          data={"csrf_token": csrf, "duration_minutes": "60", "notes": ""})
        done = await client.post(f"/staff/tickets/{demo.ticket_id}/closeout/finalize", data={"csrf_token": csrf})
        invoice_url = done.headers["location"]
        draft = await client.get(invoice_url)
        link = re.search(r'http://testserver/invoice/[^"]+', draft.text)
        assert link is None   # no customer link while it is a draft
        sent = await client.post(f"{invoice_url}/send", data={"csrf_token": csrf, "channel": "sms"})
        assert sent.status_code == 303
        page = await client.get(invoice_url)
        assert 'id="invoice-status">sent' in page.text
        link = re.search(r'href="(http://testserver/invoice/[^"]+)"', page.text).group(1)
        client.cookies.clear()   # the customer has no session
        printable = await client.get(link.removeprefix("http://testserver"))
        assert printable.status_code == 200 and "$569.00" in printable.text and "Maple Leaf Home Services" in printable.text
        forged = await client.get(link.removeprefix("http://testserver")[:-3] + "xyz")
        assert forged.status_code == 404
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            queued = await fetch_dicts(conn, "select channel, to_address, payload from scheduled_messages "
                                             "where message_type = 'invoice'")
        assert queued[0]["to_address"] == "+14165559876" and queued[0]["payload"]["link"] == link
