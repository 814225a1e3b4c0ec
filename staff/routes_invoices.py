"""Invoices for staff (view, send, paid, void) and the printable page a customer's link opens."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from itsdangerous import BadSignature, URLSafeSerializer

from domain.db import tenant_tx
from domain.errors import Invalid, NotFound
from domain.invoices import service
from domain.invoices.models import InvoiceSend
from domain.tenants.service import get_tenant
from domain.tickets_work.service import get_work_ticket
from staff.web import Form, Staff, StaffContext, redirect, render

router = APIRouter(include_in_schema=False)


def _signer(request: Request) -> URLSafeSerializer:
    secret = request.app.state.settings.secret_key
    return URLSafeSerializer(secret.get_secret_value() if secret else "fieldbook-dev", salt="invoice-link")


def public_link(request: Request, tenant_id: UUID, invoice_id: UUID) -> str:
    token = _signer(request).dumps([str(tenant_id), str(invoice_id)])
    return f"{request.app.state.settings.public_url}/invoice/{token}"


async def _visible_invoice(staff: StaffContext, conn, invoice_id: UUID):
    """The invoice, if this staff member may see it (a technician: invoices of their own jobs)."""
    invoice = await service.get_invoice(conn, invoice_id=invoice_id)
    if staff.only_technician is not None:
        if invoice.ticket_id is None:
            raise NotFound("Invoice not found.")
        try:
            await get_work_ticket(conn, ticket_id=invoice.ticket_id, only_technician=staff.only_technician)
        except NotFound:
            raise NotFound("Invoice not found.") from None
    return invoice


@router.get("/staff/invoices")
async def invoices_page(request: Request, staff: Staff):
    staff.require_dispatch()
    async with staff.tx() as conn:
        invoices = await service.list_invoices(conn)
    return render(request, "invoices.html", staff=staff, invoices=invoices)


@router.get("/staff/invoices/{invoice_id}")
async def invoice_page(request: Request, staff: Staff, invoice_id: UUID):
    async with staff.tx() as conn:
        invoice = await _visible_invoice(staff, conn, invoice_id)
    return render(request, "invoice.html", staff=staff, invoice=invoice,
                  link=public_link(request, staff.tenant.id, invoice.id))


@router.get("/staff/invoices/{invoice_id}/print")
async def invoice_print(request: Request, staff: Staff, invoice_id: UUID):
    async with staff.tx() as conn:
        invoice = await _visible_invoice(staff, conn, invoice_id)
    return render(request, "invoice_print.html", tenant=staff.tenant, invoice=invoice)


@router.post("/staff/invoices/{invoice_id}/send")
async def send(request: Request, staff: Staff, form: Form, invoice_id: UUID):
    channel = form.get("channel", "sms")
    async with staff.tx() as conn:
        invoice = await _visible_invoice(staff, conn, invoice_id)
        to = invoice.customer_phone if channel == "sms" else invoice.customer_email
        if channel not in ("sms", "email") or not to:
            raise Invalid(f"The customer has no {'phone number' if channel == 'sms' else 'email address'} on file.",
                          code="NO_ADDRESS")
        await service.send_invoice(conn, tenant=staff.tenant, invoice_id=invoice_id, now=staff.clock.now(),
                                   data=InvoiceSend(channel=channel, to_address=to,
                                                    link=public_link(request, staff.tenant.id, invoice_id)))
    return redirect(f"/staff/invoices/{invoice_id}")


@router.post("/staff/invoices/{invoice_id}/paid")
async def paid(staff: Staff, form: Form, invoice_id: UUID):
    async with staff.tx() as conn:
        await _visible_invoice(staff, conn, invoice_id)
        await service.mark_paid(conn, tenant_id=staff.tenant.id, invoice_id=invoice_id, now=staff.clock.now())
    return redirect(f"/staff/invoices/{invoice_id}")


@router.post("/staff/invoices/{invoice_id}/void")
async def void(staff: Staff, form: Form, invoice_id: UUID):
    async with staff.tx() as conn:
        await _visible_invoice(staff, conn, invoice_id)
        await service.void_invoice(conn, tenant_id=staff.tenant.id, invoice_id=invoice_id, now=staff.clock.now())
    return redirect(f"/staff/invoices/{invoice_id}")


@router.get("/invoice/{token}")
async def customer_invoice(request: Request, token: str):
    """The printable invoice behind the link a customer received; drafts are not shown."""
    try:
        tenant_id, invoice_id = (UUID(v) for v in _signer(request).loads(token))
    except (BadSignature, ValueError, TypeError):
        raise NotFound("Invoice not found.") from None
    async with tenant_tx(request.app.state.db.app_pool, tenant_id, "customer-link") as conn:
        invoice = await service.get_invoice(conn, invoice_id=invoice_id)
        tenant = await get_tenant(conn, tenant_id)
    if invoice.status == "draft":
        raise NotFound("Invoice not found.")
    return render(request, "invoice_print.html", tenant=tenant, invoice=invoice)
