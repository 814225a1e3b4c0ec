"""SLA policies (per urgency) and ticket metrics with breach flags, for the board, the inbox and reports."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from domain.db import fetch_all, fetch_one, fetch_value
from domain.errors import NotFound
from domain.sla.models import TARGETS, SlaPolicy, SlaPolicySet, TicketMetrics

# How a missed target reads on the board and in the inbox.
SLA_WORDS = {"first_response": "no response in time", "on_site": "not on site in time",
             "resolution": "not resolved in time"}

POLICY_COLUMNS = "urgency, first_response_minutes, on_site_minutes, resolution_minutes, updated_at"

# Seed 004's urgencies with targets a home-services business can keep: minutes to first response,
# to a technician on site, to resolution.
DEFAULT_POLICIES: dict[str, tuple[int | None, int | None, int | None]] = {
    "emergency": (15, 240, 1440),
    "urgent": (60, 1440, 2880),
    "normal": (240, 4320, 10080),
    "scheduled": (1440, None, None),
}

# One row per ticket: its policy's targets and when each was reached. A first response is the first
# booking or the first staff message in the ticket's conversation, whichever came first.
METRICS_SQL = """
select t.id as ticket_id, t.code, t.urgency, t.status, t.created_at,
       p.first_response_minutes, p.on_site_minutes, p.resolution_minutes,
       (select count(*) from conversation_messages m
         where m.conversation_id = t.conversation_id and m.role in ('agent', 'staff') and not m.private
           and m.created_at >= t.created_at) as replies,
       (select count(*) from ticket_status_history h
         where h.ticket_id = t.id and h.status = 'open' and h.from_status is not null) as reopens,
       least((select min(h.changed_at) from ticket_status_history h where h.ticket_id = t.id and h.status = 'scheduled'),
             (select min(m.created_at) from conversation_messages m
               where m.conversation_id = t.conversation_id and m.role = 'staff' and not m.private
                 and m.created_at >= t.created_at))   -- a private note answers nobody
           as first_response_at,
       t.clock_in_at as on_site_at,
       case when t.status = 'completed' then t.closed_at end as resolved_at
  from tickets t left join sla_policies p on p.urgency = t.urgency
 where t.id = any(%(ids)s) and t.deleted_at is null
"""


async def seed_default_policies(conn: AsyncConnection, *, tenant_id: UUID) -> None:
    """The default targets for the urgencies the business has (existing policies are left as they are)."""
    await conn.execute("""
        insert into sla_policies (tenant_id, urgency, first_response_minutes, on_site_minutes, resolution_minutes)
        select %(t)s, u.key, (d.v->>0)::int, (d.v->>1)::int, (d.v->>2)::int
          from urgency_levels u join jsonb_each(%(defaults)s::jsonb) d(key, v) on d.key = u.key
         where u.tenant_id = %(t)s
            on conflict (tenant_id, urgency) do nothing""", {"t": tenant_id, "defaults": Jsonb(DEFAULT_POLICIES)})


async def list_policies(conn: AsyncConnection) -> list[SlaPolicy]:
    return await fetch_all(conn, SlaPolicy, f"""
        select {POLICY_COLUMNS} from sla_policies p
         order by (select sort_order from urgency_levels u where u.key = p.urgency), urgency""")


async def set_policy(conn: AsyncConnection, *, tenant_id: UUID, urgency: str, data: SlaPolicySet) -> SlaPolicy:
    """The targets of one urgency level, created or replaced."""
    if not await fetch_value(conn, "select exists (select 1 from urgency_levels where key = %s)", (urgency,)):
        raise NotFound("Unknown urgency level.", code="UNKNOWN_URGENCY")
    policy = await fetch_one(conn, SlaPolicy, f"""
        insert into sla_policies (tenant_id, urgency, first_response_minutes, on_site_minutes, resolution_minutes)
        values (%(t)s, %(u)s, %(first)s, %(site)s, %(res)s)
        on conflict (tenant_id, urgency) do update
           set first_response_minutes = excluded.first_response_minutes,
               on_site_minutes = excluded.on_site_minutes, resolution_minutes = excluded.resolution_minutes
        returning {POLICY_COLUMNS}""",
        {"t": tenant_id, "u": urgency, "first": data.first_response_minutes, "site": data.on_site_minutes,
         "res": data.resolution_minutes})
    assert policy is not None
    return policy


async def ticket_metrics(conn: AsyncConnection, *, ticket_ids: list[UUID], now: datetime) -> dict[UUID, TicketMetrics]:
    """Metrics and SLA breach flags of several tickets in one query (missing tickets are left out)."""
    rows = await fetch_all(conn, _MetricsRow, METRICS_SQL, {"ids": ticket_ids})
    return {row.ticket_id: row.measured(now) for row in rows}


async def one_ticket_metrics(conn: AsyncConnection, *, ticket_id: UUID, now: datetime) -> TicketMetrics:
    found = (await ticket_metrics(conn, ticket_ids=[ticket_id], now=now)).get(ticket_id)
    if found is None:
        raise NotFound("Ticket not found.")
    return found


class _MetricsRow(TicketMetrics):
    first_response_minutes: int | None
    on_site_minutes: int | None
    resolution_minutes: int | None
    first_response_due: datetime | None = None
    on_site_due: datetime | None = None
    resolution_due: datetime | None = None

    def measured(self, now: datetime) -> TicketMetrics:
        """The due times of the policy and the targets missed: reached late, or not reached and overdue now.
        A cancelled ticket owes nothing more, so only what it already missed counts."""
        due = {target: self.created_at + timedelta(minutes=minutes) if minutes else None
               for target, minutes in zip(TARGETS, (self.first_response_minutes, self.on_site_minutes,
                                                    self.resolution_minutes))}
        reached = {"first_response": self.first_response_at, "on_site": self.on_site_at,
                   "resolution": self.resolved_at}
        still_owed = self.status != "cancelled"
        breached = [target for target in TARGETS if due[target] is not None and (
            (reached[target] or (now if still_owed else None) or due[target]) > due[target])]
        data = self.model_dump(exclude={"first_response_minutes", "on_site_minutes", "resolution_minutes",
                                        "first_response_due", "on_site_due", "resolution_due", "breached"})
        return TicketMetrics(**data, first_response_due=due["first_response"], on_site_due=due["on_site"],
                             resolution_due=due["resolution"], breached=breached)


async def window_breaches(conn: AsyncConnection, *, start: datetime, end: datetime,
                          now: datetime) -> tuple[int, dict[str, int]]:
    """Tickets created in [start, end) under a policy, and how many missed each target."""
    ids = await fetch_value(conn, """
        select coalesce(array_agg(t.id), '{}') from tickets t join sla_policies p on p.urgency = t.urgency
         where t.created_at >= %s and t.created_at < %s and t.deleted_at is null""", (start, end))
    metrics = (await ticket_metrics(conn, ticket_ids=ids, now=now)).values()
    return len(ids), {target: sum(target in m.breached for m in metrics) for target in TARGETS}
