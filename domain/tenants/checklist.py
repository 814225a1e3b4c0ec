"""The first-run checklist: what a new business still lacks before customers can book it."""

from __future__ import annotations

from psycopg import AsyncConnection
from pydantic import BaseModel

from domain.db import fetch_dicts
from domain.tenants.models import Tenant


class SetupStep(BaseModel):
    key: str
    title: str
    done: bool
    href: str
    hint: str


class SetupProgress(BaseModel):
    steps: list[SetupStep]

    @property
    def done(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def complete(self) -> bool:
        return self.done == len(self.steps)


COUNTS_SQL = """
select (select count(*) from technicians where active) as technicians,
       (select count(*) from technicians t where active
           and not exists (select 1 from working_hours w where w.technician_id = t.id)) as without_hours,
       (select count(*) from services where deleted_at is null and active) as services"""


async def setup_progress(conn: AsyncConnection, *, tenant: Tenant) -> SetupProgress:
    """The five steps, each done or not, from one query (the tenant in context)."""
    counts = (await fetch_dicts(conn, COUNTS_SQL))[0]
    return SetupProgress(steps=[
        SetupStep(key="technicians", title="Add your technicians", done=counts["technicians"] > 0,
                  href="/staff/technicians", hint="Who does the work, and what they can do (skills)."),
        SetupStep(key="hours", title="Set their weekly hours",
                  done=counts["technicians"] > 0 and counts["without_hours"] == 0, href="/staff/technicians",
                  hint="Customers are offered times inside these hours only."),
        SetupStep(key="services", title="List your services and prices", done=counts["services"] > 0,
                  href="/staff/catalog", hint="What you sell: fixed, flexible or per-unit prices."),
        SetupStep(key="sms", title="Connect your SMS number", done=bool(tenant.sms_number),
                  href="/staff/settings#sms", hint="Your Twilio number: customers text it to book."),
        SetupStep(key="widget", title="Put the chat on your website", done=bool(tenant.widget_allowed_origins),
                  href="/staff/settings#widget", hint="List your website, then paste the snippet below into it."),
    ])
