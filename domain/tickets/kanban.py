"""The dispatcher's kanban: live tickets in columns (open, scheduled, in progress, completed, waitlisted)."""

from __future__ import annotations

from datetime import datetime

from psycopg import AsyncConnection, sql

from domain.db import fetch_all
from domain.tickets.models import Ticket, TicketFilter
from domain.tickets.service import COLUMNS, ticket_filters

KANBAN_COLUMNS = ("open", "waitlisted", "scheduled", "in_progress", "completed")


class KanbanTicket(Ticket):
    lane: str                   # the kanban column
    appointment_start: datetime | None = None   # the booked visit's start, for scheduled and in-progress jobs
    technician_name: str | None = None


async def kanban(conn: AsyncConnection, *, filters: TicketFilter, region: str = "US",
                 per_column: int = 50) -> dict[str, list[KanbanTicket]]:
    """Each lane's tickets: waiting ones emergencies first then oldest first, completed ones newest first.

    An open ticket no one can take yet (waitlisted) has a lane of its own; cancelled tickets are left out.
    """
    where, params = ticket_filters(filters, region)
    query = sql.SQL("""
        with shown as (
            select {cols},
                   case when status = 'open' and waitlisted then 'waitlisted' else status end as lane,
                   (select lower(a.during) from appointments a where a.tenant_id = t.tenant_id and a.ticket_id = t.id
                      and a.status <> 'cancelled' order by lower(a.during) desc limit 1) as appointment_start,
                   (select te.name from technicians te where te.tenant_id = t.tenant_id and te.id = t.technician_id)
                      as technician_name
              from tickets t where {where} and status <> 'cancelled'),
        ranked as (
            select *, row_number() over (partition by lane order by
                       case when lane = 'completed' then null else (urgency_level = 'emergency') end desc nulls last,
                       case when lane = 'completed' then closed_at end desc nulls last,
                       appointment_start nulls last, created_at, id) as place
              from shown)
        select * from ranked where place <= %(per_column)s order by place""").format(
        cols=sql.SQL(COLUMNS), where=sql.SQL(" and ".join(where)))
    rows = await fetch_all(conn, KanbanTicket, query, params | {"per_column": per_column})
    columns: dict[str, list[KanbanTicket]] = {name: [] for name in KANBAN_COLUMNS}
    for row in rows:
        columns[row.lane].append(row)
    return columns
