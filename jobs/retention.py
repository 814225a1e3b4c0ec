"""The retention job: purges each tenant's conversation transcripts past its retention period."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from uuid import UUID

from domain.clock import Clock
from domain.db import Database, admin_tx, fetch_all, tenant_tx
from domain.privacy.service import purge_transcripts

log = logging.getLogger(__name__)

ACTOR = "job:retention"


@dataclass
class _TenantRetention:
    id: UUID
    retention_days: int


async def purge_expired_transcripts(db: Database, *, clock: Clock) -> int:
    """Runs the purge in every tenant's own transaction (the list of tenants is the only admin read)."""
    async with admin_tx(db) as admin:
        tenants = await fetch_all(admin, _TenantRetention, "select id, retention_days from tenants order by id")
    purged = 0
    for tenant in tenants:
        async with tenant_tx(db.app_pool, tenant.id, ACTOR) as conn:
            purged += await purge_transcripts(conn, retention_days=tenant.retention_days, now=clock.now())
    if purged:
        log.info("retention: purged %d transcript messages", purged)
    return purged
