"""Ticket participants (seed 003): staff who follow a ticket and are emailed its updates."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel

from domain.db import fetch_all
from domain.errors import NotFound
from domain.messages.models import MessageCreate
from domain.messages.service import queue_message
from domain.staff.service import get_staff_user
from domain.tenants.models import Tenant
from domain.tickets.service import get_ticket


class Participant(BaseModel):
    staff_user_id: UUID
    name: str
    email: str
    added_by: str
    created_at: datetime


PARTICIPANTS_SQL = """
select p.staff_user_id, s.name, s.email::text as email, p.added_by, p.created_at
  from ticket_participants p join staff_users s on s.tenant_id = p.tenant_id and s.id = p.staff_user_id
 where p.ticket_id = %s and s.active order by p.created_at, s.name"""


async def list_participants(conn: AsyncConnection, *, ticket_id: UUID) -> list[Participant]:
    return await fetch_all(conn, Participant, PARTICIPANTS_SQL, (ticket_id,))


async def follow(conn: AsyncConnection, *, tenant_id: UUID, ticket_id: UUID, staff_user_id: UUID) -> None:
    """The staff member follows the ticket (following twice changes nothing)."""
    await get_ticket(conn, ticket_id=ticket_id)
    person = await get_staff_user(conn, user_id=staff_user_id)
    if person is None or not person.active:
        raise NotFound("Unknown staff member.", code="UNKNOWN_STAFF")
    await conn.execute("""insert into ticket_participants (tenant_id, ticket_id, staff_user_id) values (%s, %s, %s)
                          on conflict (tenant_id, ticket_id, staff_user_id) do nothing""",
                       (tenant_id, ticket_id, staff_user_id))


async def unfollow(conn: AsyncConnection, *, ticket_id: UUID, staff_user_id: UUID) -> None:
    await conn.execute("delete from ticket_participants where ticket_id = %s and staff_user_id = %s",
                       (ticket_id, staff_user_id))


async def notify_participants(conn: AsyncConnection, *, tenant: Tenant, ticket_id: UUID, update: str,
                              now: datetime, actor_id: UUID | None = None) -> int:
    """Emails `update` about the ticket to every participant except the one who made it; returns how many."""
    ticket = await get_ticket(conn, ticket_id=ticket_id)
    sent = 0
    for person in await list_participants(conn, ticket_id=ticket_id):
        if person.staff_user_id == actor_id:
            continue
        await queue_message(conn, tenant=tenant, now=now, data=MessageCreate(
            message_type="custom", channel="email", to_address=person.email, ticket_id=ticket_id,
            payload={"subject": f"{ticket.code}: {update[:80]}", "text": f"{ticket.code} ({ticket.service_category}, "
                     f"{ticket.customer_name or ticket.customer_phone}): {update}"}))
        sent += 1
    return sent
