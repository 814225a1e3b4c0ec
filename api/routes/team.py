"""The business's settings, its team (invitations by email) and its API keys."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter, BackgroundTasks, Request, Response
from pydantic import BaseModel, Field

from api.answers import errors
from api.deps import Api
from domain.apikeys import service as apikeys
from domain.apikeys.service import ApiKey
from domain.errors import NotFound
from domain.pagination import Page
from domain.staff import service as staff
from domain.staff.service import StaffUser, StaffUserCreate
from domain.tenants.settings import BusinessSettings, BusinessSettingsUpdate, settings_of, update_settings
from staff.invitations import invitation

router = APIRouter(prefix="/api/v1", tags=["setup"])


@router.get("/settings")
async def get_settings(api: Api) -> BusinessSettings:
    return settings_of(api.tenant)


@router.patch("/settings", responses=errors(DUPLICATE_SMS_NUMBER=409))
async def patch_settings(api: Api, body: BusinessSettingsUpdate) -> BusinessSettings:
    """Change any settings; the widget, SMS and agent use them from their next request."""
    async with api.tx() as conn:
        return settings_of(await update_settings(conn, tenant=api.tenant, data=body))


@router.get("/staff")
async def list_staff(api: Api) -> Page[StaffUser]:
    async with api.tx() as conn:
        return Page(data=await staff.list_staff(conn))


@router.post("/staff", status_code=201, responses=errors(DUPLICATE_EMAIL=409))
async def invite_staff(api: Api, request: Request, body: StaffUserCreate, background: BackgroundTasks) -> StaffUser:
    """Add a team member (owner, dispatcher, technician); the sign-in link is emailed after the commit."""
    settings = request.app.state.settings
    async with api.tx() as conn:
        user = await staff.invite_staff_user(conn, tenant_id=api.tenant.id, data=body)
        invite = await invitation(conn, settings, business=api.tenant.name, user=user, now=api.clock.now())
    background.add_task(invite.send, settings)
    return user


@router.delete("/staff/{user_id}", status_code=204, responses=errors(NOT_FOUND=404, LAST_OWNER=409))
async def deactivate_staff(api: Api, user_id: UUID) -> Response:
    """Deactivate: the member's sessions end at once and their links stop working."""
    async with api.tx() as conn:
        await staff.deactivate_staff_user(conn, user_id=user_id)
    return Response(status_code=204)


class ApiKeyCreate(BaseModel):
    name: str = Field("api", min_length=1, max_length=100)


class NewApiKey(BaseModel):
    id: UUID
    name: str
    prefix: str
    created_at: datetime
    key: str   # shown this once; only its hash is kept


@router.get("/api-keys")
async def list_api_keys(api: Api) -> Page[ApiKey]:
    async with api.tx() as conn:
        return Page(data=await apikeys.list_api_keys(conn))


@router.post("/api-keys", status_code=201)
async def create_api_key(api: Api, body: ApiKeyCreate) -> NewApiKey:
    """A new key, shown once in `key`."""
    async with api.tx() as conn:
        key, raw = await apikeys.create_api_key(conn, tenant_id=api.tenant.id, name=body.name)
    return NewApiKey(id=key.id, name=key.name, prefix=key.prefix, created_at=key.created_at, key=raw)


@router.delete("/api-keys/{key_id}", status_code=204, responses=errors(NOT_FOUND=404))
async def revoke_api_key(api: Api, key_id: UUID) -> Response:
    """Revoke: the key's next request gets 401."""
    async with api.tx() as conn:
        if not await apikeys.revoke_api_key(conn, key_id=key_id):
            raise NotFound("API key not found.")
    return Response(status_code=204)
