"""An estimate the customer answers from its link: accepted, it becomes a ticket ready to book."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection

from domain.errors import Conflict
from domain.invoices.models import Invoice
from domain.invoices.service import get_invoice
from domain.invoices.settlement import check_move
from domain.outbox.service import emit_event
from domain.tenants.models import Tenant
from domain.tickets.models import TicketCreate
from domain.tickets.service import create_ticket

MAX_DESCRIPTION = 5000


def _work_described(estimate: Invoice) -> str:
    """What the ticket says: the estimate's number and its lines, for the technician who does the work."""
    lines = "\n".join(f"- {line.quantity.normalize():f} x {line.description}" for line in estimate.lines)
    return f"Accepted estimate {estimate.number} (${estimate.total_amount:.2f}).\n{lines}"[:MAX_DESCRIPTION]


async def _answerable(conn: AsyncConnection, invoice_id: UUID, answer: str, now: datetime) -> Invoice:
    estimate = await get_invoice(conn, invoice_id=invoice_id)
    if estimate.kind != "estimate":
        raise Conflict("Only an estimate can be accepted or declined.", code="NOT_AN_ESTIMATE")
    check_move(estimate, answer)
    if estimate.due_at is not None and estimate.due_at < now:
        raise Conflict("This estimate has expired; ask the business for a new one.", code="ESTIMATE_EXPIRED")
    return estimate


async def accept_estimate(conn: AsyncConnection, *, tenant: Tenant, invoice_id: UUID, now: datetime) -> Invoice:
    """The customer said yes: an open ticket for the work (it waits on the dispatcher's board to be booked)."""
    estimate = await _answerable(conn, invoice_id, "accepted", now)
    assert estimate.customer_phone is not None and estimate.category is not None   # checked at creation
    ticket = await create_ticket(conn, tenant_id=tenant.id, region=tenant.phone_region, data=TicketCreate(
        customer_phone=estimate.customer_phone, customer_name=estimate.customer_name,
        contact_id=estimate.contact_id, service_category=estimate.category, source_channel="web",
        title=estimate.title or f"Estimate {estimate.number}",
        description=_work_described(estimate)))
    await conn.execute("""
        update invoices set status = 'accepted', accepted_at = %s, accepted_ticket_id = %s where id = %s""",
        (now, ticket.id, invoice_id))
    await emit_event(conn, tenant_id=tenant.id, event_type="estimate.accepted", entity_id=invoice_id,
                     payload={"number": estimate.number, "ticket_code": ticket.code})
    return await get_invoice(conn, invoice_id=invoice_id)


async def decline_estimate(conn: AsyncConnection, *, tenant_id: UUID, invoice_id: UUID, now: datetime) -> Invoice:
    """The customer said no; the estimate is kept, declined."""
    estimate = await _answerable(conn, invoice_id, "declined", now)
    await conn.execute("update invoices set status = 'declined', declined_at = %s where id = %s", (now, invoice_id))
    await emit_event(conn, tenant_id=tenant_id, event_type="estimate.declined", entity_id=invoice_id,
                     payload={"number": estimate.number})
    return await get_invoice(conn, invoice_id=invoice_id)
