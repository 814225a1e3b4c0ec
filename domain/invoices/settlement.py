"""How an invoice or estimate leaves the business and ends: sent with a link, then paid, accepted,
declined or void. Every step emits its event in the same transaction."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection

from domain.errors import Conflict, Invalid
from domain.invoices.models import TRANSITIONS, Invoice, InvoiceSend, InvoiceStatus, Payment
from domain.invoices.reminders import cancel_payment_reminders, queue_payment_reminders
from domain.invoices.service import get_invoice
from domain.messages.models import MessageCreate
from domain.messages.service import queue_message
from domain.outbox.service import emit_event
from domain.tenants.models import Tenant


def check_move(invoice: Invoice, status: InvoiceStatus) -> None:
    if status not in TRANSITIONS[invoice.kind].get(invoice.status, frozenset()):
        raise Conflict(f"A {invoice.status} {invoice.kind} cannot become {status}.", code="INVALID_TRANSITION")


async def send_invoice(conn: AsyncConnection, *, tenant: Tenant, invoice_id: UUID, data: InvoiceSend,
                       now: datetime) -> Invoice:
    """Marks the draft sent and queues its message with the link; an invoice also gets its payment reminders
    (all delivered after commit by the jobs)."""
    invoice = await get_invoice(conn, invoice_id=invoice_id)
    check_move(invoice, "sent")
    if not invoice.lines:
        raise Invalid(f"An {invoice.kind} needs at least one line before it is sent.", code="EMPTY_INVOICE")
    await conn.execute("update invoices set status = 'sent', sent_at = %s where id = %s", (now, invoice_id))
    await queue_message(conn, tenant=tenant, now=now, data=MessageCreate(
        message_type=invoice.kind, channel=data.channel, to_address=data.to_address, contact_id=invoice.contact_id,
        ticket_id=invoice.ticket_id, invoice_id=invoice_id,
        payload={"invoice_number": invoice.number, "amount": f"{invoice.total_amount:.2f}", "link": data.link,
                 "customer_name": invoice.customer_name}))
    if invoice.kind == "invoice":
        await queue_payment_reminders(conn, tenant=tenant, invoice=invoice, send=data, now=now)
    await emit_event(conn, tenant_id=tenant.id, event_type=f"{invoice.kind}.sent", entity_id=invoice_id,
                     payload={"number": invoice.number, "total": str(invoice.total_amount)})
    return await get_invoice(conn, invoice_id=invoice_id)


async def mark_paid(conn: AsyncConnection, *, tenant_id: UUID, invoice_id: UUID, now: datetime,
                    payment: Payment | None = None) -> Invoice:
    """Records the payment (how, and the cheque or transfer reference) and stops the reminders."""
    invoice = await get_invoice(conn, invoice_id=invoice_id)
    check_move(invoice, "paid")
    await conn.execute("""
        update invoices set status = 'paid', paid_at = %s, payment_method = %s, payment_reference = %s
         where id = %s""", (now, payment.method if payment else None,
                           (payment.reference or "").strip() or None if payment else None, invoice_id))
    await cancel_payment_reminders(conn, invoice_id=invoice_id)
    await emit_event(conn, tenant_id=tenant_id, event_type="invoice.paid", entity_id=invoice_id,
                     payload={"number": invoice.number, "method": payment.method if payment else None})
    return await get_invoice(conn, invoice_id=invoice_id)


async def void_invoice(conn: AsyncConnection, *, tenant_id: UUID, invoice_id: UUID, now: datetime) -> Invoice:
    """Cancels a draft or sent invoice or estimate for good, and its reminders."""
    invoice = await get_invoice(conn, invoice_id=invoice_id)
    check_move(invoice, "void")
    await conn.execute("update invoices set status = 'void', voided_at = %s where id = %s", (now, invoice_id))
    await cancel_payment_reminders(conn, invoice_id=invoice_id)
    await emit_event(conn, tenant_id=tenant_id, event_type=f"{invoice.kind}.voided", entity_id=invoice_id,
                     payload={"number": invoice.number})
    return await get_invoice(conn, invoice_id=invoice_id)
