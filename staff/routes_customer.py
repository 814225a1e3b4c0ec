"""What a customer opens from a link: the printable invoice or estimate, and an estimate's answer."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from domain.db import tenant_tx
from domain.errors import NotFound
from domain.invoices.estimates import accept_estimate, decline_estimate
from domain.invoices.models import PAYMENT_METHODS
from domain.invoices.service import get_invoice
from domain.tenants.service import get_tenant
from staff.links import read_link
from staff.web import redirect, render

router = APIRouter(include_in_schema=False)
ANSWERS = ("accept", "decline")


def _tx(request: Request, tenant_id: UUID):
    return tenant_tx(request.app.state.db.app_pool, tenant_id, "customer-link")


@router.get("/invoice/{token}")
async def customer_invoice(request: Request, token: str, answered: str | None = None):
    """The printable invoice or estimate behind the link; drafts are not shown. A sent estimate can be answered."""
    tenant_id, invoice_id = read_link(request, token)
    async with _tx(request, tenant_id) as conn:
        invoice = await get_invoice(conn, invoice_id=invoice_id)
        tenant = await get_tenant(conn, tenant_id)
    if invoice.status == "draft":
        raise NotFound("Invoice not found.")
    return render(request, "invoice_print.html", tenant=tenant, invoice=invoice, methods=PAYMENT_METHODS,
                  token=token, answerable=invoice.kind == "estimate" and invoice.status == "sent",
                  answered=answered if answered in ANSWERS else None)


@router.post("/invoice/{token}/{answer}")
async def answer_estimate(request: Request, token: str, answer: str):
    """The customer accepts or declines the estimate; accepted, it becomes a ticket the business books.

    The signed token in the path is the customer's only credential, and no other site can know it."""
    if answer not in ANSWERS:
        raise NotFound("Not found.")
    tenant_id, invoice_id = read_link(request, token)
    async with _tx(request, tenant_id) as conn:
        tenant = await get_tenant(conn, tenant_id)
        if answer == "accept":
            await accept_estimate(conn, tenant=tenant, invoice_id=invoice_id, now=request.app.state.clock.now())
        else:
            await decline_estimate(conn, tenant_id=tenant_id, invoice_id=invoice_id, now=request.app.state.clock.now())
    return redirect(f"/invoice/{token}?answered={answer}")
