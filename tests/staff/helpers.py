"""Shared set-up for staff tests: the demo tenant, a job for Sarah Johnson today, a signed-in client."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx

from domain.auth.service import issue_link
from domain.db import Database, fetch_value, tenant_tx
from fieldbook.demo import seed_demo

TORONTO = ZoneInfo("America/Toronto")
SEED_NOTES = ("Elderly woman, very nice. Dog named Biscuit, keep gate closed. Complex sill on 2nd story, "
              "brought extension ladder.")


@dataclass
class Demo:
    tenant_id: UUID
    ticket_id: UUID
    mike_id: UUID
    lisa_id: UUID


async def seed_job(db: Database, *, tenant_id: UUID, technician: str = "Mike Chen",
                   start: datetime = datetime(2025, 11, 6, 10, 0, tzinfo=TORONTO)) -> UUID:
    """A scheduled HVAC job for Sarah Johnson with an appointment for `technician`."""
    async with tenant_tx(db.app_pool, tenant_id, "test") as conn:
        tech = await fetch_value(conn, "select id from technicians where name = %s", (technician,))
        sarah = await fetch_value(conn, "select id from contacts where phone = '+14165559876'")
        ticket = await fetch_value(conn, """
            insert into tickets (tenant_id, contact_id, customer_phone, customer_name, category, status, title,
                                 description, technician_id)
            values (%s, %s, '+14165559876', 'Sarah Johnson', 'HVAC', 'scheduled', 'Furnace not heating',
                    'Furnace blows cold air since last night.', %s) returning id""", (tenant_id, sarah, tech))
        await conn.execute("""
            insert into appointments (tenant_id, ticket_id, technician_id, during)
            values (%s, %s, %s, tstzrange(%s, %s))""", (tenant_id, ticket, tech, start, start + timedelta(hours=2)))
    return ticket


async def seed(db: Database) -> Demo:
    demo = await seed_demo(db, allowed_origins=["http://127.0.0.1"])
    ticket = await seed_job(db, tenant_id=demo.tenant.id)
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        mike = await fetch_value(conn, "select id from technicians where name = 'Mike Chen'")
        lisa = await fetch_value(conn, "select id from technicians where name = 'Lisa Wong'")
    return Demo(tenant_id=demo.tenant.id, ticket_id=ticket, mike_id=mike, lisa_id=lisa)


async def link_for(db: Database, *, tenant_id: UUID, email: str, now: datetime) -> str:
    """A fresh login token for a staff address (what the email would carry)."""
    async with tenant_tx(db.app_pool, tenant_id, "test") as conn:
        user = await fetch_value(conn, "select id from staff_users where email = %s", (email,))
        token, _ = await issue_link(conn, tenant_id=tenant_id, staff_user_id=user, now=now)
    return token


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, token: str) -> httpx.Response:
    """Open the emailed link, press the confirm button; returns the confirm POST's response."""
    page = await client.get("/staff/login/confirm", params={"token": token})
    assert page.status_code == 200
    return await client.post("/staff/login/confirm", data={"token": token, "csrf_token": csrf_of(page.text)})


async def signed_in(client: httpx.AsyncClient, db: Database, *, tenant_id: UUID, email: str,
                    now: datetime) -> str:
    """Sign `client` in as `email`; returns the session's CSRF token."""
    response = await sign_in(client, await link_for(db, tenant_id=tenant_id, email=email, now=now))
    assert response.status_code == 303, response.text
    home = await client.get("/staff/", follow_redirects=True)
    return csrf_of(home.text)
