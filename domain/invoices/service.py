"""Invoices: drafted from a ticket's line items, sent with a link, then paid or void.

The total is always the sum of the invoice's lines. Once sent, the database refuses any change but
the status (trigger `invoices_sent_immutable`), so the figures a customer received never move.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_one, fetch_value
from domain.errors import Conflict, Invalid, NotFound
from domain.invoices.models import TRANSITIONS, Invoice, InvoiceLine, InvoiceSend, InvoiceStatus
from domain.messages.models import MessageCreate
from domain.messages.service import queue_message
from domain.outbox.service import emit_event
from domain.tenants.models import Tenant

PAYMENT_TERMS = timedelta(days=30)

SELECT = """
    select i.id, i.number, i.contact_id, i.ticket_id, i.status, i.total_amount, i.due_at, i.sent_at, i.paid_at,
           i.voided_at, i.created_at, coalesce(c.name, t.customer_name) as customer_name,
           coalesce(c.phone, t.customer_phone) as customer_phone, c.email::text as customer_email,
           t.code as ticket_code
      from invoices i
      left join contacts c on c.tenant_id = i.tenant_id and c.id = i.contact_id
      left join tickets t on t.tenant_id = i.tenant_id and t.id = i.ticket_id"""


async def create_draft_from_ticket(conn: AsyncConnection, *, tenant_id: UUID, ticket_id: UUID,
                                   contact_id: UUID | None, now: datetime) -> Invoice:
    """A draft invoice whose lines are the ticket's live line items, in the order they were added."""
    invoice_id = await fetch_value(conn, """
        insert into invoices (tenant_id, contact_id, ticket_id, due_at) values (%s, %s, %s, %s) returning id""",
        (tenant_id, contact_id, ticket_id, now + PAYMENT_TERMS))
    await conn.execute("""
        insert into invoice_lines (tenant_id, invoice_id, description, quantity, unit_price, position)
        select tenant_id, %(invoice)s, description, quantity, unit_price,
               row_number() over (order by created_at, id)
          from line_items where ticket_id = %(ticket)s""", {"invoice": invoice_id, "ticket": ticket_id})
    await _refresh_total(conn, invoice_id)
    return await get_invoice(conn, invoice_id=invoice_id)


async def _refresh_total(conn: AsyncConnection, invoice_id: UUID) -> None:
    await conn.execute("""
        update invoices set total_amount = (select coalesce(sum(amount), 0) from invoice_lines
                                             where invoice_id = %(id)s)
         where id = %(id)s""", {"id": invoice_id})


async def get_invoice(conn: AsyncConnection, *, invoice_id: UUID) -> Invoice:
    invoice = await fetch_one(conn, Invoice, SELECT + " where i.id = %s", (invoice_id,))
    if invoice is None:
        raise NotFound("Invoice not found.")
    invoice.lines = await fetch_all(conn, InvoiceLine, """
        select id, description, quantity, unit_price, amount, position from invoice_lines
         where invoice_id = %s order by position, id""", (invoice_id,))
    return invoice


async def list_invoices(conn: AsyncConnection, *, contact_id: UUID | None = None,
                        ticket_id: UUID | None = None, limit: int = 100) -> list[Invoice]:
    """Recent invoices, newest first, optionally of one contact or ticket."""
    return await fetch_all(conn, Invoice, SELECT + """
         where (%(contact)s::uuid is null or i.contact_id = %(contact)s)
           and (%(ticket)s::uuid is null or i.ticket_id = %(ticket)s)
         order by i.created_at desc, i.id limit %(limit)s""",
        {"contact": contact_id, "ticket": ticket_id, "limit": limit})


def _check_move(invoice: Invoice, status: InvoiceStatus) -> None:
    if status not in TRANSITIONS[invoice.status]:
        raise Conflict(f"A {invoice.status} invoice cannot become {status}.", code="INVALID_TRANSITION")


async def send_invoice(conn: AsyncConnection, *, tenant: Tenant, invoice_id: UUID, data: InvoiceSend,
                       now: datetime) -> Invoice:
    """Mark the draft sent and queue the message with its link (delivered after commit by the jobs)."""
    invoice = await get_invoice(conn, invoice_id=invoice_id)
    _check_move(invoice, "sent")
    if not invoice.lines:
        raise Invalid("An invoice needs at least one line before it is sent.", code="EMPTY_INVOICE")
    await conn.execute("update invoices set status = 'sent', sent_at = %s where id = %s", (now, invoice_id))
    await queue_message(conn, tenant=tenant, now=now, data=MessageCreate(
        message_type="invoice", channel=data.channel, to_address=data.to_address, contact_id=invoice.contact_id,
        ticket_id=invoice.ticket_id, invoice_id=invoice_id,
        payload={"invoice_number": invoice.number, "amount": f"{invoice.total_amount:.2f}", "link": data.link,
                 "customer_name": invoice.customer_name}))
    await emit_event(conn, tenant_id=tenant.id, event_type="invoice.sent", entity_id=invoice_id,
                     payload={"number": invoice.number, "total": str(invoice.total_amount)})
    return await get_invoice(conn, invoice_id=invoice_id)


# The two ways a sent invoice ends: the statement that records it and the event it emits.
_SETTLEMENTS = {
    "paid": ("update invoices set status = 'paid', paid_at = %s where id = %s", "invoice.paid"),
    "void": ("update invoices set status = 'void', voided_at = %s where id = %s", "invoice.voided"),
}


async def _settle(conn: AsyncConnection, *, tenant_id: UUID, invoice_id: UUID, status: str, now: datetime) -> Invoice:
    invoice = await get_invoice(conn, invoice_id=invoice_id)
    _check_move(invoice, status)
    statement, event = _SETTLEMENTS[status]
    await conn.execute(statement, (now, invoice_id))
    await emit_event(conn, tenant_id=tenant_id, event_type=event, entity_id=invoice_id,
                     payload={"number": invoice.number})
    return await get_invoice(conn, invoice_id=invoice_id)


async def mark_paid(conn: AsyncConnection, *, tenant_id: UUID, invoice_id: UUID, now: datetime) -> Invoice:
    return await _settle(conn, tenant_id=tenant_id, invoice_id=invoice_id, status="paid", now=now)


async def void_invoice(conn: AsyncConnection, *, tenant_id: UUID, invoice_id: UUID, now: datetime) -> Invoice:
    return await _settle(conn, tenant_id=tenant_id, invoice_id=invoice_id, status="void", now=now)
