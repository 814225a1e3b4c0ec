"""The owner's team page: invite by email with a role, deactivate (their sessions end at once)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, BackgroundTasks, Request

from domain.staff import service as staff_service
from domain.staff.service import StaffUserCreate
from staff.invitations import invitation
from staff.setup_forms import checked
from staff.web import Form, Staff, redirect, render

router = APIRouter(prefix="/staff/team", include_in_schema=False)


@router.get("")
async def team_page(request: Request, staff: Staff):
    staff.require_owner()
    async with staff.tx() as conn:
        members = await staff_service.list_staff(conn)
    return render(request, "team.html", staff=staff, members=members, invited=request.query_params.get("invited"))


@router.post("")
async def invite(request: Request, staff: Staff, form: Form, background: BackgroundTasks):
    """The invitation (a sign-in link) leaves after the commit."""
    staff.require_owner()
    data = checked(StaffUserCreate, {"email": form.get("email", "").strip(), "name": form.get("name", "").strip(),
                                     "role": form.get("role", "")})
    settings = request.app.state.settings
    async with staff.tx() as conn:
        user = await staff_service.invite_staff_user(conn, tenant_id=staff.tenant.id, data=data)
        sent = await invitation(conn, settings, business=staff.tenant.name, user=user, now=staff.clock.now())
    background.add_task(sent.send, settings)
    return redirect(f"/staff/team?invited={user.id}")


@router.post("/{user_id}/deactivate")
async def deactivate(staff: Staff, form: Form, user_id: UUID):
    staff.require_owner()
    async with staff.tx() as conn:
        await staff_service.deactivate_staff_user(conn, user_id=user_id)
    return redirect("/staff/team")
