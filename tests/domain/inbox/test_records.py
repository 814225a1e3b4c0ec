"""The inbox's records: assignment with history, macros filled for the customer, saved views per staff member,
ticket participants who are emailed the ticket's updates."""

from __future__ import annotations

import pytest

from domain.conversations.service import start_conversation
from domain.db import fetch_dicts
from domain.errors import Conflict, DomainError, NotFound
from domain.inbox import macros, views
from domain.inbox.assignment import assign_conversation, assignment_history
from domain.inbox.models import InboxFilter, StaffMessageCreate
from domain.inbox.service import get_row, take_over
from domain.inbox.thread import post_to_ticket
from domain.staff.service import StaffUserCreate, create_staff_user
from domain.tickets import participants
from domain.workflow.service import cancel_ticket
from tests.domain.scheduling.helpers import NOW, ticket


async def staff(conn, tenant_id, *names):
    return [await create_staff_user(conn, tenant_id=tenant_id, data=StaffUserCreate(
        email=f"{n.lower()}@x.test", name=n, role="dispatcher")) for n in names]


class TestAssignment:
    async def test_every_change_is_kept_in_order(self, factory):
        a = await factory.tenant()
        async with a.tx("staff:lead") as conn:
            jamie, kim = await staff(conn, a.id, "Jamie", "Kim")
            c = await start_conversation(conn, tenant_id=a.id, channel="sms", phone="+14165550123")
            changes = [await assign_conversation(conn, tenant_id=a.id, conversation_id=c.id, staff_user_id=who)
                       for who in (jamie.id, jamie.id, kim.id, None)]
            history = await assignment_history(conn, conversation_id=c.id)
            row = await get_row(conn, conversation_id=c.id)
            with pytest.raises(NotFound):
                await assign_conversation(conn, tenant_id=a.id, conversation_id=c.id, staff_user_id=c.id)
        assert changes == [True, False, True, True] and row.assigned_to is None
        assert [(h.staff_name, h.assigned_by) for h in history] == [("Jamie", "staff:lead"), ("Kim", "staff:lead"),
                                                                   (None, "staff:lead")]

    async def test_taking_over_an_unassigned_conversation_assigns_it(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            jamie, kim = await staff(conn, a.id, "Jamie", "Kim")
            c = await start_conversation(conn, tenant_id=a.id, channel="web")
            first = await take_over(conn, tenant=a.tenant, conversation_id=c.id, staff_user_id=jamie.id, now=NOW)
            second = await take_over(conn, tenant=a.tenant, conversation_id=c.id, staff_user_id=kim.id, now=NOW)
            history = await assignment_history(conn, conversation_id=c.id)
        assert first.assigned_to == second.assigned_to == jamie.id and len(history) == 1


class TestMacros:
    @pytest.mark.parametrize("name, codes, expected", [
        ("Dana Lee", ["TASK-00001", "TASK-00007"], "Hi Dana, about TASK-00007: we're on it."),
        (None, [], "Hi there, about : we're on it."),
    ])
    async def test_filled_for_the_customer(self, factory, name, codes, expected):
        a = await factory.tenant()
        async with a.tx() as conn:
            made = await macros.create_macro(conn, tenant_id=a.id, data=macros.MacroCreate(
                name="On it", body="Hi {first_name}, about {ticket_code}: we're on it."))
            c = await start_conversation(conn, tenant_id=a.id, channel="web")
            row = (await get_row(conn, conversation_id=c.id)).model_copy(
                update={"contact_name": name, "ticket_codes": codes})
        assert macros.fill_macro(made.body, row) == expected

    async def test_names_are_unique_per_business(self, factory):
        a, b = await factory.tenant(), await factory.tenant()
        data = macros.MacroCreate(name="Hours", body="We're open 9 to 5.")
        async with a.tx() as conn:
            await macros.create_macro(conn, tenant_id=a.id, data=data)
        async with b.tx() as conn:
            await macros.create_macro(conn, tenant_id=b.id, data=data)     # another business may use the name
        with pytest.raises(Conflict) as caught:
            async with a.tx() as conn:
                await macros.create_macro(conn, tenant_id=a.id, data=data)
        assert caught.value.code == "DUPLICATE_MACRO"


class TestSavedViews:
    async def test_each_staff_member_sees_their_own(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            jamie, kim = await staff(conn, a.id, "Jamie", "Kim")
            mine = await views.save_view(conn, tenant_id=a.id, staff_user_id=jamie.id, data=views.SavedViewCreate(
                name="Waiting SMS", filters=InboxFilter(state="needs_staff", channel="sms")))
            again = await views.save_view(conn, tenant_id=a.id, staff_user_id=jamie.id, data=views.SavedViewCreate(
                name="Waiting SMS", filters=InboxFilter(state="staff")))
            theirs = await views.list_views(conn, staff_user_id=kim.id)
            with pytest.raises(NotFound):
                await views.get_view(conn, staff_user_id=kim.id, view_id=mine.id)
            listed = await views.list_views(conn, staff_user_id=jamie.id)
        assert again.id == mine.id and theirs == []
        assert [(v.name, v.filters.state, v.filters.channel) for v in listed] == [("Waiting SMS", "staff", None)]


class TestParticipants:
    async def test_followers_are_emailed_updates_except_their_own(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            jamie, kim = await staff(conn, a.id, "Jamie", "Kim")
            t = await ticket(conn, a.id)
            for person in (jamie, kim, kim):
                await participants.follow(conn, tenant_id=a.id, ticket_id=t, staff_user_id=person.id)
            await post_to_ticket(conn, tenant=a.tenant, ticket_id=t, author_id=jamie.id, author=f"staff:{jamie.id}",
                                 now=NOW, data=StaffMessageCreate(content="Gate code 4411", private=True))
            await cancel_ticket(conn, tenant=a.tenant, ticket_id=t, reason="Customer moved", now=NOW)
            mail = await fetch_dicts(conn, """select to_address, payload->>'text' as text from scheduled_messages
                                              where channel = 'email' order by created_at, to_address""")
            followers = await participants.list_participants(conn, ticket_id=t)
            await participants.unfollow(conn, ticket_id=t, staff_user_id=kim.id)
            left = await participants.list_participants(conn, ticket_id=t)
            with pytest.raises(DomainError):
                await participants.follow(conn, tenant_id=a.id, ticket_id=t, staff_user_id=t)
        assert [f.name for f in followers] == ["Jamie", "Kim"] and [f.name for f in left] == ["Jamie"]
        texts = [(m["to_address"], m["text"].split(": ", 1)[1]) for m in mail]
        assert ("kim@x.test", "private note: Gate code 4411") in texts
        assert ("jamie@x.test", "private note: Gate code 4411") not in texts       # not told of their own note
        assert {to for to, text in texts if text == "cancelled (Customer moved)"} == {"jamie@x.test", "kim@x.test"}
