"""Test helpers for messages, webhooks and privacy: rows inserted with literal SQL through the serving role."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from domain.db import fetch_one
from domain.tenants.models import Tenant
from domain.tenants.service import TENANT_COLUMNS


async def tenant_row(conn) -> Tenant:
    tenant = await fetch_one(conn, Tenant, f"select {TENANT_COLUMNS} from tenants")
    assert tenant is not None
    return tenant


async def insert_appointment(conn, tenant_id: UUID, *, starts_at: datetime, phone: str = "+14165550101",
                             minutes: int = 60, technician: str = "Mike Chen") -> tuple[UUID, UUID, UUID]:
    """(technician_id, ticket_id, appointment_id) of a booked appointment."""
    cur = await conn.execute("insert into technicians (tenant_id, name, skills) values (%s, %s, '{HVAC}') "
                             "returning id", (tenant_id, technician))
    tech_id = (await cur.fetchone())[0]
    cur = await conn.execute("""insert into tickets (tenant_id, customer_phone, category, status)
                                values (%s, %s, 'HVAC', 'scheduled') returning id""", (tenant_id, phone))
    ticket_id = (await cur.fetchone())[0]
    cur = await conn.execute("""insert into appointments (tenant_id, ticket_id, technician_id, during)
                                values (%s, %s, %s, tstzrange(%s, %s)) returning id""",
                             (tenant_id, ticket_id, tech_id, starts_at, starts_at + timedelta(minutes=minutes)))
    return tech_id, ticket_id, (await cur.fetchone())[0]
