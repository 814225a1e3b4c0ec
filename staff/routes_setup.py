"""The owner's first-run checklist, business settings, closures and API keys."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from domain.apikeys import service as apikeys
from domain.errors import NotFound
from domain.tenants import closures
from domain.tenants.checklist import setup_progress
from domain.tenants.closures import ClosureCreate
from domain.tenants.settings import BusinessSettingsUpdate, settings_of, update_settings
from staff.setup_forms import business_hours, checked, comma_list, hours_grid, line_list
from staff.web import Form, Staff, StaffContext, redirect, render

router = APIRouter(prefix="/staff", include_in_schema=False)


def widget_snippet(request: Request, staff: StaffContext) -> str:
    base = request.app.state.settings.public_url
    return f'<script src="{base}/widget/embed.js" data-key="{staff.tenant.widget_public_key}" async></script>'


@router.get("/setup")
async def setup_page(request: Request, staff: Staff):
    staff.require_owner()
    async with staff.tx() as conn:
        progress = await setup_progress(conn, tenant=staff.tenant)
    return render(request, "setup.html", staff=staff, progress=progress, snippet=widget_snippet(request, staff))


async def _settings_page(request: Request, staff: StaffContext, new_key: str | None = None):
    async with staff.tx() as conn:
        days_closed = await closures.list_closures(conn, since=staff.clock.now().astimezone(staff.tenant.tz).date())
        keys = await apikeys.list_api_keys(conn)
    hours = [(i + 1, s, e) for i, day in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
             for s, e in staff.tenant.business_hours.get(day, [])]
    return render(request, "settings.html", staff=staff, settings=settings_of(staff.tenant), hours=hours_grid(hours),
                  closures=days_closed, keys=keys, new_key=new_key, snippet=widget_snippet(request, staff))


@router.get("/settings")
async def settings_page(request: Request, staff: Staff):
    staff.require_owner()
    return await _settings_page(request, staff)


def _optional(form: dict[str, str], field: str) -> str | None:
    return form.get(field, "").strip() or None


@router.post("/settings")
async def save_settings(staff: Staff, form: Form):
    """The whole settings form at once; a field wrong is named and nothing is saved."""
    staff.require_owner()
    typed = {
        "name": form.get("name", "").strip() or None, "timezone": form.get("timezone", "").strip() or None,
        "phone_region": form.get("phone_region", "").strip().upper() or None,
        "business_hours": business_hours(form), "service_area": _optional(form, "service_area"),
        "service_area_places": comma_list(form.get("service_area_places")),
        "quiet_hours_start": form.get("quiet_hours_start") or None, "quiet_hours_end": form.get("quiet_hours_end") or None,
        "booking_horizon_days": form.get("booking_horizon_days") or None,
        "buffer_minutes": form.get("buffer_minutes") or None, "safety_text": _optional(form, "safety_text"),
        "invoice_address": _optional(form, "invoice_address"), "tax_number": _optional(form, "tax_number"),
        "widget_allowed_origins": line_list(form.get("widget_allowed_origins")),
        "widget_color": form.get("widget_color") or None, "widget_greeting": _optional(form, "widget_greeting"),
        "sms_number": _optional(form, "sms_number"), "staff_alert_channel": form.get("staff_alert_channel") or None}
    # a field the form did not send keeps its value (an older page, a form without that section)
    sent = {field: value for field, value in typed.items()
            if field in form or (field == "business_hours" and any(k.startswith("h-") for k in form))}
    data = checked(BusinessSettingsUpdate, sent)
    async with staff.tx() as conn:
        await update_settings(conn, tenant=staff.tenant, data=data)
    return redirect("/staff/settings?saved=1")


@router.post("/settings/closures")
async def add_closure(staff: Staff, form: Form):
    staff.require_owner()
    data = checked(ClosureCreate, {"date": form.get("date", "").strip(), "reason": _optional(form, "reason")})
    async with staff.tx() as conn:
        await closures.add_closure(conn, tenant_id=staff.tenant.id, data=data)
    return redirect("/staff/settings#closures")


@router.post("/settings/closures/{closure_id}/delete")
async def delete_closure(staff: Staff, form: Form, closure_id: UUID):
    staff.require_owner()
    async with staff.tx() as conn:
        await closures.delete_closure(conn, closure_id=closure_id)
    return redirect("/staff/settings#closures")


@router.post("/settings/api-keys")
async def create_api_key(request: Request, staff: Staff, form: Form):
    """The new key is on this one answer only (no redirect: a reload must not show it again)."""
    staff.require_owner()
    name = (form.get("name") or "").strip()[:100] or "api"
    async with staff.tx() as conn:
        _, raw = await apikeys.create_api_key(conn, tenant_id=staff.tenant.id, name=name)
    return await _settings_page(request, staff, new_key=raw)


@router.post("/settings/api-keys/{key_id}/revoke")
async def revoke_api_key(staff: Staff, form: Form, key_id: UUID):
    staff.require_owner()
    async with staff.tx() as conn:
        if not await apikeys.revoke_api_key(conn, key_id=key_id):
            raise NotFound("API key not found.")
    return redirect("/staff/settings#api-keys")
