"""Test data through the real domain services, on the real database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from domain.apikeys.service import create_api_key
from domain.db import Database, admin_tx, tenant_tx
from domain.tenants.models import Tenant, TenantCreate
from domain.tenants.service import create_tenant


@dataclass
class TenantHandle:
    tenant: Tenant
    api_key: str
    db: Database

    @property
    def id(self) -> UUID:
        return self.tenant.id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def tx(self, actor: str = "test"):
        return tenant_tx(self.db.app_pool, self.tenant.id, actor)


class Factory:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def tenant(self, **overrides) -> TenantHandle:
        slug = overrides.pop("slug", f"t-{uuid.uuid4().hex[:10]}")
        data = TenantCreate(name=overrides.pop("name", slug.title()), slug=slug,
                            phone_region=overrides.pop("phone_region", "CA"), **overrides)
        async with admin_tx(self.db) as conn:
            tenant = await create_tenant(conn, data)
        async with tenant_tx(self.db.app_pool, tenant.id, "test") as conn:
            _, raw = await create_api_key(conn, tenant_id=tenant.id, name="test")
        return TenantHandle(tenant=tenant, api_key=raw, db=self.db)
