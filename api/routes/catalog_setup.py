"""The owner's side of the catalog: categories with their synonyms (the agent's vocabulary), and services."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from api.answers import errors
from api.deps import Api
from domain.catalog import service as catalog
from domain.catalog.models import Service, ServiceCreate, ServiceUpdate
from domain.categories import service as categories
from domain.categories.models import ServiceCategory, ServiceCategoryCreate, ServiceCategoryUpdate
from domain.pagination import Page

router = APIRouter(prefix="/api/v1", tags=["setup"])


@router.get("/categories")
async def list_categories(api: Api, include_inactive: bool = False) -> Page[ServiceCategory]:
    """Service categories in display order, with the synonyms customers use for them."""
    async with api.tx() as conn:
        return Page(data=await categories.list_categories(conn, active_only=not include_inactive))


@router.post("/categories", status_code=201, responses=errors(DUPLICATE_CATEGORY=409))
async def create_category(api: Api, body: ServiceCategoryCreate) -> ServiceCategory:
    """A new category; the agent understands its name and synonyms from the next message."""
    async with api.tx() as conn:
        return await categories.create_category(conn, tenant_id=api.tenant.id, data=body)


@router.patch("/categories/{key}", responses=errors(UNKNOWN_CATEGORY=404))
async def update_category(api: Api, key: str, body: ServiceCategoryUpdate) -> ServiceCategory:
    """Any of name, description, synonyms (replaces the list), sort_order, active."""
    async with api.tx() as conn:
        return await categories.update_category(conn, key=key, data=body)


@router.post("/services", status_code=201, responses=errors(UNKNOWN_CATEGORY=404))
async def create_service(api: Api, body: ServiceCreate) -> Service:
    """A catalog entry: fixed (price), flexible, or per unit (unit_price and unit_label)."""
    async with api.tx() as conn:
        return await catalog.create_service(conn, tenant_id=api.tenant.id, data=body)


@router.patch("/services/{service_id}", responses=errors(NOT_FOUND=404, UNKNOWN_CATEGORY=404))
async def update_service(api: Api, service_id: UUID, body: ServiceUpdate) -> Service:
    async with api.tx() as conn:
        return await catalog.update_service(conn, service_id=service_id, data=body)


@router.delete("/services/{service_id}", status_code=204, responses=errors(NOT_FOUND=404))
async def delete_service(api: Api, service_id: UUID) -> Response:
    """Removed from the catalog; jobs and invoices that used it keep their lines."""
    async with api.tx() as conn:
        await catalog.delete_service(conn, service_id=service_id)
    return Response(status_code=204)
