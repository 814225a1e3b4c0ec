from datetime import timedelta

import pytest

import fieldbook.demo
from domain.errors import NotFound
from domain.messages.models import MessageCreate
from domain.messages.service import queue_message
from domain.privacy.service import ERASED_PHONE, erase_contact, purge_transcripts
from tests.messaging import tenant_row

SARAH = "+14165559876"


async def _sarah(db, clock):
    """The demo tenant with Sarah's transcript, a note, an attribute, an invoice and a queued message."""
    demo = await fieldbook.demo.seed_demo(db, allowed_origins=[])
    tenant_id = demo.tenant.id
    from domain.db import tenant_tx
    async with tenant_tx(db.app_pool, tenant_id, "test") as conn:
        cur = await conn.execute("select id from contacts where phone = %s", (SARAH,))
        sarah = (await cur.fetchone())[0]
        cur = await conn.execute("""insert into conversations (tenant_id, channel, phone, contact_id, state)
                                    values (%s, 'sms', %s, %s, '{"name": "Sarah Johnson"}') returning id""",
                                 (tenant_id, SARAH, sarah))
        conversation = (await cur.fetchone())[0]
        await conn.execute("""insert into conversation_messages (tenant_id, conversation_id, role, content)
                              values (%s, %s, 'customer', 'Hi, this is Sarah at 456 Oak Avenue')""",
                           (tenant_id, conversation))
        await conn.execute("insert into notes (tenant_id, contact_id, author, content) "
                           "values (%s, %s, 'Mike', 'Dog named Biscuit, gate code 4411')", (tenant_id, sarah))
        await conn.execute("insert into attributes (tenant_id, contact_id, key, value) "
                           "values (%s, %s, 'gate_code', '\"4411\"')", (tenant_id, sarah))
        await conn.execute("insert into equipment (tenant_id, contact_id, type, serial, location) "
                           "values (%s, %s, 'furnace', 'SN4411', 'basement')", (tenant_id, sarah))
        await conn.execute("insert into invoices (tenant_id, number, contact_id, status, total_amount) "
                           "values (%s, 'INV-1', %s, 'sent', 249.50)", (tenant_id, sarah))
        await queue_message(conn, tenant=await tenant_row(conn), now=clock.now(), data=MessageCreate(
            message_type="custom", to_address=SARAH, contact_id=sarah, payload={"text": "Hi Sarah"}))
    return demo, sarah


class TestEraseContact:
    async def test_anonymizes_everywhere_and_keeps_invoice_amounts(self, db, clock):
        demo, sarah = await _sarah(db, clock)
        from domain.db import tenant_tx
        async with tenant_tx(db.app_pool, demo.tenant.id, "staff:owner") as conn:   # the serving role
            report = await erase_contact(conn, tenant_id=demo.tenant.id, contact_id=sarah, now=clock.now())
        assert (report.addresses, report.notes, report.attributes, report.conversation_messages) == (1, 1, 1, 1)
        assert report.equipment == 2     # the demo's furnace and the one added above
        assert report.tickets == 1 and report.messages == 1 and report.audit_rows_redacted > 0
        async with db.admin_pool.connection() as conn:    # inspect everything, past RLS
            async def one(sql):
                return await (await conn.execute(sql, {"c": sarah})).fetchall()
            assert await one("select name, phone, email, notes, erased_at is not null from contacts "
                             "where id = %(c)s") == [(None, None, None, None, True)]
            assert await one("select count(*) from addresses where contact_id = %(c)s") == [(0,)]
            assert await one("select count(*) from attributes where contact_id = %(c)s") == [(0,)]
            assert await one("select count(*) from equipment where contact_id = %(c)s") == [(0,)]
            assert await one("select content from notes where contact_id = %(c)s") == [("[erased]",)]
            assert await one("select customer_name, customer_phone, service_address, closeout_notes, "
                             "status, closed_at is not null from tickets where contact_id = %(c)s") == [
                (None, ERASED_PHONE, None, "[erased]", "completed", True)]
            assert await one("select phone, state, model_history from conversations "
                             "where contact_id = %(c)s") == [(None, {}, [])]
            assert await one("select count(*) from conversation_messages") == [(0,)]
            assert await one("select to_address, body, status from scheduled_messages") == [
                ("[erased]", None, "cancelled")]
            assert await one("select total_amount::text, number from invoices where contact_id = %(c)s") == [
                ("249.50", "INV-1")]
            dump = str(await one("select old_row, new_row from audit_log"))
            # long enough that a random UUID or timestamp in the dump cannot contain them by chance
            for secret in ("Sarah", "5559876", "456 Oak", "Biscuit", "code 4411", "'4411'", "sarah.johnson"):
                assert secret not in dump, secret
            assert await one("select actor, new_row ? 'erasure' from audit_log where entity_id = %(c)s "
                             "order by id desc limit 1") == [("staff:owner", True)]

    async def test_other_tenant_cannot_erase(self, db, clock, factory):
        demo, sarah = await _sarah(db, clock)
        b = await factory.tenant()
        with pytest.raises(NotFound):
            async with b.tx() as conn:
                await erase_contact(conn, tenant_id=b.id, contact_id=sarah, now=clock.now())
        async with db.admin_pool.connection() as conn:
            cur = await conn.execute("select name from contacts where id = %s", (sarah,))
            assert await cur.fetchone() == ("Sarah Johnson",)

    async def test_closed_tickets_stay_immutable_outside_erasure(self, db, clock):
        demo, sarah = await _sarah(db, clock)
        from domain.db import tenant_tx
        from domain.errors import Conflict
        with pytest.raises(Conflict):
            async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
                await conn.execute("update tickets set customer_name = null where contact_id = %s", (sarah,))


class TestPurgeTranscripts:
    async def test_purges_past_retention_only(self, factory, clock, db):
        a = await factory.tenant()
        now = clock.now()
        async with a.tx() as conn:
            cur = await conn.execute("""insert into conversations (tenant_id, channel, phone, last_message_at)
                                        values (%s, 'sms', '+14165550101', %s),
                                               (%s, 'web', '+14165550102', %s) returning id""",
                                     (a.id, now - timedelta(days=91), a.id, now - timedelta(days=1)))
            old, live = [r[0] for r in await cur.fetchall()]
            await conn.execute("""insert into conversation_messages (tenant_id, conversation_id, role, content,
                                  created_at) values (%s, %s, 'customer', 'old', %s), (%s, %s, 'customer',
                                  'ancient', %s), (%s, %s, 'customer', 'fresh', %s)""",
                               (a.id, old, now - timedelta(days=91), a.id, live, now - timedelta(days=100),
                                a.id, live, now - timedelta(days=1)))
            assert await purge_transcripts(conn, retention_days=90, now=now) == 2
        async with db.admin_pool.connection() as conn:
            cur = await conn.execute("select id from conversations")
            assert await cur.fetchall() == [(live,)]
            cur = await conn.execute("select content from conversation_messages")
            assert await cur.fetchall() == [("fresh",)]
            cur = await conn.execute("select count(*) from audit_log where entity_id = %s "
                                     "and (old_row ? 'phone' or new_row ? 'phone')", (old,))
            assert await cur.fetchone() == (0,)

    async def test_job_uses_each_tenants_retention(self, factory, clock, db):
        from jobs.retention import purge_expired_transcripts
        a, b = await factory.tenant(), await factory.tenant()
        async with db.admin_pool.connection() as conn:
            await conn.execute("update tenants set retention_days = 10 where id = %s", (a.id,))
        for t in (a, b):
            async with t.tx() as conn:
                cur = await conn.execute("insert into conversations (tenant_id, channel, last_message_at) "
                                         "values (%s, 'web', %s) returning id", (t.id, clock.now() - timedelta(days=30)))
                conv = (await cur.fetchone())[0]
                await conn.execute("insert into conversation_messages (tenant_id, conversation_id, role, content, "
                                   "created_at) values (%s, %s, 'customer', 'x', %s)",
                                   (t.id, conv, clock.now() - timedelta(days=30)))
        assert await purge_expired_transcripts(db, clock=clock) == 1
        async with db.admin_pool.connection() as conn:
            cur = await conn.execute("select tenant_id from conversations")
            assert await cur.fetchall() == [(b.id,)]


async def test_what_staff_were_sent_about_the_contact_is_erased_too(db, clock):
    """An inbox alert and a follower's email name the customer: erasure blanks them, keeping the staff address."""
    from domain.db import tenant_tx
    from domain.inbox.service import flag_for_staff
    from domain.tickets.participants import follow, notify_participants
    demo, sarah = await _sarah(db, clock)
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        conversation = (await (await conn.execute("select id from conversations")).fetchone())[0]
        ticket = (await (await conn.execute("select id from tickets where contact_id = %s", (sarah,))).fetchone())[0]
        jamie = (await (await conn.execute("select id from staff_users where name = 'Jamie Fox'")).fetchone())[0]
        await flag_for_staff(conn, tenant=demo.tenant, conversation_id=conversation, reason="A person", now=clock.now())
        await follow(conn, tenant_id=demo.tenant.id, ticket_id=ticket, staff_user_id=jamie)
        await notify_participants(conn, tenant=demo.tenant, ticket_id=ticket, update="note", now=clock.now())
    async with tenant_tx(db.app_pool, demo.tenant.id, "staff:owner") as conn:
        report = await erase_contact(conn, tenant_id=demo.tenant.id, contact_id=sarah, now=clock.now())
    async with db.admin_pool.connection() as conn:
        rows = await (await conn.execute("""select message_type, to_address, payload, body from scheduled_messages
                                            where message_type in ('staff_alert', 'custom') and channel <> 'sms'
                                               or message_type = 'staff_alert' order by message_type""")).fetchall()
    assert report.staff_messages == 2
    assert rows == [("custom", "jamie@demo.fieldbook.test", {}, None), ("staff_alert", "+14165550199", {}, None)]
