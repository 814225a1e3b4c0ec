"""Payment reminders (seed 001): queued when an invoice is sent, cancelled when it is paid or void."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from psycopg import AsyncConnection

from domain.invoices.models import Invoice, InvoiceSend
from domain.messages.models import Message, MessageCreate
from domain.messages.service import queue_message
from domain.tenants.models import Tenant

# Before the due date, then twice after it. A reminder whose time has passed at sending is skipped.
PAYMENT_REMINDERS: tuple[timedelta, ...] = (timedelta(days=-3), timedelta(days=3), timedelta(days=10))


async def queue_payment_reminders(conn: AsyncConnection, *, tenant: Tenant, invoice: Invoice, send: InvoiceSend,
                                  now: datetime) -> list[Message]:
    """The invoice's reminders on its own channel; the one before the due date is dropped once it is due."""
    if invoice.due_at is None:
        return []
    queued = []
    due_date = invoice.due_at.astimezone(tenant.tz).strftime("%B %-d, %Y")
    for offset in PAYMENT_REMINDERS:
        remind_at = invoice.due_at + offset
        if remind_at <= now:
            continue
        queued.append(await queue_message(conn, tenant=tenant, now=now, data=MessageCreate(
            message_type="payment_reminder", channel=send.channel, to_address=send.to_address,
            contact_id=invoice.contact_id, ticket_id=invoice.ticket_id, invoice_id=invoice.id,
            scheduled_for=remind_at, expires_at=invoice.due_at if offset < timedelta(0) else None,
            payload={"invoice_number": invoice.number, "amount": f"{invoice.total_amount:.2f}",
                     "due_date": due_date, "link": send.link, "customer_name": invoice.customer_name,
                     "overdue": offset > timedelta(0)})))
    return queued


async def cancel_payment_reminders(conn: AsyncConnection, *, invoice_id: UUID) -> int:
    """Stops the invoice's reminders not yet sent; returns how many."""
    cur = await conn.execute("""
        update scheduled_messages set status = 'cancelled', locked_until = null
         where invoice_id = %s and message_type = 'payment_reminder' and status = 'pending'""", (invoice_id,))
    return cur.rowcount
