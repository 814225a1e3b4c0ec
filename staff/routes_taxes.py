"""The business's tax rates (owner only): add one, make it the default, change or retire it."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError

from domain.errors import Forbidden, Invalid
from domain.taxes.models import TaxRateCreate, TaxRateUpdate
from domain.taxes.service import create_tax_rate, list_tax_rates, update_tax_rate
from staff.forms import decimal_field
from staff.web import Form, Staff, StaffContext, redirect, render

router = APIRouter(prefix="/staff/settings/tax-rates", include_in_schema=False)


def _owner(staff: StaffContext) -> None:
    if staff.session.role != "owner":
        raise Forbidden("Only the owner can change the business's tax rates.")


@router.get("")
async def tax_rates_page(request: Request, staff: Staff):
    _owner(staff)
    async with staff.tx() as conn:
        rates = await list_tax_rates(conn)
    return render(request, "tax_rates.html", staff=staff, rates=rates)


@router.post("")
async def add_tax_rate(staff: Staff, form: Form):
    _owner(staff)
    try:
        data = TaxRateCreate(name=form.get("name", "").strip(), is_default=form.get("is_default") == "on",
                             rate_percent=decimal_field(form.get("rate_percent"), "Rate"))
    except ValidationError:
        raise Invalid("Name the tax and give its rate in percent, e.g. HST 13.", code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        await create_tax_rate(conn, tenant_id=staff.tenant.id, data=data)
    return redirect("/staff/settings/tax-rates")


@router.post("/{tax_rate_id}")
async def change_tax_rate(staff: Staff, form: Form, tax_rate_id: UUID):
    """One of: make default, retire, bring back (the form's `action`)."""
    _owner(staff)
    changes = {"default": TaxRateUpdate(is_default=True), "retire": TaxRateUpdate(active=False),
               "restore": TaxRateUpdate(active=True)}
    if form.get("action") not in changes:
        raise Invalid("Unknown change.", code="VALIDATION_ERROR")
    async with staff.tx() as conn:
        await update_tax_rate(conn, tax_rate_id=tax_rate_id, data=changes[form["action"]])
    return redirect("/staff/settings/tax-rates")
