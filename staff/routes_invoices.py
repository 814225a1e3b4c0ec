"""Invoices and estimates for staff: lists and the overdue view, drafting standalone ones, lines, sending,
and the money actions (paid, void), which only owners and dispatchers may take."""

from __future__ import annotations

import re
from datetime import date
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError

from domain.catalog.service import list_services
from domain.categories.service import list_categories
from domain.contacts.service import get_contact
from domain.errors import Invalid, NotFound
from domain.invoices import service, settlement
from domain.invoices.models import PAYMENT_METHODS, InvoiceCreate, InvoiceLineCreate, InvoiceSend, Payment
from domain.taxes.service import list_tax_rates
from domain.tickets.service import CODE_PATTERN
from domain.tickets_work.service import visible_ticket
from staff.forms import decimal_field, line_from_form
from staff.links import public_link
from staff.web import Form, Staff, StaffContext, redirect, render

router = APIRouter(include_in_schema=False)
TICKET_CODE = re.compile(CODE_PATTERN)


async def _visible_invoice(staff: StaffContext, conn, invoice_id: UUID):
    """The invoice, if this staff member may see it (a technician: invoices of their own jobs)."""
    invoice = await service.get_invoice(conn, invoice_id=invoice_id)
    if staff.only_technician is not None:
        if invoice.ticket_id is None:
            raise NotFound("Invoice not found.")
        try:
            await visible_ticket(conn, ticket_id=invoice.ticket_id, only_technician=staff.only_technician)
        except NotFound:
            raise NotFound("Invoice not found.") from None
    return invoice


@router.get("/staff/invoices")
async def invoices_page(request: Request, staff: Staff, kind: str | None = None, status: str | None = None):
    staff.require_dispatch()
    kind = kind if kind in ("invoice", "estimate") else None
    status = status if status in ("draft", "sent", "paid", "void", "accepted", "declined") else None
    async with staff.tx() as conn:
        invoices = await service.list_invoices(conn, kind=kind, status=status)
        totals = await service.invoice_totals(conn, now=staff.clock.now())
    return render(request, "invoices.html", staff=staff, invoices=invoices, totals=totals, kind=kind, status=status,
                  now=staff.clock.now())


@router.get("/staff/invoices/overdue")
async def overdue_page(request: Request, staff: Staff):
    """Sent invoices past due, longest first, with how many and how much."""
    staff.require_dispatch()
    async with staff.tx() as conn:
        report = await service.overdue_invoices(conn, now=staff.clock.now())
    return render(request, "invoices_overdue.html", staff=staff, report=report, now=staff.clock.now())


@router.get("/staff/invoices/new")
async def new_invoice_page(request: Request, staff: Staff, contact: UUID, kind: str = "invoice"):
    staff.require_dispatch()
    async with staff.tx() as conn:
        customer = await get_contact(conn, contact_id=contact)
        categories = await list_categories(conn)
    return render(request, "invoice_new.html", staff=staff, contact=customer, categories=categories,
                  kind="estimate" if kind == "estimate" else "invoice")


@router.post("/staff/invoices/new")
async def create_invoice(staff: Staff, form: Form):
    """A standalone draft invoice or estimate for a contact; its lines are added on its page."""
    staff.require_dispatch()
    try:
        data = InvoiceCreate(kind=form.get("kind", "invoice"), contact_id=form.get("contact_id", ""),
                             title=form.get("title") or None, category=form.get("category") or None,
                             due_date=date.fromisoformat(form["due_date"]) if form.get("due_date") else None)
    except (ValidationError, ValueError):
        raise Invalid("Choose the customer, and a date like 2025-12-31.", code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        invoice = await service.create_invoice(conn, tenant=staff.tenant, data=data, now=staff.clock.now())
    return redirect(f"/staff/invoices/{invoice.id}")


@router.get("/staff/invoices/{invoice_id}")
async def invoice_page(request: Request, staff: Staff, invoice_id: UUID, next_visit: str | None = None,
                       code: str | None = None):
    """The invoice; after a close-out, also what became of the next visit (booked, or waiting on the board)."""
    async with staff.tx() as conn:
        invoice = await _visible_invoice(staff, conn, invoice_id)
        catalog = await list_services(conn) if invoice.status == "draft" else []
        rates = await list_tax_rates(conn, active_only=True) if invoice.status == "draft" else []
    shown = next_visit in ("booked", "waiting") and code is not None and TICKET_CODE.match(code)
    return render(request, "invoice.html", staff=staff, invoice=invoice, catalog=catalog, rates=rates,
                  link=public_link(request, staff.tenant.id, invoice.id), methods=PAYMENT_METHODS,
                  next_visit=next_visit if shown else None, follow_up_code=code if shown else None,
                  now=staff.clock.now())


@router.get("/staff/invoices/{invoice_id}/print")
async def invoice_print(request: Request, staff: Staff, invoice_id: UUID):
    async with staff.tx() as conn:
        invoice = await _visible_invoice(staff, conn, invoice_id)
    return render(request, "invoice_print.html", tenant=staff.tenant, invoice=invoice, methods=PAYMENT_METHODS)


@router.post("/staff/invoices/{invoice_id}/lines")
async def add_line(staff: Staff, form: Form, invoice_id: UUID):
    data = line_from_form(form, InvoiceLineCreate)
    async with staff.tx() as conn:
        await _visible_invoice(staff, conn, invoice_id)
        await service.add_line(conn, tenant_id=staff.tenant.id, invoice_id=invoice_id, data=data)
    return redirect(f"/staff/invoices/{invoice_id}#lines")


@router.post("/staff/invoices/{invoice_id}/lines/{line_id}/delete")
async def remove_line(staff: Staff, form: Form, invoice_id: UUID, line_id: UUID):
    async with staff.tx() as conn:
        await _visible_invoice(staff, conn, invoice_id)
        await service.remove_line(conn, invoice_id=invoice_id, line_id=line_id)
    return redirect(f"/staff/invoices/{invoice_id}#lines")


@router.post("/staff/invoices/{invoice_id}/send")
async def send(request: Request, staff: Staff, form: Form, invoice_id: UUID):
    channel = form.get("channel", "sms")
    async with staff.tx() as conn:
        invoice = await _visible_invoice(staff, conn, invoice_id)
        to = invoice.customer_phone if channel == "sms" else invoice.customer_email
        if channel not in ("sms", "email") or not to:
            raise Invalid(f"The customer has no {'phone number' if channel == 'sms' else 'email address'} on file.",
                          code="NO_ADDRESS")
        await settlement.send_invoice(conn, tenant=staff.tenant, invoice_id=invoice_id, now=staff.clock.now(),
                                      data=InvoiceSend(channel=channel, to_address=to,
                                                       link=public_link(request, staff.tenant.id, invoice_id)))
    return redirect(f"/staff/invoices/{invoice_id}")


@router.post("/staff/invoices/{invoice_id}/paid")
async def paid(staff: Staff, form: Form, invoice_id: UUID):
    """Money action: owners and dispatchers only, whoever did the job."""
    staff.require_dispatch()
    try:
        payment = Payment(method=form.get("method") or "other", reference=form.get("reference") or None)
    except ValidationError:
        raise Invalid("Choose how the invoice was paid.", code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        await _visible_invoice(staff, conn, invoice_id)
        await settlement.mark_paid(conn, tenant_id=staff.tenant.id, invoice_id=invoice_id, now=staff.clock.now(),
                                   payment=payment)
    return redirect(f"/staff/invoices/{invoice_id}")


@router.post("/staff/invoices/{invoice_id}/void")
async def void(staff: Staff, form: Form, invoice_id: UUID):
    """Money action: owners and dispatchers only, whoever did the job."""
    staff.require_dispatch()
    async with staff.tx() as conn:
        await _visible_invoice(staff, conn, invoice_id)
        await settlement.void_invoice(conn, tenant_id=staff.tenant.id, invoice_id=invoice_id, now=staff.clock.now())
    return redirect(f"/staff/invoices/{invoice_id}")
