"""The staff inbox: conversations by hand-off state, take over and hand back, staff replies and notes.

A conversation is `agent` (the agent answers), `needs_staff` (the agent handed off, booked an emergency or
found no technician; the on-duty staff were alerted) or `staff` (a person took it over). Outside `agent`
the agent never answers (agent/runner asks waiting_reply instead).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection, sql

from domain.conversations import handling as states
from domain.conversations.models import Conversation, ConversationMessage
from domain.conversations.service import append_message, list_messages, lock_conversation
from domain.db import fetch_all, fetch_one, fetch_value
from domain.errors import NotFound
from domain.inbox.alerts import alert_on_duty
from domain.inbox.assignment import assign_conversation
from domain.inbox.models import InboxFilter, InboxRow, StaffMessageCreate
from domain.messages.models import MessageCreate
from domain.messages.service import queue_message
from domain.outbox.service import emit_event
from domain.pagination import Cursor, Page, check_limit
from domain.phones import try_normalize_phone
from domain.sla.models import Target
from domain.sla.service import ticket_metrics
from domain.tenants.models import Tenant

INBOX_CHANNELS = ("web", "sms")   # conversations with a customer (API and CLI ones are the business's own)

ROW_SQL = """
select c.id, c.channel, c.phone, c.handling as state, c.last_message_at, c.created_at, c.assigned_to,
       s.name as assigned_name, c.needs_staff_since, c.contact_id, ct.name as contact_name,
       array(select t.code from tickets t where t.tenant_id = c.tenant_id and t.conversation_id = c.id
              and t.deleted_at is null order by t.created_at) as ticket_codes,
       array(select t.id from tickets t where t.tenant_id = c.tenant_id and t.conversation_id = c.id
              and t.deleted_at is null order by t.created_at) as ticket_ids,
       (select m.content from conversation_messages m where m.tenant_id = c.tenant_id and m.conversation_id = c.id
           and not m.private order by m.seq desc limit 1) as last_line
  from conversations c
  left join staff_users s on s.tenant_id = c.tenant_id and s.id = c.assigned_to
  left join contacts ct on ct.tenant_id = c.tenant_id and ct.id = c.contact_id and ct.deleted_at is null
"""


def _where(f: InboxFilter, region: str) -> tuple[list[str], dict[str, Any]]:
    where = ["c.channel = any(%(channels)s)"]
    params: dict[str, Any] = {"channels": [f.channel] if f.channel else list(INBOX_CHANNELS)}
    if f.state:
        where.append("c.handling = %(state)s")
        params["state"] = f.state
    if f.phone:
        where.append("c.phone = %(phone)s")
        params["phone"] = try_normalize_phone(f.phone, region)   # not a number: matches nothing (null)
    if f.assigned_to:
        where.append("c.assigned_to = %(assigned)s")
        params["assigned"] = f.assigned_to
    if f.unassigned:
        where.append("c.assigned_to is null")
    return where, params


async def list_conversations(conn: AsyncConnection, *, filters: InboxFilter | None = None, region: str = "US",
                             limit: int = 50, cursor: str | None = None) -> Page[InboxRow]:
    """Customer conversations, most recent activity first (the cursor continues after the last one shown)."""
    check_limit(limit)
    where, params = _where(filters or InboxFilter(), region)
    after = Cursor.decode(cursor)
    if after:
        where.append("(c.last_message_at, c.id) < (%(after_at)s, %(after_id)s)")
        params |= {"after_at": after.created_at, "after_id": after.id}
    query = sql.SQL(ROW_SQL + " where {} order by c.last_message_at desc, c.id desc limit %(limit)s").format(
        sql.SQL(" and ".join(where)))
    rows = await fetch_all(conn, InboxRow, query, params | {"limit": limit + 1})
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = Cursor(created_at=rows[-1].last_message_at, id=rows[-1].id).encode() if more else None
    return Page(data=rows, next_cursor=next_cursor)


async def sla_breaches(conn: AsyncConnection, *, rows: list[InboxRow],
                       now: datetime) -> dict[UUID, list[tuple[str, Target]]]:
    """The SLA targets each conversation's tickets missed (reached late, or overdue now), as (ticket code,
    target), in one query for the whole page; conversations with nothing missed are left out."""
    metrics = await ticket_metrics(conn, ticket_ids=[t for row in rows for t in row.ticket_ids], now=now)
    missed: dict[UUID, list[tuple[str, Target]]] = {}
    for row in rows:
        for ticket_id in row.ticket_ids:
            m = metrics.get(ticket_id)
            if m is not None and m.breached:
                missed.setdefault(row.id, []).extend((m.code, target) for target in m.breached)
    return missed


async def state_counts(conn: AsyncConnection) -> dict[str, int]:
    """How many customer conversations are in each state (the inbox tabs)."""
    cur = await conn.execute("""
        select handling, count(*) from conversations where channel = any(%s) group by handling""",
        (list(INBOX_CHANNELS),))
    return {"agent": 0, "needs_staff": 0, "staff": 0} | {state: n for state, n in await cur.fetchall()}


async def get_row(conn: AsyncConnection, *, conversation_id: UUID) -> InboxRow:
    row = await fetch_one(conn, InboxRow, ROW_SQL + " where c.id = %(id)s", {"id": conversation_id})
    if row is None:
        raise NotFound("Conversation not found.", code="CONVERSATION_NOT_FOUND")
    return row


async def transcript(conn: AsyncConnection, *, conversation_id: UUID, after_seq: int = 0,
                     limit: int = 200) -> list[ConversationMessage]:
    """Every line staff may read, private notes included, oldest first."""
    await get_row(conn, conversation_id=conversation_id)
    return await list_messages(conn, conversation_id=conversation_id, after_seq=after_seq, limit=limit,
                               include_private=True)


async def flag_for_staff(conn: AsyncConnection, *, tenant: Tenant, conversation_id: UUID, reason: str,
                         now: datetime, after_open_requests: bool = False) -> bool:
    """`agent` becomes `needs_staff` and the on-duty staff are alerted; True when they were alerted now.

    Already waiting for or with a person: nothing changes and nobody is alerted twice. With
    `after_open_requests` (an emergency booked while the customer's other requests still wait for a time),
    staff are alerted now but the agent finishes booking first: settle_staff_flag flips the state then.
    """
    conversation = await lock_conversation(conn, conversation_id=conversation_id)
    if conversation.handling != "agent" or await states.staff_flag_pending(conn, conversation_id=conversation_id):
        return False
    last = await fetch_value(conn, """
        select content from conversation_messages where conversation_id = %s and role = 'customer'
         order by seq desc limit 1""", (conversation_id,))
    await alert_on_duty(conn, tenant=tenant, conversation=conversation, reason=reason, last_message=last, now=now)
    await emit_event(conn, tenant_id=tenant.id, event_type="conversation.needs_staff", entity_id=conversation_id,
                     payload={"reason": reason, "channel": conversation.channel})
    if after_open_requests and await _open_requests(conn, conversation_id):
        await states.set_staff_flag_pending(conn, conversation_id=conversation_id, reason=reason)
    else:
        await states.set_handling(conn, conversation_id=conversation_id, handling="needs_staff", now=now)
    return True


async def _open_requests(conn: AsyncConnection, conversation_id: UUID) -> bool:
    """Whether the conversation still has a service request the agent can book (open, not waitlisted)."""
    return bool(await fetch_value(conn, """
        select exists (select 1 from tickets where conversation_id = %s and status = 'open' and kind = 'service'
                          and not waitlisted and deleted_at is null)""", (conversation_id,)))


async def settle_staff_flag(conn: AsyncConnection, *, conversation_id: UUID, now: datetime) -> bool:
    """After a turn: a conversation whose staff were alerted becomes needs_staff once nothing is left to book."""
    if not await states.staff_flag_pending(conn, conversation_id=conversation_id):
        return False
    if await _open_requests(conn, conversation_id):
        return False
    await states.set_handling(conn, conversation_id=conversation_id, handling="needs_staff", now=now)
    return True


async def take_over(conn: AsyncConnection, *, tenant: Tenant, conversation_id: UUID, staff_user_id: UUID | None,
                    now: datetime) -> InboxRow:
    """A person has the conversation: the agent goes silent; the taker is assigned if nobody was."""
    conversation = await lock_conversation(conn, conversation_id=conversation_id)
    await states.set_handling(conn, conversation_id=conversation_id, handling="staff", now=now)
    await _assign_if_nobody(conn, tenant, conversation, staff_user_id)
    await emit_event(conn, tenant_id=tenant.id, event_type="conversation.taken_over", entity_id=conversation_id,
                     payload={"staff_user_id": staff_user_id})
    return await get_row(conn, conversation_id=conversation_id)


async def hand_back(conn: AsyncConnection, *, tenant: Tenant, conversation_id: UUID, now: datetime) -> InboxRow:
    """The agent answers the customer's next message again."""
    await lock_conversation(conn, conversation_id=conversation_id)
    await states.set_handling(conn, conversation_id=conversation_id, handling="agent", now=now)
    await emit_event(conn, tenant_id=tenant.id, event_type="conversation.handed_back", entity_id=conversation_id,
                     payload={})
    return await get_row(conn, conversation_id=conversation_id)


async def _assign_if_nobody(conn: AsyncConnection, tenant: Tenant, conversation: Conversation,
                            staff_user_id: UUID | None) -> None:
    """Whoever takes a conversation nobody had becomes its assignee (recorded in its history)."""
    if staff_user_id is not None and conversation.assigned_to is None:
        await assign_conversation(conn, tenant_id=tenant.id, conversation_id=conversation.id,
                                  staff_user_id=staff_user_id)


async def post_staff_message(conn: AsyncConnection, *, tenant: Tenant, conversation_id: UUID,
                             data: StaffMessageCreate, author_id: UUID | None, now: datetime) -> ConversationMessage:
    """A private note stays in the transcript; a reply takes the conversation over and goes out on its channel.

    SMS: queued to the conversation's number (urgent; an opted-out number gets nothing). Web: the transcript
    line itself is what the open widget shows (pushed live, or fetched by the HTTP fallback's next poll).
    """
    conversation = await lock_conversation(conn, conversation_id=conversation_id)
    line = await append_message(conn, tenant_id=tenant.id, conversation_id=conversation_id, role="staff",
                                content=data.content.strip(), private=data.private, author_id=author_id)
    if data.private:
        return line
    if conversation.handling != "staff":
        await states.set_handling(conn, conversation_id=conversation_id, handling="staff", now=now)
        await _assign_if_nobody(conn, tenant, conversation, author_id)
    await states.touch(conn, conversation_id=conversation_id, now=now)
    if conversation.channel == "sms" and conversation.phone:
        ticket_id = await fetch_value(conn, """
            select id from tickets where conversation_id = %s and deleted_at is null
             order by created_at desc limit 1""", (conversation_id,))
        await queue_message(conn, tenant=tenant, now=now, data=MessageCreate(
            message_type="reply", channel="sms", to_address=conversation.phone, payload={"text": line.content},
            contact_id=conversation.contact_id, ticket_id=ticket_id))
    await emit_event(conn, tenant_id=tenant.id, event_type="conversation.staff_replied", entity_id=conversation_id,
                     payload={"channel": conversation.channel, "staff_user_id": author_id})
    return line
