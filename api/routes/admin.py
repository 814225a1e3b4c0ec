"""Platform administration, `/admin/v1` with a platform key: tenants, suspension, usage per month.

A platform key is not a tenant's API key: it is made by `fieldbook admin-key create`, read on the admin
connection, and these routes are the only ones that accept it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from api.answers import declares, errors
from api.deps import Db
from domain.apikeys.service import create_api_key
from domain.db import admin_tx
from domain.pagination import Page
from domain.platform import service as platform
from domain.platform.service import PlatformKey, TenantSummary, TenantUsage
from domain.staff.service import StaffUserCreate, create_staff_user
from domain.tenants.models import TenantCreate
from domain.tenants.service import create_tenant
from staff.invitations import invitation

router = APIRouter(prefix="/admin/v1", tags=["platform admin"])
platform_bearer = HTTPBearer(scheme_name="platformKey", description="A platform key (`fieldbook admin-key create`)",
                             auto_error=False)


@declares(UNAUTHORIZED=401)
async def platform_key(db: Db, credentials: Annotated[HTTPAuthorizationCredentials | None,
                                                       Depends(platform_bearer)]) -> PlatformKey:
    raw = credentials.credentials.strip() if credentials is not None else ""
    key = None
    if raw and len(raw) <= 200:
        async with admin_tx(db) as conn:
            key = await platform.resolve_platform_key(conn, raw)
    if key is None:
        raise HTTPException(401, "Send a platform key as 'Authorization: Bearer <key>'.",
                            headers={"WWW-Authenticate": "Bearer"})
    return key


Platform = Annotated[PlatformKey, Depends(platform_key)]


class AdminTenantCreate(TenantCreate):
    owner_email: str | None = Field(None, pattern=r"^[^@\s]+@[^@\s]+$", max_length=254,
                                    description="The owner: created with a sign-in link, emailed")
    owner_name: str | None = Field(None, max_length=200)


class NewTenant(BaseModel):
    tenant: TenantSummary
    widget_public_key: str
    api_key: str   # shown once


@router.get("/tenants")
async def list_tenants(_: Platform, db: Db) -> Page[TenantSummary]:
    async with admin_tx(db) as conn:
        return Page(data=await platform.list_tenants(conn))


@router.post("/tenants", status_code=201, responses=errors(DUPLICATE_SLUG=409, DUPLICATE_SMS_NUMBER=409))
async def create(_: Platform, db: Db, request: Request, body: AdminTenantCreate) -> NewTenant:
    """A tenant with its first API key (shown once) and, with `owner_email`, its owner, emailed a sign-in link."""
    settings = request.app.state.settings
    invite = None
    async with admin_tx(db) as conn:
        tenant = await create_tenant(conn, TenantCreate.model_validate(body.model_dump(exclude={"owner_email", "owner_name"})))
        await conn.execute("select set_config('app.tenant_id', %s, true)", (str(tenant.id),))
        _, raw = await create_api_key(conn, tenant_id=tenant.id, name="initial")
        if body.owner_email:
            owner = await create_staff_user(conn, tenant_id=tenant.id, data=StaffUserCreate(
                email=body.owner_email, name=body.owner_name or body.owner_email.split("@")[0], role="owner"))
            invite = await invitation(conn, settings, business=tenant.name, user=owner,
                                      now=request.app.state.clock.now())
    if invite is not None:
        await invite.send(settings)
    summary = TenantSummary.model_validate(tenant.model_dump())
    return NewTenant(tenant=summary, widget_public_key=tenant.widget_public_key, api_key=raw)


@router.post("/tenants/{slug}/suspend", responses=errors(UNKNOWN_TENANT=404))
async def suspend(_: Platform, db: Db, slug: str) -> TenantSummary:
    """The tenant's widget, SMS and API answer that the service is unavailable until it is resumed."""
    async with admin_tx(db) as conn:
        return await platform.set_suspended(conn, slug=slug, suspended=True)


@router.post("/tenants/{slug}/resume", responses=errors(UNKNOWN_TENANT=404))
async def resume(_: Platform, db: Db, slug: str) -> TenantSummary:
    async with admin_tx(db) as conn:
        return await platform.set_suspended(conn, slug=slug, suspended=False)


Month = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM; default: this month")]


def _month(request: Request, month: str | None) -> date:
    # records are stamped by the database's clock (now()), not a demo's FIELDBOOK_CLOCK: so is "this month"
    return date.fromisoformat(month + "-01") if month else datetime.now(UTC).date().replace(day=1)


@router.get("/usage")
async def usage_all(_: Platform, db: Db, request: Request, month: Month | None = None) -> list[TenantUsage]:
    """Per tenant: conversations started, appointments booked and SMS sent in the month (UTC, by when the
    records were written)."""
    async with admin_tx(db) as conn:
        return await platform.usage(conn, month=_month(request, month))


@router.get("/tenants/{slug}/usage", responses=errors(UNKNOWN_TENANT=404))
async def usage_one(_: Platform, db: Db, request: Request, slug: str, month: Month | None = None) -> TenantUsage:
    async with admin_tx(db) as conn:
        return (await platform.usage(conn, month=_month(request, month), slug=slug))[0]
