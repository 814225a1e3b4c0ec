"""Invoices and estimates: drafted from a job's line items or on their own, edited while drafts.

Each line carries its tax as charged (rate copied from the business's tax rates); the invoice's
subtotal, tax and total are always the sums of its lines. Once sent, the database refuses any change
but the settlement (trigger `invoices_sent_immutable`), so the figures a customer received never move.
Sending, payment and acceptance are in `settlement` and `estimates`.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from psycopg import AsyncConnection

from domain.catalog.pricing import priced_line
from domain.categories.service import require_category
from domain.contacts.service import get_contact
from domain.db import fetch_all, fetch_one, fetch_value
from domain.errors import Conflict, Invalid, NotFound
from domain.invoices.models import (Invoice, InvoiceCreate, InvoiceKind, InvoiceLine, InvoiceLineCreate,
                                    InvoiceStatus, InvoiceTotals, OverdueReport)
from domain.taxes.service import tax_for_line
from domain.tenants.models import Tenant

PAYMENT_TERMS = timedelta(days=30)

SELECT = """
    select i.id, i.kind, i.number, i.contact_id, i.ticket_id, i.status, i.title, i.category, i.subtotal_amount,
           i.tax_amount, i.total_amount, i.due_at, i.sent_at, i.paid_at, i.voided_at, i.payment_method,
           i.payment_reference, i.accepted_at, i.declined_at, i.accepted_ticket_id, a.code as accepted_ticket_code,
           i.created_at, coalesce(c.name, t.customer_name) as customer_name,
           coalesce(c.phone, t.customer_phone) as customer_phone, c.email::text as customer_email,
           t.code as ticket_code
      from invoices i
      left join contacts c on c.tenant_id = i.tenant_id and c.id = i.contact_id
      left join tickets t on t.tenant_id = i.tenant_id and t.id = i.ticket_id
      left join tickets a on a.tenant_id = i.tenant_id and a.id = i.accepted_ticket_id"""
LINE_COLUMNS = "id, description, quantity, unit_price, amount, position, tax_name, tax_percent, tax_amount"


async def create_draft_from_ticket(conn: AsyncConnection, *, tenant_id: UUID, ticket_id: UUID,
                                   contact_id: UUID | None, now: datetime) -> Invoice:
    """A draft invoice whose lines are the ticket's live line items with their taxes, in the order added."""
    invoice_id = await fetch_value(conn, """
        insert into invoices (tenant_id, contact_id, ticket_id, due_at) values (%s, %s, %s, %s) returning id""",
        (tenant_id, contact_id, ticket_id, now + PAYMENT_TERMS))
    await conn.execute("""
        insert into invoice_lines (tenant_id, invoice_id, description, quantity, unit_price, position,
                                   tax_name, tax_percent)
        select l.tenant_id, %(invoice)s, l.description, l.quantity, l.unit_price,
               row_number() over (order by l.created_at, l.id), r.name, coalesce(r.rate_percent, 0)
          from line_items l left join tax_rates r on r.tenant_id = l.tenant_id and r.id = l.tax_rate_id
         where l.ticket_id = %(ticket)s""", {"invoice": invoice_id, "ticket": ticket_id})
    await _refresh_totals(conn, invoice_id)
    return await get_invoice(conn, invoice_id=invoice_id)


def _end_of_day(day: date, tenant: Tenant) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tenant.tz)


async def create_invoice(conn: AsyncConnection, *, tenant: Tenant, data: InvoiceCreate, now: datetime) -> Invoice:
    """An empty draft invoice or estimate for a contact; lines are added while it is a draft."""
    contact = await get_contact(conn, contact_id=data.contact_id)
    category = None
    if data.kind == "estimate":
        if not contact.phone:
            raise Invalid("An estimate needs a customer with a phone number: accepting it books a visit.",
                          code="PHONE_REQUIRED")
        if not data.category:
            raise Invalid("Choose the service category of the work estimated.", code="CATEGORY_REQUIRED")
        category = (await require_category(conn, text=data.category)).key
    due = _end_of_day(data.due_date, tenant) if data.due_date else now + PAYMENT_TERMS
    if due <= now:
        raise Invalid("The date must be in the future.", code="INVALID_DUE_DATE")
    invoice_id = await fetch_value(conn, """
        insert into invoices (tenant_id, kind, contact_id, title, category, due_at)
        values (%s, %s, %s, %s, %s, %s) returning id""",
        (tenant.id, data.kind, contact.id, (data.title or "").strip() or None, category, due))
    return await get_invoice(conn, invoice_id=invoice_id)


async def _draft(conn: AsyncConnection, invoice_id: UUID) -> Invoice:
    invoice = await get_invoice(conn, invoice_id=invoice_id)
    if invoice.status != "draft":
        raise Conflict("Only a draft can change.", code="INVOICE_SENT")
    return invoice


async def add_line(conn: AsyncConnection, *, tenant_id: UUID, invoice_id: UUID, data: InvoiceLineCreate) -> Invoice:
    """A line on a draft: a catalog service priced by its type, or a free-form part at the entered price."""
    await _draft(conn, invoice_id)
    _, description, price = await priced_line(conn, service_id=data.service_id, description=data.description,
                                              entered=data.unit_price)
    tax = await tax_for_line(conn, tax_rate_id=data.tax_rate_id, untaxed=data.untaxed)
    await conn.execute("""
        insert into invoice_lines (tenant_id, invoice_id, description, quantity, unit_price, position, tax_name,
                                   tax_percent)
        select %(t)s, %(i)s, %(d)s, %(q)s, %(p)s, coalesce(max(position), 0) + 1, %(tn)s, %(tp)s
          from invoice_lines where invoice_id = %(i)s""",
        {"t": tenant_id, "i": invoice_id, "d": description, "q": data.quantity, "p": price,
         "tn": tax.name if tax else None, "tp": tax.rate_percent if tax else Decimal(0)})
    await _refresh_totals(conn, invoice_id)
    return await get_invoice(conn, invoice_id=invoice_id)


async def remove_line(conn: AsyncConnection, *, invoice_id: UUID, line_id: UUID) -> Invoice:
    """Takes a line off a draft."""
    await _draft(conn, invoice_id)
    cur = await conn.execute("delete from invoice_lines where id = %s and invoice_id = %s", (line_id, invoice_id))
    if cur.rowcount == 0:
        raise NotFound("Line not found.")
    await _refresh_totals(conn, invoice_id)
    return await get_invoice(conn, invoice_id=invoice_id)


async def _refresh_totals(conn: AsyncConnection, invoice_id: UUID) -> None:
    await conn.execute("""
        update invoices i set subtotal_amount = s.subtotal, tax_amount = s.tax, total_amount = s.subtotal + s.tax
          from (select coalesce(sum(amount), 0) as subtotal, coalesce(sum(tax_amount), 0) as tax
                  from invoice_lines where invoice_id = %(id)s) s
         where i.id = %(id)s""", {"id": invoice_id})


async def get_invoice(conn: AsyncConnection, *, invoice_id: UUID) -> Invoice:
    invoice = await fetch_one(conn, Invoice, SELECT + " where i.id = %s and i.deleted_at is null", (invoice_id,))
    if invoice is None:
        raise NotFound("Invoice not found.")
    invoice.lines = await fetch_all(conn, InvoiceLine, f"""
        select {LINE_COLUMNS} from invoice_lines where invoice_id = %s order by position, id""", (invoice_id,))
    return invoice


async def list_invoices(conn: AsyncConnection, *, contact_id: UUID | None = None, ticket_id: UUID | None = None,
                        kind: InvoiceKind | None = None, status: InvoiceStatus | None = None,
                        limit: int = 100) -> list[Invoice]:
    """Recent invoices and estimates, newest first, optionally of one contact, ticket, kind or status."""
    return await fetch_all(conn, Invoice, SELECT + """
         where i.deleted_at is null
           and (%(contact)s::uuid is null or i.contact_id = %(contact)s)
           and (%(ticket)s::uuid is null or i.ticket_id = %(ticket)s)
           and (%(kind)s::text is null or i.kind = %(kind)s)
           and (%(status)s::text is null or i.status = %(status)s)
         order by i.created_at desc, i.id limit %(limit)s""",
        {"contact": contact_id, "ticket": ticket_id, "kind": kind, "status": status, "limit": limit})


async def overdue_invoices(conn: AsyncConnection, *, now: datetime, limit: int = 500) -> OverdueReport:
    """Sent invoices past their due date, longest overdue first, with their count and sum."""
    invoices = await fetch_all(conn, Invoice, SELECT + """
         where i.kind = 'invoice' and i.status = 'sent' and i.due_at < %(now)s and i.deleted_at is null
         order by i.due_at, i.id limit %(limit)s""", {"now": now, "limit": limit})
    return OverdueReport(invoices=invoices, count=len(invoices),
                         total=sum((i.total_amount for i in invoices), Decimal(0)))


async def invoice_totals(conn: AsyncConnection, *, now: datetime) -> InvoiceTotals:
    """Outstanding and overdue money, and what was paid in the last 30 days, in one query."""
    totals = await fetch_one(conn, InvoiceTotals, """
        select count(*) filter (where status = 'sent') as outstanding_count,
               coalesce(sum(total_amount) filter (where status = 'sent'), 0) as outstanding,
               count(*) filter (where status = 'sent' and due_at < %(now)s) as overdue_count,
               coalesce(sum(total_amount) filter (where status = 'sent' and due_at < %(now)s), 0) as overdue,
               coalesce(sum(total_amount) filter (where status = 'paid' and paid_at >= %(since)s), 0) as paid_30_days
          from invoices where kind = 'invoice' and deleted_at is null""",
        {"now": now, "since": now - timedelta(days=30)})
    assert totals is not None
    return totals
