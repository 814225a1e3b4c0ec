"""The staff inbox in the domain: flagging alerts the on-duty staff once, replies go out on the channel,
private notes never do, take over and hand back move the state, and the waiting customer is never ignored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.conversations.service import append_message, get_conversation, start_conversation
from domain.db import fetch_dicts, fetch_value
from domain.errors import NotFound
from domain.inbox import service as inbox
from domain.inbox.models import InboxFilter, StaffMessageCreate
from domain.inbox.waiting import waiting_reply
from domain.staff.duty import DutyUpdate, set_duty
from domain.staff.service import StaffUserCreate, create_staff_user
from tests.domain.scheduling.helpers import NOW

CUSTOMER = "+14165550123"


async def world(factory, *, alert_channel="sms"):
    a = await factory.tenant()
    async with a.tx() as conn:
        await conn.execute("update tenants set staff_alert_channel = %s", (alert_channel,))
        owner = await create_staff_user(conn, tenant_id=a.id, data=StaffUserCreate(
            email="owner@x.test", name="Olive", role="owner"))
        jamie = await create_staff_user(conn, tenant_id=a.id, data=StaffUserCreate(
            email="jamie@x.test", name="Jamie", role="dispatcher"))
        sms = await start_conversation(conn, tenant_id=a.id, channel="sms", phone=CUSTOMER, phone_verified=True)
        web = await start_conversation(conn, tenant_id=a.id, channel="web")
        await append_message(conn, tenant_id=a.id, conversation_id=sms.id, role="customer",
                             content="I want to talk to a person")
    a.tenant = a.tenant.model_copy(update={"staff_alert_channel": alert_channel})
    return a, owner, jamie, sms, web


async def alerts(conn):
    return await fetch_dicts(conn, """select channel, to_address, urgent, payload->>'reason' as reason
                                      from scheduled_messages where message_type = 'staff_alert' order by to_address""")


class TestFlag:
    async def test_alerts_the_on_duty_staff_once_by_their_channel(self, factory):
        a, _, jamie, sms, _ = await world(factory)
        async with a.tx() as conn:
            await set_duty(conn, user_id=jamie.id, data=DutyUpdate(on_duty=True, phone="416 555 0199"), region="CA")
            first = await inbox.flag_for_staff(conn, tenant=a.tenant, conversation_id=sms.id,
                                               reason="The customer asked for a person", now=NOW)
            second = await inbox.flag_for_staff(conn, tenant=a.tenant, conversation_id=sms.id, reason="again",
                                                now=NOW)
            sent = await alerts(conn)
            row = await inbox.get_row(conn, conversation_id=sms.id)
        assert (first, second) == (True, False)
        assert sent == [{"channel": "sms", "to_address": "+14165550199", "urgent": True,
                         "reason": "The customer asked for a person"}]
        assert (row.state, row.needs_staff_since) == ("needs_staff", NOW)

    @pytest.mark.parametrize("channel, phone, expected", [
        ("email", "416 555 0199", ("email", "jamie@x.test")),   # the business alerts by email
        ("sms", None, ("email", "jamie@x.test")),               # no phone given: email rather than nothing
    ])
    async def test_channel_is_a_tenant_setting(self, factory, channel, phone, expected):
        a, _, jamie, sms, _ = await world(factory, alert_channel=channel)
        async with a.tx() as conn:
            await set_duty(conn, user_id=jamie.id, data=DutyUpdate(on_duty=True, phone=phone), region="CA")
            await inbox.flag_for_staff(conn, tenant=a.tenant, conversation_id=sms.id, reason="x", now=NOW)
            sent = await alerts(conn)
        assert [(s["channel"], s["to_address"]) for s in sent] == [expected]

    async def test_nobody_on_duty_alerts_owners_and_dispatchers(self, factory):
        a, _, _, sms, _ = await world(factory, alert_channel="email")
        async with a.tx() as conn:
            await inbox.flag_for_staff(conn, tenant=a.tenant, conversation_id=sms.id, reason="x", now=NOW)
            sent = await alerts(conn)
        assert [s["to_address"] for s in sent] == ["jamie@x.test", "owner@x.test"]


    async def test_an_emergency_with_other_requests_waiting_alerts_now_and_flags_when_they_are_booked(self, factory):
        a, _, jamie, sms, _ = await world(factory)
        async with a.tx() as conn:
            await set_duty(conn, user_id=jamie.id, data=DutyUpdate(on_duty=True, phone="416 555 0199"), region="CA")
            second = await fetch_value(conn, """
                insert into tickets (tenant_id, customer_phone, category, conversation_id)
                values (%s, %s, 'HVAC', %s) returning id""", (a.id, CUSTOMER, sms.id))
            alerted = await inbox.flag_for_staff(conn, tenant=a.tenant, conversation_id=sms.id, now=NOW,
                                                 reason="Emergency booked", after_open_requests=True)
            waiting = (await inbox.get_row(conn, conversation_id=sms.id)).state
            early = await inbox.settle_staff_flag(conn, conversation_id=sms.id, now=NOW)
            await conn.execute("update tickets set status = 'scheduled' where id = %s", (second,))
            settled = await inbox.settle_staff_flag(conn, conversation_id=sms.id, now=NOW)
            after = (await inbox.get_row(conn, conversation_id=sms.id)).state
            sent = await alerts(conn)
        assert (alerted, waiting, early, settled, after) == (True, "agent", False, True, "needs_staff")
        assert len(sent) == 1     # alerted once, when the emergency was booked


class TestStaffMessages:
    async def test_private_note_is_never_sent_and_changes_nothing(self, factory):
        a, _, jamie, sms, _ = await world(factory)
        async with a.tx() as conn:
            note = await inbox.post_staff_message(conn, tenant=a.tenant, conversation_id=sms.id, author_id=jamie.id,
                                                  data=StaffMessageCreate(content="Called twice, no answer",
                                                                          private=True), now=NOW)
            queued = await fetch_dicts(conn, "select id from scheduled_messages")
            row = await inbox.get_row(conn, conversation_id=sms.id)
        assert note.private and queued == [] and row.state == "agent" and row.last_line == "I want to talk to a person"

    async def test_sms_reply_goes_to_the_number_and_takes_over(self, factory):
        a, _, jamie, sms, _ = await world(factory)
        async with a.tx() as conn:
            await inbox.post_staff_message(conn, tenant=a.tenant, conversation_id=sms.id, author_id=jamie.id,
                                           data=StaffMessageCreate(content="Hi, this is Jamie."), now=NOW)
            queued = await fetch_dicts(conn, """select message_type, channel, to_address, urgent, payload->>'text' as text
                                                from scheduled_messages""")
            row = await inbox.get_row(conn, conversation_id=sms.id)
        assert queued == [{"message_type": "reply", "channel": "sms", "to_address": CUSTOMER, "urgent": True,
                           "text": "Hi, this is Jamie."}]
        assert (row.state, row.assigned_to, row.last_message_at) == ("staff", jamie.id, NOW)

    async def test_web_reply_is_the_transcript_line(self, factory):
        a, _, jamie, _, web = await world(factory)
        async with a.tx() as conn:
            line = await inbox.post_staff_message(conn, tenant=a.tenant, conversation_id=web.id, author_id=None,
                                                  data=StaffMessageCreate(content="Hello from the office"), now=NOW)
            queued = await fetch_dicts(conn, "select id from scheduled_messages")
            lines = await inbox.transcript(conn, conversation_id=web.id)
        assert queued == [] and [(m.role, m.content) for m in lines] == [("staff", "Hello from the office")]
        assert line.seq == lines[0].seq


class TestStates:
    async def test_take_over_then_hand_back(self, factory):
        a, _, jamie, sms, _ = await world(factory)
        async with a.tx() as conn:
            await inbox.flag_for_staff(conn, tenant=a.tenant, conversation_id=sms.id, reason="x", now=NOW)
            taken = await inbox.take_over(conn, tenant=a.tenant, conversation_id=sms.id, staff_user_id=jamie.id,
                                          now=NOW)
            back = await inbox.hand_back(conn, tenant=a.tenant, conversation_id=sms.id, now=NOW)
        assert (taken.state, taken.assigned_to, taken.needs_staff_since) == ("staff", jamie.id, NOW)
        assert (back.state, back.needs_staff_since, back.assigned_to) == ("agent", None, jamie.id)

    async def test_waiting_customer_gets_an_acknowledgement_with_hours(self, factory):
        a, _, jamie, sms, _ = await world(factory)
        async with a.tx() as conn:
            await inbox.flag_for_staff(conn, tenant=a.tenant, conversation_id=sms.id, reason="x", now=NOW)
            waiting = await waiting_reply(conn, tenant=a.tenant,
                                          conversation=await get_conversation(conn, conversation_id=sms.id))
            await inbox.take_over(conn, tenant=a.tenant, conversation_id=sms.id, staff_user_id=jamie.id, now=NOW)
            taken = await waiting_reply(conn, tenant=a.tenant,
                                        conversation=await get_conversation(conn, conversation_id=sms.id))
            await inbox.post_staff_message(conn, tenant=a.tenant, conversation_id=sms.id, author_id=jamie.id,
                                           data=StaffMessageCreate(content="On it"), now=NOW)
            talking = await waiting_reply(conn, tenant=a.tenant,
                                          conversation=await get_conversation(conn, conversation_id=sms.id))
        assert "Mon–Fri 09:00–17:00" in waiting and "reply here" in waiting
        assert "Mon–Fri 09:00–17:00" in taken
        assert talking == ""    # a person answered last: they are mid-conversation, no automatic line

    async def test_list_filters_and_other_tenants(self, factory):
        a, _, jamie, sms, web = await world(factory)
        b = await factory.tenant()
        async with a.tx() as conn:
            await inbox.flag_for_staff(conn, tenant=a.tenant, conversation_id=sms.id, reason="x", now=NOW)
            waiting = await inbox.list_conversations(conn, filters=InboxFilter(state="needs_staff"))
            by_phone = await inbox.list_conversations(conn, filters=InboxFilter(phone="(416) 555-0123"), region="CA")
            first = await inbox.list_conversations(conn, limit=1)
            rest = await inbox.list_conversations(conn, limit=1, cursor=first.next_cursor)
            counts = await inbox.state_counts(conn)
        async with b.tx() as conn:
            theirs = await inbox.list_conversations(conn)
            with pytest.raises(NotFound):
                await inbox.take_over(conn, tenant=b.tenant, conversation_id=sms.id, staff_user_id=None, now=NOW)
        assert [c.id for c in waiting.data] == [sms.id] and [c.id for c in by_phone.data] == [sms.id]
        assert {first.data[0].id, rest.data[0].id} == {sms.id, web.id} and rest.next_cursor is None
        assert counts == {"agent": 1, "needs_staff": 1, "staff": 0} and theirs.data == []


class TestSlaFlags:
    async def test_a_conversation_shows_what_its_tickets_missed(self, factory):
        """An emergency nobody answered for 30 minutes misses its 15-minute first response (the default
        policy); a normal request of the same age owes nothing yet; a conversation without tickets is clean."""
        a, _, jamie, sms, web = await world(factory)
        async with a.tx() as conn:
            for urgency, conversation in (("emergency", sms), ("normal", web)):
                await conn.execute("""
                    insert into tickets (tenant_id, customer_phone, category, urgency, conversation_id, created_at)
                    values (%s, %s, 'HVAC', %s, %s, %s)""",
                    (a.id, CUSTOMER, urgency, conversation.id, NOW - timedelta(minutes=30)))
            rows = (await inbox.list_conversations(conn)).data
            late = await inbox.sla_breaches(conn, rows=rows, now=NOW)
            early = await inbox.sla_breaches(conn, rows=rows, now=NOW - timedelta(minutes=20))
            code = await fetch_value(conn, "select code from tickets where conversation_id = %s", (sms.id,))
        assert late == {sms.id: [(code, "first_response")]}
        assert early == {}                     # ten minutes in, the emergency was still within its target
