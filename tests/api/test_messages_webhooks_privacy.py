from datetime import timedelta

import pytest

from domain.messages.models import MessageCreate
from domain.messages.optouts import is_opted_out, opt_out
from domain.messages.service import queue_message
from domain.outbox.service import emit_event
from tests.messaging import tenant_row


@pytest.fixture
def settings(tmp_path):
    from fieldbook.settings import load_settings
    return load_settings(secret_key="test-secret-" + "x" * 40, fieldbook_data_dir=tmp_path,
                         public_base_url="http://testserver", jobs_enabled=False, webhook_allow_private_urls=True)


class TestMessagesApi:
    async def test_filters_by_phone_and_status(self, client, factory, clock):
        a = await factory.tenant()
        async with a.tx() as conn:
            tenant = await tenant_row(conn)
            for phone in ("+14165550101", "+14165550102"):
                await queue_message(conn, tenant=tenant, now=clock.now(), data=MessageCreate(
                    message_type="custom", to_address=phone, payload={"text": "hi"}))
        r = await client.get("/api/v1/messages", params={"phone": "(416) 555-0101", "status": "pending"},
                             headers=a.headers)
        assert r.status_code == 200, r.text
        assert [m["to_address"] for m in r.json()["data"]] == ["+14165550101"]
        r = await client.get("/api/v1/messages", params={"status": "sent"}, headers=a.headers)
        assert r.json()["data"] == []

    async def test_bad_input(self, client, factory):
        a = await factory.tenant()
        r = await client.get("/api/v1/messages", params={"status": "bogus"}, headers=a.headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"
        r = await client.get("/api/v1/messages", params={"phone": "12"}, headers=a.headers)   # under 3 characters
        assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"

    async def test_other_tenant_sees_nothing(self, client, factory, clock):
        a, b = await factory.tenant(), await factory.tenant()
        async with a.tx() as conn:
            await queue_message(conn, tenant=await tenant_row(conn), now=clock.now(), data=MessageCreate(
                message_type="custom", to_address="+14165550101", payload={"text": "hi"}))
        r = await client.get("/api/v1/messages", headers=b.headers)
        assert r.json()["data"] == []


class TestWebhooksApi:
    async def test_crud_secret_shown_once(self, client, factory):
        a = await factory.tenant()
        r = await client.post("/api/v1/webhooks", json={"url": "https://example.com/hook",
                                                        "event_types": ["appointment.booked"]}, headers=a.headers)
        assert r.status_code == 201, r.text
        created = r.json()
        assert created["secret"].startswith("whsec_")
        hook = f"/api/v1/webhooks/{created['id']}"
        assert "secret" not in (await client.get(hook, headers=a.headers)).json()
        assert all("secret" not in e for e in (await client.get("/api/v1/webhooks", headers=a.headers)).json())
        r = await client.patch(hook, json={"active": False}, headers=a.headers)
        assert r.json()["active"] is False and r.json()["url"] == "https://example.com/hook"
        rotated = (await client.post(f"{hook}/rotate-secret", headers=a.headers)).json()
        assert rotated["secret"] != created["secret"]
        assert (await client.get(f"{hook}/deliveries", headers=a.headers)).json() == {"data": [], "next_cursor": None}
        assert (await client.delete(hook, headers=a.headers)).status_code == 204
        assert (await client.get(hook, headers=a.headers)).status_code == 404

    async def test_secret_is_not_stored(self, client, factory, db):
        a = await factory.tenant()
        secret = (await client.post("/api/v1/webhooks", json={"url": "https://example.com/h"},
                                    headers=a.headers)).json()["secret"]
        async with db.admin_pool.connection() as conn:
            cur = await conn.execute("select to_jsonb(w)::text from webhook_endpoints w")
            assert secret not in (await cur.fetchone())[0]

    # the URL's pattern is in the document (http(s), a host, no credentials): a breach is a VALIDATION_ERROR
    @pytest.mark.parametrize("url, code", [("ftp://example.com/x", "VALIDATION_ERROR"),
                                           ("https://user:pw@example.com/x", "VALIDATION_ERROR")])
    async def test_bad_urls(self, client, factory, url, code):
        a = await factory.tenant()
        r = await client.post("/api/v1/webhooks", json={"url": url}, headers=a.headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == code

    async def test_bad_event_type(self, client, factory):
        a = await factory.tenant()
        r = await client.post("/api/v1/webhooks", json={"url": "https://example.com/x", "event_types": ["Booked!"]},
                              headers=a.headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"   # the document's pattern

    async def test_other_tenant(self, client, factory):
        a, b = await factory.tenant(), await factory.tenant()
        hook = (await client.post("/api/v1/webhooks", json={"url": "https://example.com/h"}, headers=a.headers)).json()
        for method, path in (("get", ""), ("patch", ""), ("delete", ""), ("post", "/rotate-secret"),
                             ("get", "/deliveries")):
            kwargs = {"json": {"active": False}} if method == "patch" else {}
            r = await client.request(method.upper(), f"/api/v1/webhooks/{hook['id']}{path}", headers=b.headers, **kwargs)
            assert r.status_code == 404, (method, path)
        assert (await client.get("/api/v1/webhooks", headers=b.headers)).json() == []
        assert (await client.get(f"/api/v1/webhooks/{hook['id']}", headers=a.headers)).json()["active"] is True


class TestPrivateUrls:
    async def test_refused_unless_allowed(self, db, factory, clock):
        from domain.errors import Invalid
        from domain.webhooks.models import WebhookEndpointCreate
        from domain.webhooks.service import create_endpoint
        a = await factory.tenant()
        for url in ("http://127.0.0.1:8080/x", "http://localhost/x", "http://169.254.169.254/latest", "http://[::1]/"):
            with pytest.raises(Invalid):
                async with a.tx() as conn:
                    await create_endpoint(conn, tenant_id=a.id, data=WebhookEndpointCreate(url=url),
                                          signing_key=b"k" * 32, allow_private=False)


class TestEraseApi:
    async def test_erase(self, client, factory):
        a = await factory.tenant()
        c = (await client.post("/api/v1/contacts", json={"name": "Sarah", "phone": "416-555-9876"},
                               headers=a.headers)).json()
        r = await client.post(f"/api/v1/contacts/{c['id']}/erase", headers=a.headers)
        assert r.status_code == 200, r.text
        assert r.json()["contact_id"] == c["id"]
        got = (await client.get(f"/api/v1/contacts/{c['id']}", headers=a.headers)).json()
        assert (got["name"], got["phone"]) == (None, None)
        # the phone is free again for a new contact
        r = await client.post("/api/v1/contacts", json={"phone": "416-555-9876"}, headers=a.headers)
        assert r.status_code == 201

    async def test_unknown_and_other_tenant(self, client, factory):
        a, b = await factory.tenant(), await factory.tenant()
        c = (await client.post("/api/v1/contacts", json={"name": "Sarah"}, headers=a.headers)).json()
        assert (await client.post(f"/api/v1/contacts/{c['id']}/erase", headers=b.headers)).status_code == 404
        r = await client.post("/api/v1/contacts/not-a-uuid/erase", headers=a.headers)
        assert r.status_code == 422


class TestIsolationOfNewTables:
    async def test_opt_outs(self, factory):
        a, b = await factory.tenant(), await factory.tenant()
        async with a.tx() as conn:
            await opt_out(conn, tenant_id=a.id, phone="+14165550101")
        async with b.tx() as conn:
            assert not await is_opted_out(conn, phone="+14165550101")
            assert (await conn.execute("update sms_opt_outs set source = 'api'")).rowcount == 0
            assert (await conn.execute("delete from sms_opt_outs")).rowcount == 0
        with pytest.raises(Exception):
            async with b.tx() as conn:   # writing a row for tenant A from B's context
                await opt_out(conn, tenant_id=a.id, phone="+14165550102")
        async with a.tx() as conn:
            assert await is_opted_out(conn, phone="+14165550101")

    async def test_endpoints_and_deliveries(self, factory, db, clock):
        a, b = await factory.tenant(), await factory.tenant()
        async with a.tx() as conn:
            cur = await conn.execute("insert into webhook_endpoints (tenant_id, url) values (%s, 'https://a.example/h') "
                                     "returning id", (a.id,))
            endpoint = (await cur.fetchone())[0]
        async with a.tx() as conn:
            event = await emit_event(conn, tenant_id=a.id, event_type="ticket.created", entity_id=None, payload={})
            await conn.execute("insert into webhook_deliveries (tenant_id, event_id, endpoint_id) values (%s, %s, %s)",
                               (a.id, event, endpoint))
        async with b.tx() as conn:
            for table in ("webhook_endpoints", "webhook_deliveries"):
                assert await (await conn.execute(f"select count(*) from {table}")).fetchone() == (0,)
                assert (await conn.execute(f"update {table} set tenant_id = tenant_id")).rowcount == 0
                assert (await conn.execute(f"delete from {table}")).rowcount == 0
        b_event = None
        async with b.tx() as conn:
            b_event = await emit_event(conn, tenant_id=b.id, event_type="ticket.created", entity_id=None, payload={})
        with pytest.raises(Exception):   # B cannot point a delivery at A's endpoint
            async with b.tx() as conn:
                await conn.execute("insert into webhook_deliveries (tenant_id, event_id, endpoint_id) "
                                   "values (%s, %s, %s)", (b.id, b_event, endpoint))
        async with a.tx() as conn:
            assert await (await conn.execute("select count(*) from webhook_deliveries")).fetchone() == (1,)

    async def test_audit_redaction_needs_a_tenant(self, db):
        import psycopg
        with pytest.raises(psycopg.Error):
            async with db.app_pool.connection() as conn:
                await conn.execute("select redact_audit_rows(array[gen_random_uuid()])")
