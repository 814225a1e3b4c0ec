"""One thread per ticket: its conversation, its notes and what was sent about it, in order; writing to it."""

from __future__ import annotations

from domain.conversations.service import append_message, latest_sms_conversation
from domain.db import fetch_dicts
from domain.inbox.models import StaffMessageCreate
from domain.inbox.thread import post_to_ticket, ticket_thread
from domain.scheduling import service as scheduling
from domain.staff.service import StaffUserCreate, create_staff_user
from domain.workflow.phone_in import PhoneIn, take_call
from tests.domain.scheduling.helpers import NOW, local, technician


async def test_a_phone_in_ticket_gets_a_thread_when_staff_first_write(factory):
    a = await factory.tenant()
    async with a.tx() as conn:   # one transaction per step: the thread is ordered by when things happened
        jamie = await create_staff_user(conn, tenant_id=a.id, data=StaffUserCreate(
            email="jamie@x.test", name="Jamie", role="dispatcher"))
        mike = await technician(conn, a.id, "Mike", ["HVAC"])
        ticket = await take_call(conn, tenant=a.tenant, now=NOW, data=PhoneIn(
            phone="4165550142", category="HVAC", description="No heat", name="Dana"))
        await scheduling.book(conn, tenant=a.tenant, ticket_id=ticket.id, technician_id=mike,
                              start=local(2025, 11, 10, 9), duration_minutes=60, now=NOW, booked_by="test")
    writes = [StaffMessageCreate(content="Gate code 4411", private=True),
              StaffMessageCreate(content="We'll be there Monday at 9.")]
    written = []
    for data in writes:
        async with a.tx() as conn:
            written.append(await post_to_ticket(conn, tenant=a.tenant, ticket_id=ticket.id, author_id=jamie.id,
                                                author=f"staff:{jamie.id}", now=NOW, data=data))
    note, conversation_id = written
    async with a.tx() as conn:
        found = await latest_sms_conversation(conn, phone="+14165550142", now=NOW)
        await append_message(conn, tenant_id=a.id, conversation_id=conversation_id, role="customer",
                             content="Thanks!")
    async with a.tx() as conn:
        thread = await ticket_thread(conn, ticket_id=ticket.id)
        sent = await fetch_dicts(conn, "select message_type, to_address from scheduled_messages order by created_at")
    assert note is None and found.id == conversation_id
    assert [(i.role, i.channel, i.private, i.content) for i in thread] == [
        ("system", "sms", False, "appointment confirmation (pending)"),
        ("system", "sms", False, "appointment reminder (pending)"),
        ("staff", "note", True, "Gate code 4411"),
        ("staff", "sms", False, "We'll be there Monday at 9."),
        ("customer", "sms", False, "Thanks!"),
    ]
    assert [i.author for i in thread if i.role == "staff"] == ["Jamie", "Jamie"]
    assert [s["message_type"] for s in sent][-1] == "reply" and sent[-1]["to_address"] == "+14165550142"
