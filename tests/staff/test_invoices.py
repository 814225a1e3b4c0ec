"""Invoices and estimates through the staff pages and the customer's link: who may take the money
actions, standalone drafts with parts and tax, the overdue view, estimates accepted into tickets."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from domain.db import fetch_dicts, fetch_value, tenant_tx
from domain.invoices.models import InvoiceSend
from domain.invoices.service import create_draft_from_ticket
from domain.invoices.settlement import send_invoice
from domain.tenants.service import get_tenant
from tests.staff.helpers import csrf_of, seed, signed_in

MIKE, JAMIE, TAYLOR = "mike@demo.fieldbook.test", "jamie@demo.fieldbook.test", "taylor@demo.fieldbook.test"
LINK = re.compile(r'href="http://testserver(/invoice/[^"]+)"')


async def _sent_invoice_of_mikes_job(db, demo, clock, due_in: timedelta = timedelta(days=30)):
    """Mike's job with one line, drafted and sent (with its payment reminders), due `due_in` from now."""
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        await conn.execute("""insert into line_items (tenant_id, ticket_id, description, quantity, unit_price)
                              values (%s, %s, 'Repair', 1, 200)""", (demo.tenant_id, demo.ticket_id))
        invoice = await create_draft_from_ticket(conn, tenant_id=demo.tenant_id, ticket_id=demo.ticket_id,
                                                 contact_id=None, now=clock.now())
        await conn.execute("update invoices set due_at = %s", (clock.now() + due_in,))
        await send_invoice(conn, tenant=await get_tenant(conn, demo.tenant_id), invoice_id=invoice.id,
                           now=clock.now(), data=InvoiceSend(channel="sms", to_address="+14165559876", link="x"))
    return invoice


async def _status(db, demo, invoice_id):
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        return await fetch_value(conn, "select status from invoices where id = %s", (invoice_id,))


class TestMoneyActions:
    """Issue 13, finding 12: a technician could void or mark paid the invoice of their own job."""

    @pytest.mark.parametrize("action", ["paid", "void"])
    async def test_technician_cannot_settle_the_invoice_of_their_own_job(self, db, client, clock, action):
        demo = await seed(db)
        invoice = await _sent_invoice_of_mikes_job(db, demo, clock)
        csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        page = await client.get(f"/staff/invoices/{invoice.id}")
        assert page.status_code == 200 and 'id="mark-paid"' not in page.text and "void-invoice" not in page.text
        response = await client.post(f"/staff/invoices/{invoice.id}/{action}",
                                     data={"csrf_token": csrf, "method": "cash"})
        assert response.status_code == 403
        assert await _status(db, demo, invoice.id) == "sent"

    @pytest.mark.parametrize("who", [JAMIE, TAYLOR])
    async def test_dispatcher_and_owner_record_the_payment(self, db, client, clock, who):
        demo = await seed(db)
        invoice = await _sent_invoice_of_mikes_job(db, demo, clock)
        csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=who, now=clock.now())
        response = await client.post(f"/staff/invoices/{invoice.id}/paid", data={
            "csrf_token": csrf, "method": "e_transfer", "reference": "CA7Q2"})
        assert response.status_code == 303
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            [row] = await fetch_dicts(conn, "select status, payment_method, payment_reference from invoices")
            reminders = await fetch_dicts(conn, "select status from scheduled_messages "
                                                "where message_type = 'payment_reminder'")
        assert row == {"status": "paid", "payment_method": "e_transfer", "payment_reference": "CA7Q2"}
        assert reminders and {r["status"] for r in reminders} == {"cancelled"}
        page = await client.get(f"/staff/invoices/{invoice.id}")
        assert "e-Transfer" in page.text and "CA7Q2" in page.text

    async def test_void_stands_apart_from_send(self, db, client, clock):
        demo = await seed(db)
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            invoice = await create_draft_from_ticket(conn, tenant_id=demo.tenant_id, ticket_id=demo.ticket_id,
                                                     contact_id=None, now=clock.now())
        await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
        page = (await client.get(f"/staff/invoices/{invoice.id}")).text
        send_form = page[page.index('action="/staff/invoices/'):page.index('id="send-invoice"')]
        assert "void" not in send_form
        zone = page[page.index('<details class="card danger"'):]
        assert "data-confirm=" in zone and 'id="void-invoice"' in zone


class TestStandalone:
    async def test_invoice_with_a_part_and_hst(self, db, client, clock):
        demo = await seed(db)
        csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=TAYLOR, now=clock.now())
        again = await client.post("/staff/settings/tax-rates", data={
            "csrf_token": csrf, "name": "HST", "rate_percent": "13", "is_default": "on"})
        assert again.status_code == 409 and "DUPLICATE_TAX_RATE" in again.text   # the demo has HST already
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            sarah = await fetch_value(conn, "select id from contacts where phone = '+14165559876'")
            hst = await fetch_value(conn, "select id from tax_rates where name = 'HST'")
        made_default = await client.post(f"/staff/settings/tax-rates/{hst}", data={"csrf_token": csrf,
                                                                                 "action": "default"})
        assert made_default.status_code == 303
        created = await client.post("/staff/invoices/new", data={
            "csrf_token": csrf, "kind": "invoice", "contact_id": str(sarah), "title": "Parts"})
        assert created.status_code == 303
        url = created.headers["location"]
        for line in ({"description": "Flame sensor", "quantity": "1", "unit_price": "89.99"},
                     {"description": "Washer", "quantity": "1.5", "unit_price": "1.05"},
                     {"description": "Permit fee", "quantity": "1", "unit_price": "50", "tax_rate_id": "none"}):
            assert (await client.post(f"{url}/lines", data={"csrf_token": csrf} | line)).status_code == 303
        page = await client.get(url)
        assert 'id="invoice-subtotal">141.57' in page.text and 'data-tax="HST">11.90' in page.text
        assert 'id="invoice-total">$153.47' in page.text

    async def test_bad_lines_are_refused_with_nothing_saved(self, db, client, clock):
        demo = await seed(db)
        csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            sarah = await fetch_value(conn, "select id from contacts where phone = '+14165559876'")
        url = (await client.post("/staff/invoices/new", data={"csrf_token": csrf, "contact_id": str(sarah)})
               ).headers["location"]
        for bad in ({"description": "Part"}, {"description": "Part", "unit_price": "-1"},
                    {"description": "Part", "unit_price": "abc"}, {"unit_price": "5"}):
            assert (await client.post(f"{url}/lines", data={"csrf_token": csrf} | bad)).status_code == 422
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            assert await fetch_value(conn, "select count(*) from invoice_lines") == 0

    async def test_technicians_cannot_reach_the_money_pages(self, db, client, clock):
        demo = await seed(db)
        await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
        for path in ("/staff/invoices", "/staff/invoices/overdue", "/staff/settings/tax-rates"):
            assert (await client.get(path)).status_code == 403, path


class TestOverdue:
    async def test_overdue_view_totals_what_is_late(self, db, client, clock):
        demo = await seed(db)
        await _sent_invoice_of_mikes_job(db, demo, clock, due_in=timedelta(hours=1))
        await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
        on_time = await client.get("/staff/invoices/overdue")
        assert 'id="overdue-count">0' in on_time.text
        clock.advance(timedelta(hours=2).total_seconds())
        late = await client.get("/staff/invoices/overdue")
        assert 'id="overdue-count">1' in late.text and 'id="overdue-sum">$200.00' in late.text
        listing = await client.get("/staff/invoices")
        assert 'id="overdue-total">$200.00' in listing.text


class TestEstimateLink:
    async def test_customer_accepts_and_a_ticket_waits_to_be_booked(self, db, client, clock):
        demo = await seed(db)
        csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            sarah = await fetch_value(conn, "select id from contacts where phone = '+14165559876'")
        url = (await client.post("/staff/invoices/new", data={
            "csrf_token": csrf, "kind": "estimate", "contact_id": str(sarah), "category": "Plumbing",
            "title": "New water heater"})).headers["location"]
        await client.post(f"{url}/lines", data={"csrf_token": csrf, "description": "Water heater 50 gal",
                                                "unit_price": "1450"})
        assert (await client.post(f"{url}/send", data={"csrf_token": csrf, "channel": "sms"})).status_code == 303
        link = LINK.search((await client.get(url)).text).group(1)
        client.cookies.clear()   # the customer has no session
        page = await client.get(link)
        assert page.status_code == 200 and 'id="accept-estimate"' in page.text and "EST-00001" in page.text
        accepted = await client.post(f"{link}/accept")
        assert accepted.status_code == 303
        thanks = await client.get(accepted.headers["location"])
        assert 'id="answer"' in thanks.text and 'id="accept-estimate"' not in thanks.text
        assert (await client.post(f"{link}/accept")).status_code == 409
        assert (await client.post(f"{link[:-4]}abcd/accept")).status_code == 404
        async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
            [ticket] = await fetch_dicts(conn, "select * from tickets where title = 'New water heater'")
        assert ticket["status"] == "open" and ticket["category"] == "Plumbing"
        assert ticket["customer_phone"] == "+14165559876" and ticket["source_channel"] == "web"
