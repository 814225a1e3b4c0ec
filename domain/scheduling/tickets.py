"""What scheduling adds to a ticket: its urgency window, the customer's previous technician and other bookings.

The ticket itself (its row, its status rules, its writes) belongs to domain/tickets; this module only
reads the scheduling context around it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from pydantic import BaseModel

from domain.errors import Conflict, NotFound
from domain.scheduling.models import GRID_MINUTES
from domain.tickets.models import Ticket
from domain.tickets.service import ticket_sql

DEFAULT_DURATION_MINUTES = 60

# The ticket's own read (domain/tickets, optionally locking its row) with what scheduling adds around it.
_CONTEXT_SQL = """
with t as materialized ({ticket}),
-- the same customer's other tickets, by phone or by contact: two index lookups, not an OR scan
-- (`deleted_at is null` is spelled out so the partial indexes apply; RLS alone does not imply it)
mine as (
    select o.id from tickets o join t on o.customer_phone = t.customer_phone
     where o.id <> t.id and o.deleted_at is null
    union
    select o.id from tickets o join t on o.contact_id = t.contact_id
     where o.id <> t.id and o.deleted_at is null
),
theirs as (
    select a.technician_id, a.status, a.starts_at, a.ends_at from appointments a
     where a.ticket_id = any(array(select id from mine)) and a.status <> 'cancelled'
)
select t.*, u.window_start_hours, u.window_end_hours,
       (select th.technician_id from theirs th join technicians te on te.id = th.technician_id
         where te.active and t.service_category = any(te.skills)
         order by th.starts_at desc limit 1) as previous_technician_id,
       (select a.id from appointments a where a.ticket_id = t.id and a.status = 'booked') as live_appointment_id,
       coalesce((select array_agg(array[extract(epoch from th.starts_at)::bigint, extract(epoch from th.ends_at)::bigint])
                   from theirs th where th.status = 'booked' and th.ends_at > %(now)s), '{{}}') as customer_busy
  from t
  left join urgency_levels u on u.key = t.urgency_level
"""
_CONTEXT = {lock: _CONTEXT_SQL.format(ticket=ticket_sql(lock=lock)) for lock in (False, True)}


class _Extras(BaseModel):
    window_start_hours: int | None
    window_end_hours: int | None
    previous_technician_id: UUID | None
    live_appointment_id: UUID | None
    customer_busy: list[tuple[int, int]]


class TicketContext(_Extras):
    """The ticket (as domain/tickets reads it) and what scheduling needs around it."""
    ticket: Ticket

    @property
    def id(self) -> UUID:
        return self.ticket.id

    @property
    def code(self) -> str:
        return self.ticket.code

    @property
    def category(self) -> str:
        return self.ticket.service_category

    @property
    def duration_minutes(self) -> int:
        """The estimated duration rounded up to whole 15-minute slots."""
        minutes = self.ticket.estimated_duration_minutes or DEFAULT_DURATION_MINUTES
        return -(-minutes // GRID_MINUTES) * GRID_MINUTES

    def window(self, now: datetime, horizon_end: datetime) -> tuple[datetime, datetime]:
        """The 24 hours from the customer's preferred start when one is set, else the urgency window."""
        preferred = self.ticket.preferred_start
        if preferred is not None and preferred >= now:
            return preferred, preferred + timedelta(hours=24)
        start = now + timedelta(hours=self.window_start_hours or 0)
        if self.window_end_hours is None:
            return start, horizon_end
        return start, now + timedelta(hours=self.window_end_hours)


async def ticket_context(conn: AsyncConnection, *, ticket_id: UUID, now: datetime,
                         lock: bool = False) -> TicketContext:
    """The ticket with its urgency window, previous technician and the customer's other bookings."""
    ctx, _ = await context_from(conn, context_sql(lock=lock), {"id": ticket_id, "now": now})
    return ctx


def context_sql(*, lock: bool = False, extra_sql: str = "") -> str:
    """The ticket context's statement, plus the columns of `extra_sql` (a one-row lateral subquery)."""
    query = _CONTEXT[lock]
    return f"select * from ({query}) ctx left join lateral ({extra_sql}) extra on true" if extra_sql else query


async def context_from(conn: AsyncConnection, query: str, params: dict) -> tuple[TicketContext, dict]:
    """Runs a context_sql statement: the context, and the extra columns as a dict."""
    cur = conn.cursor(row_factory=dict_row)
    await cur.execute(query, params)
    row = await cur.fetchone()
    if row is None:
        raise NotFound("Ticket not found.")
    extras = {name: row.pop(name) for name in _Extras.model_fields}
    ticket = Ticket(**{name: row.pop(name) for name in Ticket.model_fields})
    return TicketContext(ticket=ticket, **extras), row


def check_not_booked(ctx: TicketContext) -> None:
    """A ticket holds at most one booked appointment; moving it is a reschedule."""
    if ctx.live_appointment_id is not None:
        raise Conflict(f"Ticket {ctx.code} already has a booked appointment; reschedule it instead.",
                       code="TICKET_ALREADY_BOOKED")
