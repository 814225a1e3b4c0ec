"""Request dependencies, declared once as Annotated aliases."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from psycopg import AsyncConnection

from api.answers import declares
from domain.clock import Clock
from domain.db import Database, admin_tx, fetch_one, tenant_tx
from domain.apikeys.service import hash_key
from domain.live import Notifier
from domain.platform.service import TenantSuspended
from domain.tenants.models import Tenant
from domain.tenants.service import TENANT_COLUMNS


@dataclass
class ApiContext:
    """Who is calling (a tenant's API key) and the means to open that tenant's transaction."""

    db: Database
    clock: Clock
    tenant: Tenant
    actor: str

    def tx(self) -> AbstractAsyncContextManager[AsyncConnection]:
        return tenant_tx(self.db.app_pool, self.tenant.id, self.actor)


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_clock(request: Request) -> Clock:
    return request.app.state.clock


# declared as the OpenAPI security scheme; a missing or malformed header is answered below in our format
bearer = HTTPBearer(scheme_name="apiKey", description="The business's API key", auto_error=False)


@declares(UNAUTHORIZED=401, SERVICE_UNAVAILABLE=503)
async def api_context(request: Request,
                      credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> ApiContext:
    raw = credentials.credentials if credentials is not None else ""
    if not raw.strip():
        raise HTTPException(401, "Send your API key as 'Authorization: Bearer <key>'.",
                            headers={"WWW-Authenticate": "Bearer"})
    db = get_db(request)
    async with admin_tx(db) as conn:
        row = await fetch_one(conn, _KeyTenant, f"""
            select k.id as key_id, {', '.join('t.' + c.strip() for c in TENANT_COLUMNS.split(','))}
              from api_keys k join tenants t on t.id = k.tenant_id
             where k.key_hash = %s and k.revoked_at is null""", (hash_key(raw.strip()),))
    if row is None:
        raise HTTPException(401, "This API key is not valid or has been revoked.",
                            headers={"WWW-Authenticate": "Bearer"})
    tenant = Tenant.model_validate(row.model_dump(exclude={"key_id"}))
    if tenant.suspended_at is not None:
        raise TenantSuspended()
    return ApiContext(db=db, clock=get_clock(request), tenant=tenant, actor=f"apikey:{row.key_id}")


class _KeyTenant(Tenant):
    key_id: object


def get_live(request: Request) -> Notifier:
    return request.app.state.live


Api = Annotated[ApiContext, Depends(api_context)]
Live = Annotated[Notifier, Depends(get_live)]
Db = Annotated[Database, Depends(get_db)]
AppClock = Annotated[Clock, Depends(get_clock)]
