"""The owner's technicians: add, change, weekly hours, time off."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from domain.categories.service import list_categories
from domain.staff.service import list_staff
from domain.technicians import service as technicians
from domain.technicians import time_off
from domain.technicians.models import TechnicianCreate, TechnicianUpdate, TimeOffCreate
from staff.setup_forms import checked, hours_grid, local_span, working_spans
from staff.web import Form, Staff, redirect, render

router = APIRouter(prefix="/staff/technicians", include_in_schema=False)


def _fields(form: dict[str, str]) -> dict:
    """The technician's own fields as typed; skills are ticked boxes named skill."""
    return {"name": form.get("name", "").strip(), "phone": form.get("phone", "").strip() or None,
            "email": form.get("email", "").strip() or None, "color": form.get("color") or "#2f6fdb",
            "skills": [k[len("skill:"):] for k, v in form.items() if k.startswith("skill:") and v == "on"],
            "staff_user_id": form.get("staff_user_id") or None}


@router.get("")
async def technicians_page(request: Request, staff: Staff):
    staff.require_owner()
    async with staff.tx() as conn:
        techs = await technicians.list_technicians(conn, active=None)
        categories = await list_categories(conn)
        members = await list_staff(conn)
        hours = {t.id: await technicians.get_working_hours(conn, technician_id=t.id) for t in techs}
    return render(request, "technicians.html", staff=staff, techs=techs, categories=categories, members=members,
                  hours=hours, grid=hours_grid([]))


@router.post("")
async def add_technician(staff: Staff, form: Form):
    """The technician with the hours typed in the same form; offered from the next availability query."""
    staff.require_owner()
    data = checked(TechnicianCreate, _fields(form) | {"working_hours": working_spans(form)})
    async with staff.tx() as conn:
        tech = await technicians.create_technician(conn, tenant_id=staff.tenant.id, data=data,
                                                   region=staff.tenant.phone_region)
    return redirect(f"/staff/technicians/{tech.id}")


@router.get("/{technician_id}")
async def technician_page(request: Request, staff: Staff, technician_id: UUID):
    staff.require_owner()
    async with staff.tx() as conn:
        tech = await technicians.get_technician(conn, technician_id=technician_id)
        hours = await technicians.get_working_hours(conn, technician_id=technician_id)
        away = await time_off.list_time_off(conn, technician_id=technician_id)
        categories = await list_categories(conn, active_only=False)
        members = await list_staff(conn)
    return render(request, "technician.html", staff=staff, tech=tech, categories=categories, members=members,
                  grid=hours_grid([(h.weekday, h.starts, h.ends) for h in hours]), time_off=away)


@router.post("/{technician_id}")
async def change_technician(staff: Staff, form: Form, technician_id: UUID):
    staff.require_owner()
    data = checked(TechnicianUpdate, _fields(form) | {"active": form.get("active") == "on"})
    async with staff.tx() as conn:
        await technicians.update_technician(conn, technician_id=technician_id, data=data,
                                            region=staff.tenant.phone_region)
    return redirect(f"/staff/technicians/{technician_id}")


@router.post("/{technician_id}/hours")
async def replace_hours(staff: Staff, form: Form, technician_id: UUID):
    staff.require_owner()
    spans = working_spans(form)
    async with staff.tx() as conn:
        await technicians.get_technician(conn, technician_id=technician_id)
        await technicians.set_working_hours(conn, tenant_id=staff.tenant.id, technician_id=technician_id, spans=spans)
    return redirect(f"/staff/technicians/{technician_id}#hours")


@router.post("/{technician_id}/time-off")
async def add_time_off(staff: Staff, form: Form, technician_id: UUID):
    """Whole days, or part of a day, in the business's timezone."""
    staff.require_owner()
    start, end = local_span(form, staff.tenant.tz)
    data = checked(TimeOffCreate, {"start": start, "end": end, "reason": form.get("reason", "").strip() or None})
    async with staff.tx() as conn:
        await time_off.add_time_off(conn, tenant_id=staff.tenant.id, technician_id=technician_id, data=data)
    return redirect(f"/staff/technicians/{technician_id}#time-off")


@router.post("/{technician_id}/time-off/{time_off_id}/delete")
async def delete_time_off(staff: Staff, form: Form, technician_id: UUID, time_off_id: UUID):
    staff.require_owner()
    async with staff.tx() as conn:
        await time_off.delete_time_off(conn, technician_id=technician_id, time_off_id=time_off_id)
    return redirect(f"/staff/technicians/{technician_id}#time-off")
