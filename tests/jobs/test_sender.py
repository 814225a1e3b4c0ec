import asyncio
import json
import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from twilio.http import HttpClient
from twilio.http.response import Response

from domain.clock import Clock
from domain.db import Database
from domain.messages.models import MessageCreate
from domain.messages.optouts import opt_in, opt_out
from domain.messages.service import queue_message
from jobs.scheduler import JobRunner, JobsConfig
from jobs.sender import SenderConfig, send_due_messages
from jobs.transports import RecordingMail, RecordingSms, SmtpMail, TwilioSms
from tests.live import free_port
from tests.messaging import tenant_row

TORONTO = ZoneInfo("America/Toronto")


async def _queue(a, clock, n, **fields):
    ids = []
    async with a.tx() as conn:
        tenant = await tenant_row(conn)
        for i in range(n):
            data = {"message_type": "custom", "to_address": f"+1416555{i:04d}", "payload": {"text": f"hello {i}"}} | fields
            if data.get("channel") == "email":
                data["to_address"] = f"customer{i}@example.com"
            m = await queue_message(conn, tenant=tenant, now=clock.now(), data=MessageCreate(**data))
            ids.append(m.id)
    return ids


async def _statuses(db, ids):
    async with db.admin_pool.connection() as conn:
        cur = await conn.execute("select id, status, attempts, scheduled_for, last_error, body "
                                 "from scheduled_messages where id = any(%s)", (ids,))
        return {r[0]: r[1:] for r in await cur.fetchall()}


class TestTwoSchedulers:
    async def test_500_due_messages_each_sent_exactly_once(self, db, database, factory, clock, smtp_server):
        controller, smtp = smtp_server
        a, b = await factory.tenant(), await factory.tenant()
        sms_ids = await _queue(a, clock, 125) + await _queue(b, clock, 125)
        email_ids = (await _queue(a, clock, 125, channel="email")
                     + await _queue(b, clock, 125, channel="email"))
        runners, recorders = [], []
        for _ in range(2):   # two "processes": each with its own pools, transports and scheduler
            own = Database(database.app, database.admin, app_role=database.app_role, max_size=4)
            await own.open()
            sms = RecordingSms()
            mail = SmtpMail(host="127.0.0.1", port=controller.port, sender="shop@example.com", start_tls=False)
            config = JobsConfig(interval_seconds=0.2, sender=SenderConfig(batch_size=10), webhooks=None)
            runner = JobRunner(own, clock, sms=sms, mail=mail, config=config)
            runner.start()
            runners.append(runner)
            recorders.append(sms)
        try:
            for _ in range(300):
                await asyncio.sleep(0.2)
                async with db.admin_pool.connection() as conn:
                    cur = await conn.execute("select count(*) from scheduled_messages where status = 'pending'")
                    if (await cur.fetchone())[0] == 0:
                        break
        finally:
            for runner in runners:
                await runner.stop()
                await runner.db.close()
        sent_sms = [m for r in recorders for (m, _, _) in r.sent]
        assert len(sent_sms) == 250 and set(sent_sms) == set(sms_ids)
        assert all(len(r.sent) > 0 for r in recorders), "both schedulers took part"
        assert len(smtp.received) == 250 and set(smtp.received.values()) == {1}
        assert set(smtp.received) == {str(i) for i in email_ids}
        rows = await _statuses(db, sms_ids + email_ids)
        assert {rows[i][0] for i in sms_ids} == {"recorded"}
        assert {rows[i][0] for i in email_ids} == {"sent"}
        assert {r[1] for r in rows.values()} == {1}


class TestQuietHours:
    async def test_non_urgent_sms_waits_until_morning_codes_do_not(self, db, factory):
        late = Clock(datetime(2025, 11, 6, 22, 30, tzinfo=TORONTO))
        a = await factory.tenant()
        [held] = await _queue(a, late, 1)
        [code] = await _queue(a, late, 1, message_type="verification_code", payload={"code": "424242"})
        [email] = await _queue(a, late, 1, channel="email")
        sms = RecordingSms()
        outcomes = await send_due_messages(db, clock=late, sms=sms, mail=RecordingMail())
        assert outcomes == {"deferred": 1, "recorded": 2}
        rows = await _statuses(db, [held, code, email])
        assert rows[held][0] == "pending" and rows[held][1] == 0
        assert rows[held][2] == datetime(2025, 11, 7, 8, 0, tzinfo=TORONTO)
        assert rows[code][0] == "recorded" and "424242" in rows[code][4]
        assert rows[email][0] == "recorded"
        assert [m for m, _, _ in sms.sent] == [code]


class TestOptOut:
    async def test_opted_out_number_gets_nothing_until_opt_in(self, db, factory, clock):
        a = await factory.tenant()
        [first] = await _queue(a, clock, 1)
        async with a.tx() as conn:
            await opt_out(conn, tenant_id=a.id, phone="+14165550000")
        sms = RecordingSms()
        await send_due_messages(db, clock=clock, sms=sms, mail=RecordingMail())
        assert (await _statuses(db, [first]))[first][0] == "suppressed"
        assert sms.sent == []
        async with a.tx() as conn:
            assert await opt_in(conn, phone="+14165550000")
        [second] = await _queue(a, clock, 1)
        await send_due_messages(db, clock=clock, sms=sms, mail=RecordingMail())
        assert (await _statuses(db, [second]))[second][0] == "recorded"

    async def test_opt_out_is_per_tenant(self, db, factory, clock):
        a, b = await factory.tenant(), await factory.tenant()
        async with a.tx() as conn:
            await opt_out(conn, tenant_id=a.id, phone="+14165550000")
        [other] = await _queue(b, clock, 1)
        await send_due_messages(db, clock=clock, sms=RecordingSms(), mail=RecordingMail())
        assert (await _statuses(db, [other]))[other][0] == "recorded"


class TestExpiry:
    async def test_late_reminder_is_dropped(self, db, factory, clock):
        a = await factory.tenant()
        [late] = await _queue(a, clock, 1, scheduled_for=clock.now() - timedelta(hours=30),
                              expires_at=clock.now() - timedelta(hours=1))
        sms = RecordingSms()
        await send_due_messages(db, clock=clock, sms=sms, mail=RecordingMail())
        assert (await _statuses(db, [late]))[late][0] == "expired"
        assert sms.sent == []


class TestFailures:
    async def test_unreachable_smtp_retries_with_backoff_then_fails(self, db, factory, clock):
        a = await factory.tenant()
        [m] = await _queue(a, clock, 1, channel="email")
        dead = SmtpMail(host="127.0.0.1", port=free_port(), sender="x@example.com", start_tls=False, timeout=2)
        config = SenderConfig(max_attempts=2, backoff_seconds=600)
        assert await send_due_messages(db, clock=clock, sms=RecordingSms(), mail=dead, config=config) == {"pending": 1}
        status, attempts, when, error, _ = (await _statuses(db, [m]))[m]
        assert (status, attempts) == ("pending", 1) and "SMTP" in error
        assert when >= clock.now() + timedelta(seconds=590)
        clock.advance(601)
        assert await send_due_messages(db, clock=clock, sms=RecordingSms(), mail=dead, config=config) == {"failed": 1}


class FakeTwilioEdge(HttpClient):
    """Twilio's remote end, which tests cannot reach: records each request, answers as told."""

    def __init__(self, status: int, body: dict) -> None:
        super().__init__(logging.getLogger("tests.twilio"), False)
        self.status, self.body, self.requests = status, body, []

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False):
        self.requests.append((method, uri, dict(data or {})))
        return Response(self.status, json.dumps(self.body))


class TestTwilio:
    async def test_sent_through_twilio(self, db, factory, clock):
        a = await factory.tenant(sms_number="+15005550006")
        [m] = await _queue(a, clock, 1)
        edge = FakeTwilioEdge(201, {"sid": "SM0123", "status": "queued"})
        await send_due_messages(db, clock=clock, sms=TwilioSms("AC123", "token", http_client=edge),
                                mail=RecordingMail())
        assert [(r[0], r[2]["To"], r[2]["From"], r[2]["Body"]) for r in edge.requests] == [
            ("POST", "+14165550000", "+15005550006", "hello 0")]
        async with db.admin_pool.connection() as conn:
            cur = await conn.execute("select status, provider_id from scheduled_messages where id = %s", (m,))
            assert await cur.fetchone() == ("sent", "SM0123")

    async def test_error_21610_opts_the_number_out(self, db, factory, clock):
        a = await factory.tenant(sms_number="+15005550006")
        [m] = await _queue(a, clock, 1)
        edge = FakeTwilioEdge(400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient",
                                    "status": 400})
        await send_due_messages(db, clock=clock, sms=TwilioSms("AC123", "token", http_client=edge),
                                mail=RecordingMail())
        assert (await _statuses(db, [m]))[m][0] == "suppressed"
        async with a.tx() as conn:
            cur = await conn.execute("select phone, source from sms_opt_outs")
            assert await cur.fetchall() == [("+14165550000", "carrier")]
