"""The owner's side of technicians: add and change them, their weekly hours, time off; business closures."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Query, Response

from api.answers import errors
from api.deps import Api
from api.routes.catalog import TechnicianDetail
from domain.technicians import service as technicians
from domain.technicians import time_off
from domain.technicians.models import TechnicianCreate, TechnicianUpdate, TimeOff, TimeOffCreate, WorkingSpan
from domain.tenants import closures
from domain.tenants.closures import Closure, ClosureCreate

router = APIRouter(prefix="/api/v1", tags=["setup"])


async def _detail(conn, technician_id: UUID) -> TechnicianDetail:
    tech = await technicians.get_technician(conn, technician_id=technician_id)
    hours = await technicians.get_working_hours(conn, technician_id=technician_id)
    return TechnicianDetail(**tech.model_dump(), working_hours=hours)


@router.post("/technicians", status_code=201, responses=errors(UNKNOWN_CATEGORY=404, UNKNOWN_STAFF_USER=404))
async def create_technician(api: Api, body: TechnicianCreate) -> TechnicianDetail:
    """A technician with skills (category keys) and weekly hours; offered from the next availability query."""
    async with api.tx() as conn:
        tech = await technicians.create_technician(conn, tenant_id=api.tenant.id, data=body,
                                                   region=api.tenant.phone_region)
        return await _detail(conn, tech.id)


@router.patch("/technicians/{technician_id}", responses=errors(NOT_FOUND=404, UNKNOWN_CATEGORY=404, UNKNOWN_STAFF_USER=404))
async def update_technician(api: Api, technician_id: UUID, body: TechnicianUpdate) -> TechnicianDetail:
    """Any of name, phone, email, skills, color, active (inactive: never offered)."""
    async with api.tx() as conn:
        await technicians.update_technician(conn, technician_id=technician_id, data=body,
                                            region=api.tenant.phone_region)
        return await _detail(conn, technician_id)


@router.put("/technicians/{technician_id}/working-hours", responses=errors(NOT_FOUND=404))
async def replace_working_hours(api: Api, technician_id: UUID, body: list[WorkingSpan]) -> list[WorkingSpan]:
    """Replace the week: ISO weekdays (1 = Monday), local times, several shifts a day allowed."""
    async with api.tx() as conn:
        await technicians.get_technician(conn, technician_id=technician_id)
        await technicians.set_working_hours(conn, tenant_id=api.tenant.id, technician_id=technician_id, spans=body)
        return await technicians.get_working_hours(conn, technician_id=technician_id)


@router.get("/technicians/{technician_id}/time-off", responses=errors(NOT_FOUND=404))
async def list_time_off(api: Api, technician_id: UUID) -> list[TimeOff]:
    async with api.tx() as conn:
        return await time_off.list_time_off(conn, technician_id=technician_id)


@router.post("/technicians/{technician_id}/time-off", status_code=201, responses=errors(NOT_FOUND=404))
async def add_time_off(api: Api, technician_id: UUID, body: TimeOffCreate) -> TimeOff:
    """A sick day, a vacation or part of a day; its times vanish from the next offer."""
    async with api.tx() as conn:
        return await time_off.add_time_off(conn, tenant_id=api.tenant.id, technician_id=technician_id, data=body)


@router.delete("/technicians/{technician_id}/time-off/{time_off_id}", status_code=204, responses=errors(NOT_FOUND=404))
async def delete_time_off(api: Api, technician_id: UUID, time_off_id: UUID) -> Response:
    async with api.tx() as conn:
        await time_off.delete_time_off(conn, technician_id=technician_id, time_off_id=time_off_id)
    return Response(status_code=204)


@router.get("/closures")
async def list_closures(api: Api, since: date | None = Query(None, alias="from")) -> list[Closure]:
    """Days the whole business is closed, by date."""
    async with api.tx() as conn:
        return await closures.list_closures(conn, since=since)


@router.post("/closures", status_code=201, responses=errors(DUPLICATE_CLOSURE=409))
async def add_closure(api: Api, body: ClosureCreate) -> Closure:
    """Close the business on a local date (a holiday): no one is offered that day."""
    async with api.tx() as conn:
        return await closures.add_closure(conn, tenant_id=api.tenant.id, data=body)


@router.delete("/closures/{closure_id}", status_code=204, responses=errors(NOT_FOUND=404))
async def delete_closure(api: Api, closure_id: UUID) -> Response:
    async with api.tx() as conn:
        await closures.delete_closure(conn, closure_id=closure_id)
    return Response(status_code=204)
