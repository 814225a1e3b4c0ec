"""The owner's catalog: categories with their synonyms (the agent's words) and the services sold."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request

from domain.catalog import service as catalog
from domain.catalog.models import ServiceCreate
from domain.categories import service as categories
from domain.categories.models import ServiceCategoryCreate, ServiceCategoryUpdate
from staff.forms import decimal_field
from staff.setup_forms import checked, comma_list
from staff.web import Form, Staff, redirect, render

router = APIRouter(prefix="/staff/catalog", include_in_schema=False)


@router.get("")
async def catalog_page(request: Request, staff: Staff):
    staff.require_owner()
    async with staff.tx() as conn:
        cats = await categories.list_categories(conn, active_only=False)
        services = await catalog.list_services(conn, active_only=False)
    return render(request, "catalog.html", staff=staff, categories=cats, services=services)


@router.post("/categories")
async def add_category(staff: Staff, form: Form):
    """A new category; its synonyms are understood by the agent from the next message."""
    staff.require_owner()
    data = checked(ServiceCategoryCreate, {"key": form.get("key", "").strip(), "name": form.get("name", "").strip(),
                                           "synonyms": comma_list(form.get("synonyms"))})
    async with staff.tx() as conn:
        await categories.create_category(conn, tenant_id=staff.tenant.id, data=data)
    return redirect("/staff/catalog#categories")


@router.post("/categories/{key}")
async def change_category(staff: Staff, form: Form, key: str):
    staff.require_owner()
    data = checked(ServiceCategoryUpdate, {"name": form.get("name", "").strip(), "active": form.get("active") == "on",
                                           "synonyms": comma_list(form.get("synonyms"))})
    async with staff.tx() as conn:
        await categories.update_category(conn, key=key, data=data)
    return redirect("/staff/catalog#categories")


@router.post("/services")
async def add_service(staff: Staff, form: Form):
    staff.require_owner()
    data = checked(ServiceCreate, {
        "name": form.get("name", "").strip(), "category": form.get("category") or None,
        "pricing_type": form.get("pricing_type", ""), "price": decimal_field(form.get("price"), "Price"),
        "unit_price": decimal_field(form.get("unit_price"), "Unit price"),
        "unit_label": form.get("unit_label", "").strip() or None,
        "default_duration_minutes": form.get("default_duration_minutes") or 60})
    async with staff.tx() as conn:
        await catalog.create_service(conn, tenant_id=staff.tenant.id, data=data)
    return redirect("/staff/catalog#services")


@router.post("/services/{service_id}/delete")
async def delete_service(staff: Staff, form: Form, service_id: UUID):
    staff.require_owner()
    async with staff.tx() as conn:
        await catalog.delete_service(conn, service_id=service_id)
    return redirect("/staff/catalog#services")
