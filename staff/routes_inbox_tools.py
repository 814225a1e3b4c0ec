"""The inbox's tools: macros (canned replies for the whole business), each staff member's saved views, who is on
duty and how they are alerted."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import ValidationError

from domain.errors import Forbidden, Invalid
from domain.inbox import macros, views
from domain.inbox.models import InboxFilter
from domain.staff.duty import DutyUpdate, set_duty
from domain.tenants.service import set_staff_alert_channel
from staff.web import Form, Staff, redirect, render

router = APIRouter(prefix="/staff/inbox-tools", include_in_schema=False)


@router.get("/macros")
async def macro_page(request: Request, staff: Staff):
    staff.require_dispatch()
    async with staff.tx() as conn:
        canned = await macros.list_macros(conn)
    return render(request, "inbox_macros.html", staff=staff, macros=canned)


@router.post("/macros")
async def add_macro(staff: Staff, form: Form):
    """A canned reply; {first_name} and {ticket_code} are filled in when it is used."""
    staff.require_dispatch()
    try:
        data = macros.MacroCreate(name=form.get("name", ""), body=form.get("body", ""))
    except ValidationError:
        raise Invalid("A macro needs a name (up to 100 characters) and a text (up to 1600).",
                      code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        await macros.create_macro(conn, tenant_id=staff.tenant.id, data=data)
    return redirect("/staff/inbox-tools/macros")


@router.post("/macros/{macro_id}/delete")
async def delete_macro(staff: Staff, form: Form, macro_id: UUID):
    staff.require_dispatch()
    async with staff.tx() as conn:
        await macros.delete_macro(conn, macro_id=macro_id)
    return redirect("/staff/inbox-tools/macros")


@router.post("/views")
async def save_view(staff: Staff, form: Form):
    """The inbox's current filters under a name, for this staff member only."""
    staff.require_dispatch()
    try:
        filters = InboxFilter(state=form.get("state") or None, channel=form.get("channel") or None,
                              unassigned=form.get("unassigned") == "1",
                              assigned_to=staff.session.staff_user_id if form.get("mine") == "1" else None)
        data = views.SavedViewCreate(name=form.get("name", ""), filters=filters)
    except ValidationError:
        raise Invalid("Name the view (up to 60 characters).", code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        saved = await views.save_view(conn, tenant_id=staff.tenant.id, staff_user_id=staff.session.staff_user_id,
                                      data=data)
    return redirect(f"/staff/inbox?view={saved.id}")


@router.post("/views/{view_id}/delete")
async def delete_view(staff: Staff, form: Form, view_id: UUID):
    staff.require_dispatch()
    async with staff.tx() as conn:
        await views.delete_view(conn, staff_user_id=staff.session.staff_user_id, view_id=view_id)
    return redirect("/staff/inbox")


@router.post("/duty")
async def set_my_duty(staff: Staff, form: Form):
    """The signed-in staff member goes on or off duty (alerted when a conversation needs a person) and says
    which phone SMS alerts reach."""
    staff.require_dispatch()
    try:
        data = DutyUpdate(on_duty=form.get("on_duty") == "on", phone=form.get("phone", "").strip() or None)
    except ValidationError:
        raise Invalid("The phone number is too long.", code="VALIDATION_ERROR") from None
    async with staff.tx() as conn:
        await set_duty(conn, user_id=staff.session.staff_user_id, data=data, region=staff.tenant.phone_region)
    return redirect("/staff/inbox")


@router.post("/alert-channel")
async def set_alert_channel(staff: Staff, form: Form):
    """How the business's on-duty staff are alerted: by SMS or by email (owners only)."""
    if staff.session.role != "owner":
        raise Forbidden("Only an owner can change how staff are alerted.")
    async with staff.tx() as conn:
        await set_staff_alert_channel(conn, channel=form.get("channel", ""))
    return redirect("/staff/inbox")
