"""Read-only reference data: technicians, the services catalog, the vocabulary (datalabels)."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.answers import errors
from api.deps import Api
from domain.catalog import service as catalog
from domain.catalog.models import Service
from domain.categories import service as categories
from domain.errors import NotFound
from domain.pagination import Page
from domain.technicians import service as technicians
from domain.technicians.models import Technician, WorkingSpan

router = APIRouter(prefix="/api/v1", tags=["reference"])


class TechnicianDetail(Technician):
    working_hours: list[WorkingSpan]


@router.get("/technicians")
async def list_technicians(api: Api, skill: str | None = Query(None, max_length=60)) -> Page[Technician]:
    """Active technicians, optionally those with one skill (a service category key or name; one the business
    does not have matches nobody)."""
    async with api.tx() as conn:
        if skill is not None:
            category = await categories.find_category(conn, text=skill)
            if category is None:
                return Page(data=[])
            skill = category.key
        return Page(data=await technicians.list_technicians(conn, skill=skill))


@router.get("/technicians/{technician_id}", responses=errors(NOT_FOUND=404))
async def get_technician(api: Api, technician_id: UUID) -> TechnicianDetail:
    async with api.tx() as conn:
        tech = await technicians.get_technician(conn, technician_id=technician_id)
        hours = await technicians.get_working_hours(conn, technician_id=technician_id)
    return TechnicianDetail(**tech.model_dump(), working_hours=hours)


@router.get("/services")
async def list_services(api: Api, category: str | None = Query(None, max_length=60)) -> Page[Service]:
    """The active catalog: fixed, flexible or per-unit pricing."""
    async with api.tx() as conn:
        return Page(data=await catalog.list_services(conn, category=category))


@router.get("/services/{service_id}", responses=errors(NOT_FOUND=404))
async def get_service(api: Api, service_id: UUID) -> Service:
    async with api.tx() as conn:
        return await catalog.get_service(conn, service_id=service_id)


class Datalabel(BaseModel):
    id: UUID
    name: str
    descr: str | None
    label: str
    metadata: dict[str, Any]


LABELS = {"service_category": "service_category", "urgency_level": "urgency_level",
          "task_priority": "urgency_level"}


async def _datalabels(api: Api, name: str) -> Page[Datalabel]:
    kind = LABELS.get(name.removeprefix("dl__").removeprefix("datalabel_"))
    if kind is None:
        raise NotFound("Unknown datalabel; use service_category or urgency_level.", code="UNKNOWN_DATALABEL")
    async with api.tx() as conn:
        if kind == "service_category":
            rows = [Datalabel(id=c.id, name=c.key, descr=c.description, label=c.name,
                              metadata={"synonyms": c.synonyms}) for c in await categories.list_categories(conn)]
        else:
            rows = [Datalabel(id=u.id, name=u.key, descr=u.description, label=u.name,
                              metadata={"window_start_hours": u.window_start_hours,
                                        "window_end_hours": u.window_end_hours})
                    for u in await categories.list_urgency_levels(conn)]
    return Page(data=rows)


@router.get("/datalabels/{name}", responses=errors(UNKNOWN_DATALABEL=404))
async def get_datalabels(api: Api, name: str) -> Page[Datalabel]:
    """Seed 004's settings API: `service_category` or `urgency_level` (a `dl__` prefix is accepted)."""
    return await _datalabels(api, name)


@router.get("/datalabel", responses=errors(UNKNOWN_DATALABEL=404))
async def get_datalabel_by_query(api: Api, name: str = Query(max_length=60)) -> Page[Datalabel]:
    """The seed's spelling: `/api/v1/datalabel?name=dl__service_category`."""
    return await _datalabels(api, name)
