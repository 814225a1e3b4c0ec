"""The inbox's staff pages: roles and CSRF, macros, assignment with history, saved views, a ticket's thread and
followers."""

from __future__ import annotations

import re
from datetime import timedelta

from domain.conversations.service import append_message, start_conversation
from domain.db import fetch_dicts, fetch_value, tenant_tx
from tests.staff.helpers import csrf_of, seed, signed_in

JAMIE, TAYLOR, MIKE = "jamie@demo.fieldbook.test", "taylor@demo.fieldbook.test", "mike@demo.fieldbook.test"


async def _conversation(db, tenant_id):
    async with tenant_tx(db.app_pool, tenant_id, "test") as conn:
        c = await start_conversation(conn, tenant_id=tenant_id, channel="sms", phone="+14165559876",
                                     phone_verified=True)
        await conn.execute("update conversations set contact_id = (select id from contacts where phone = %s) "
                           "where id = %s", ("+14165559876", c.id))
        await append_message(conn, tenant_id=tenant_id, conversation_id=c.id, role="customer", content="Hello?")
    return c.id


async def test_technicians_and_forged_forms_are_refused(db, client, clock):
    demo = await seed(db)
    conversation = await _conversation(db, demo.tenant_id)
    await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    for path in ("/staff/inbox", f"/staff/inbox/{conversation}", "/staff/inbox-tools/macros", "/staff/tickets",
                 "/staff/phone-in", "/staff/live"):
        assert (await client.get(path)).status_code == 403, path
    client.cookies.clear()
    await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    forged = await client.post(f"/staff/inbox/{conversation}/reply", data={"content": "hi", "csrf_token": "nope"})
    assert forged.status_code == 403
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        assert await fetch_value(conn, "select count(*) from conversation_messages where role = 'staff'") == 0


async def test_macro_assignment_and_saved_view(db, client, clock):
    demo = await seed(db)
    conversation = await _conversation(db, demo.tenant_id)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    added = await client.post("/staff/inbox-tools/macros", data={
        "csrf_token": csrf, "name": "On our way", "body": "Hi {first_name}, we're on our way for {ticket_code}."})
    assert added.status_code == 303
    macro = re.search(r'<option value="([^"]+)">On our way', (await client.get(f"/staff/inbox/{conversation}")).text)
    page = await client.get(f"/staff/inbox/{conversation}", params={"macro": macro.group(1)})
    assert ">Hi Sarah, we&#39;re on our way for .</textarea>" in page.text   # no ticket on this conversation

    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        taylor = await fetch_value(conn, "select id from staff_users where email = %s", (TAYLOR,))
    assert (await client.post(f"/staff/inbox/{conversation}/assign",
                              data={"csrf_token": csrf, "staff_user_id": str(taylor)})).status_code == 303
    page = await client.get(f"/staff/inbox/{conversation}")
    assert "Assigned to Taylor Reed." in page.text and 'id="assignment-history"' in page.text

    saved = await client.post("/staff/inbox-tools/views", data={
        "csrf_token": csrf, "name": "Waiting SMS", "state": "agent", "channel": "sms"})
    assert saved.status_code == 303 and "view=" in saved.headers["location"]
    shown = await client.get(saved.headers["location"])
    assert "Waiting SMS" in shown.text and f"/staff/inbox/{conversation}" in shown.text


async def test_ticket_thread_and_followers(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    url = f"/staff/tickets/{demo.ticket_id}"
    assert (await client.post(f"{url}/participants", data={"csrf_token": csrf})).status_code == 303
    note = await client.post(f"{url}/thread", data={"csrf_token": csrf, "content": "Dog in the yard",
                                                     "private": "on"})
    public = await client.post(f"{url}/thread", data={"csrf_token": csrf, "content": "See you at 10!"})
    assert note.status_code == public.status_code == 303
    page = await client.get(url)
    thread = page.text.split('id="thread"')[1]
    assert thread.index("Dog in the yard") < thread.index("See you at 10!") and "Private note" in thread
    assert "Jamie Fox" in page.text.split('id="participants"')[1]
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        sent = await fetch_dicts(conn, "select message_type, to_address, payload->>'text' as text "
                                       "from scheduled_messages where message_type = 'reply'")
    assert sent == [{"message_type": "reply", "to_address": "+14165559876", "text": "See you at 10!"}]


async def test_on_duty_and_how_the_business_alerts(db, client, clock):
    demo = await seed(db)
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=TAYLOR, now=clock.now())
    assert (await client.post("/staff/inbox-tools/duty", data={"csrf_token": csrf, "on_duty": "on",
                                                               "phone": "(416) 555-0111"})).status_code == 303
    assert (await client.post("/staff/inbox-tools/alert-channel",
                              data={"csrf_token": csrf, "channel": "email"})).status_code == 303
    page = await client.get("/staff/inbox")
    assert "you are on duty" in page.text and "the business alerts by email" in page.text
    client.cookies.clear()
    csrf = await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    refused = await client.post("/staff/inbox-tools/alert-channel", data={"csrf_token": csrf, "channel": "sms"})
    assert refused.status_code == 403
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        rows = await fetch_dicts(conn, "select email::text, phone, on_duty from staff_users where on_duty order by email")
        channel = await fetch_value(conn, "select staff_alert_channel from tenants")
    assert rows == [{"email": JAMIE, "phone": "+14165550199", "on_duty": True},
                    {"email": TAYLOR, "phone": "+14165550111", "on_duty": True}] and channel == "email"


async def test_sla_breaches_are_flagged_in_the_list_and_the_conversation(db, client, clock):
    """An emergency on the conversation, unanswered for 40 minutes: the list and the conversation say which
    ticket missed which target, in words on screen."""
    demo = await seed(db)
    conversation = await _conversation(db, demo.tenant_id)
    async with tenant_tx(db.app_pool, demo.tenant_id, "test") as conn:
        code = await fetch_value(conn, """
            insert into tickets (tenant_id, customer_phone, category, urgency, conversation_id, created_at)
            values (%s, '+14165559876', 'HVAC', 'emergency', %s, %s) returning code""",
            (demo.tenant_id, conversation, clock.now() - timedelta(minutes=40)))
    await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())
    listed = (await client.get("/staff/inbox", params={"state": "all"})).text
    item = listed.split(f'href="/staff/inbox/{conversation}"')[1].split("</li>")[0]
    assert f'<span class="flag sla-breach">SLA: {code} no response in time</span>' in item
    page = (await client.get(f"/staff/inbox/{conversation}")).text
    assert f"SLA: {code} no response in time" in page.split('id="sla-late"')[1]
