"""Invoices and estimates in the domain: taxed lines rounded once, totals, reminders, estimates to tickets."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from domain.contacts.models import ContactCreate
from domain.contacts.service import create_contact
from domain.db import fetch_dicts
from domain.errors import Conflict, Invalid
from domain.invoices import estimates, service, settlement
from domain.invoices.models import InvoiceCreate, InvoiceLineCreate, InvoiceSend, Payment
from domain.taxes.models import TaxRateCreate, TaxRateUpdate
from domain.taxes.service import create_tax_rate, list_tax_rates, update_tax_rate

NOW = datetime(2025, 11, 6, 9, 30, tzinfo=ZoneInfo("America/Toronto"))
SEND = InvoiceSend(channel="sms", to_address="+14165559876", link="http://x/i")


async def _customer(conn, tenant):
    return await create_contact(conn, tenant_id=tenant.id, region="CA",
                                data=ContactCreate(name="Sarah Johnson", phone="+14165559876"))


async def _draft(conn, tenant, *lines: InvoiceLineCreate, kind="invoice", **extra):
    contact = await _customer(conn, tenant.tenant)
    invoice = await service.create_invoice(conn, tenant=tenant.tenant, now=NOW, data=InvoiceCreate(
        kind=kind, contact_id=contact.id, category="HVAC" if kind == "estimate" else None, **extra))
    for line in lines:
        invoice = await service.add_line(conn, tenant_id=tenant.id, invoice_id=invoice.id, data=line)
    return invoice


def part(name: str, qty: str, price: str, **extra) -> InvoiceLineCreate:
    return InvoiceLineCreate(description=name, quantity=Decimal(qty), unit_price=Decimal(price), **extra)


# (quantity, unit price, tax %) -> (amount, tax): each rounded once, from the exact product.
ROUNDING = [
    ("1.5", "1.05", "13", "1.58", "0.20"),      # 0.20475: rounding the amount first would give 0.21
    ("0.25", "0.15", "13", "0.04", "0.00"),     # 0.004875: rounding the amount first would give 0.01
    ("1", "89.99", "13", "89.99", "11.70"),     # 11.6987
    ("3", "19.99", "5", "59.97", "3.00"),       # 2.9985
    ("2", "10.00", "0", "20.00", "0.00"),
]


class TestTaxedLines:
    @pytest.mark.parametrize("qty, price, percent, amount, tax", ROUNDING)
    async def test_each_line_rounded_once(self, factory, qty, price, percent, amount, tax):
        a = await factory.tenant()
        async with a.tx() as conn:
            rate = await create_tax_rate(conn, tenant_id=a.id, data=TaxRateCreate(name="T", rate_percent=percent))
            invoice = await _draft(conn, a, part("Part", qty, price, tax_rate_id=rate.id))
        [line] = invoice.lines
        assert (line.amount, line.tax_amount) == (Decimal(amount), Decimal(tax))
        assert invoice.total_amount == Decimal(amount) + Decimal(tax)

    async def test_totals_are_sums_of_rounded_lines_and_default_rate_applies(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            await create_tax_rate(conn, tenant_id=a.id, data=TaxRateCreate(name="HST", rate_percent=13,
                                                                           is_default=True))
            invoice = await _draft(conn, a, part("Flame sensor", "1", "89.99"), part("Washer", "1.5", "1.05"),
                                   part("Permit", "1", "50.00", untaxed=True))
        assert invoice.subtotal_amount == Decimal("141.57")          # 89.99 + 1.58 + 50.00
        assert invoice.tax_amount == Decimal("11.90")                # 11.70 + 0.20 (+ 0 untaxed)
        assert invoice.total_amount == Decimal("153.47")
        assert [(t.name, t.amount) for t in invoice.taxes] == [("HST", Decimal("11.90"))]

    async def test_a_rate_change_never_moves_a_drafted_line(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            rate = await create_tax_rate(conn, tenant_id=a.id, data=TaxRateCreate(name="HST", rate_percent=13,
                                                                                  is_default=True))
            invoice = await _draft(conn, a, part("Part", "1", "100"))
            await update_tax_rate(conn, tax_rate_id=rate.id, data=TaxRateUpdate(rate_percent=15))
            again = await service.get_invoice(conn, invoice_id=invoice.id)
        assert again.tax_amount == Decimal("13.00")

    async def test_one_default_and_retired_rates_are_refused(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            gst = await create_tax_rate(conn, tenant_id=a.id, data=TaxRateCreate(name="GST", rate_percent=5,
                                                                                 is_default=True))
            await create_tax_rate(conn, tenant_id=a.id, data=TaxRateCreate(name="HST", rate_percent=13,
                                                                           is_default=True))
            assert [(r.name, r.is_default) for r in await list_tax_rates(conn)] == [("HST", True), ("GST", False)]
            await update_tax_rate(conn, tax_rate_id=gst.id, data=TaxRateUpdate(active=False))
            with pytest.raises(Invalid) as err:
                await _draft(conn, a, part("Part", "1", "1", tax_rate_id=gst.id))
        assert err.value.code == "UNKNOWN_TAX_RATE"

    async def test_a_part_needs_a_name_and_a_price(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            with pytest.raises(Invalid):
                await _draft(conn, a, InvoiceLineCreate(description="Flame sensor"))


class TestPaymentReminders:
    async def _sent(self, factory, due_in: timedelta):
        a = await factory.tenant()
        async with a.tx() as conn:
            invoice = await _draft(conn, a, part("Part", "1", "100"), due_date=(NOW + due_in).date())
            await settlement.send_invoice(conn, tenant=a.tenant, invoice_id=invoice.id, data=SEND, now=NOW)
        return a, invoice

    async def _reminders(self, a):
        async with a.tx() as conn:
            return await fetch_dicts(conn, """select status, scheduled_for, expires_at, payload from scheduled_messages
                                               where message_type = 'payment_reminder' order by scheduled_for""")

    async def test_before_and_after_the_due_date(self, factory):
        a, invoice = await self._sent(factory, timedelta(days=30))
        rows = await self._reminders(a)
        due = invoice.due_at
        assert [r["scheduled_for"] for r in rows] == [due - timedelta(days=3), due + timedelta(days=3),
                                                      due + timedelta(days=10)]
        assert [r["payload"]["overdue"] for r in rows] == [False, True, True]
        assert rows[0]["expires_at"] == due and rows[1]["expires_at"] is None
        assert {r["status"] for r in rows} == {"pending"}

    async def test_a_reminder_already_past_is_not_queued(self, factory):
        a, _ = await self._sent(factory, timedelta(days=1))
        assert [r["payload"]["overdue"] for r in await self._reminders(a)] == [True, True]

    @pytest.mark.parametrize("end", ["paid", "void"])
    async def test_stop_when_paid_or_void(self, factory, end):
        a, invoice = await self._sent(factory, timedelta(days=30))
        async with a.tx() as conn:
            if end == "paid":
                done = await settlement.mark_paid(conn, tenant_id=a.id, invoice_id=invoice.id, now=NOW,
                                                  payment=Payment(method="cheque", reference="  #1042 "))
                assert (done.payment_method, done.payment_reference) == ("cheque", "#1042")
            else:
                await settlement.void_invoice(conn, tenant_id=a.id, invoice_id=invoice.id, now=NOW)
        assert {r["status"] for r in await self._reminders(a)} == {"cancelled"}

    async def test_paid_is_final(self, factory):
        a, invoice = await self._sent(factory, timedelta(days=30))
        async with a.tx() as conn:
            await settlement.mark_paid(conn, tenant_id=a.id, invoice_id=invoice.id, now=NOW)
            with pytest.raises(Conflict):
                await settlement.void_invoice(conn, tenant_id=a.id, invoice_id=invoice.id, now=NOW)


class TestEstimates:
    async def _sent_estimate(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            estimate = await _draft(conn, a, part("Water heater, 50 gal", "1", "1450"), part("Labour", "4", "95"),
                                    kind="estimate", title="Replace the water heater")
            await settlement.send_invoice(conn, tenant=a.tenant, invoice_id=estimate.id, data=SEND, now=NOW)
            queued = await fetch_dicts(conn, "select message_type from scheduled_messages")
        assert estimate.number == "EST-00001" and [q["message_type"] for q in queued] == ["estimate"]
        return a, estimate

    async def test_accepted_becomes_a_ticket_ready_to_book(self, factory):
        a, estimate = await self._sent_estimate(factory)
        async with a.tx() as conn:
            done = await estimates.accept_estimate(conn, tenant=a.tenant, invoice_id=estimate.id, now=NOW)
            [ticket] = await fetch_dicts(conn, "select * from tickets")
            with pytest.raises(Conflict):
                await estimates.accept_estimate(conn, tenant=a.tenant, invoice_id=estimate.id, now=NOW)
        assert done.status == "accepted" and done.accepted_ticket_id == ticket["id"]
        assert ticket["status"] == "open" and ticket["category"] == "HVAC" and ticket["contact_id"] == done.contact_id
        assert ticket["title"] == "Replace the water heater" and "1 x Water heater, 50 gal" in ticket["description"]

    async def test_declined_or_expired_makes_no_ticket(self, factory):
        a, estimate = await self._sent_estimate(factory)
        async with a.tx() as conn:
            with pytest.raises(Conflict) as err:
                await estimates.accept_estimate(conn, tenant=a.tenant, invoice_id=estimate.id,
                                                now=NOW + timedelta(days=40))
            assert err.value.code == "ESTIMATE_EXPIRED"
            done = await estimates.decline_estimate(conn, tenant_id=a.id, invoice_id=estimate.id, now=NOW)
            assert done.status == "declined"
            assert await fetch_dicts(conn, "select id from tickets") == []

    async def test_an_invoice_is_not_an_estimate(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            invoice = await _draft(conn, a, part("Part", "1", "1"))
            await settlement.send_invoice(conn, tenant=a.tenant, invoice_id=invoice.id, data=SEND, now=NOW)
            with pytest.raises(Conflict):
                await estimates.accept_estimate(conn, tenant=a.tenant, invoice_id=invoice.id, now=NOW)
