"""The chat and service-request endpoints: their contract and their errors."""

from __future__ import annotations

from domain.db import fetch_dicts, tenant_tx
from tests.agent.conftest import WIDGET


async def test_chat_contract(client, demo):
    r = await client.post("/api/v1/ai-agent/chat", headers=WIDGET, json={"conversation_id": None, "message": "hi"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"conversation_id", "response", "serviceRequest", "quick_replies"}
    assert body["serviceRequest"] is None and body["response"].endswith("What can we help you with today?")
    again = await client.post("/api/v1/ai-agent/chat", headers=WIDGET,
                              json={"conversation_id": body["conversation_id"], "message": "my sink is clogged"})
    assert again.json()["conversation_id"] == body["conversation_id"]
    assert again.json()["response"] == "Can I get your phone number, please?"


async def test_chat_errors(client, demo, factory):
    post = client.post
    r = await post("/api/v1/ai-agent/chat", json={"conversation_id": None, "message": "hi"})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "UNAUTHORIZED")   # no key: not authenticated
    r = await post("/api/v1/ai-agent/chat", headers={"X-Widget-Key": "nope"}, json={"conversation_id": None, "message": "hi"})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "UNAUTHORIZED")
    r = await post("/api/v1/ai-agent/chat", headers=WIDGET | {"Origin": "https://evil.example"},
                   json={"conversation_id": None, "message": "hi"})
    assert (r.status_code, r.json()["error"]["code"]) == (403, "FORBIDDEN")
    r = await post("/api/v1/ai-agent/chat", headers=WIDGET, json={"conversation_id": None, "message": ""})
    assert r.status_code == 422
    r = await post("/api/v1/ai-agent/chat", headers=WIDGET, json={"conversation_id": "not-a-uuid", "message": "hi"})
    assert (r.status_code, r.json()["error"]["code"]) == (404, "CONVERSATION_NOT_FOUND")
    other = await factory.tenant(widget_public_key="other-widget-key")
    theirs = await post("/api/v1/ai-agent/chat", headers={"X-Widget-Key": "other-widget-key"},
                        json={"conversation_id": None, "message": "hi"})
    r = await post("/api/v1/ai-agent/chat", headers=WIDGET,
                   json={"conversation_id": theirs.json()["conversation_id"], "message": "hi"})
    assert (r.status_code, r.json()["error"]["code"]) == (404, "CONVERSATION_NOT_FOUND")
    assert other


async def test_service_request_books_end_to_end(client, demo, db):
    body = {"phoneNumber": "416-555-1234", "extractedInfo": {
        "service_category": "furnace", "description": "Blowing cold air", "urgency_level": "emergency",
        "customer_name": "Alex Martin", "service_address": "123 Main Street, Toronto", "preferred_time": "today"}}
    r = await client.post("/api/v1/ai-agent/service-request", json=body,
                          headers={"Authorization": "Bearer demo-api-key"})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["success"] and data["ticket"]["service_category"] == "HVAC"
    assert data["customer"] == {"phone": "+14165551234", "name": "Alex Martin"}
    assert data["appointment"]["address"] == "123 Main Street, Toronto"
    assert data["tool_calls"] == ["identify_customer", "record_service_request", "register_customer",
                                  "find_appointment_options", "book_appointment"]
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        rows = await fetch_dicts(conn, "select c.name from tickets t join contacts c on c.id = t.contact_id "
                                       "where t.code = %s", (data["ticket"]["code"],))
    assert rows == [{"name": "Alex Martin"}]


async def test_service_request_errors(client, demo):
    headers = {"Authorization": "Bearer demo-api-key"}
    info = {"service_category": "HVAC"}
    r = await client.post("/api/v1/ai-agent/service-request", json={"phoneNumber": "123", "extractedInfo": info},
                          headers=headers)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "INVALID_PHONE")   # well-formed, not in service
    r = await client.post("/api/v1/ai-agent/service-request", json={"phoneNumber": "4165551234", "extractedInfo": info})
    assert r.status_code == 401
    r = await client.post("/api/v1/ai-agent/service-request", headers=headers, json={
        "phoneNumber": "4165551234", "extractedInfo": {"service_category": "pool cleaning"}})
    assert r.status_code == 200 and r.json()["success"] is False and r.json()["error"] == "UNKNOWN_CATEGORY"


async def test_cross_origin_fallback_from_the_business_site(client, demo, db):
    """The widget's HTTP fallback runs on the business's own site: CORS for listed origins only."""
    from domain.db import admin_tx
    async with admin_tx(db) as conn:
        await conn.execute("update tenants set widget_allowed_origins = %s where id = %s",
                           (["https://maple-leaf-home.example"], demo.tenant.id))
    site = {"Origin": "https://maple-leaf-home.example"}
    preflight = await client.options("/api/v1/ai-agent/chat", headers=site | {
        "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-widget-key"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "https://maple-leaf-home.example"
    assert "x-widget-key" in preflight.headers["access-control-allow-headers"]

    ok = await client.post("/api/v1/ai-agent/chat", headers=WIDGET | site, json={"message": "What are your hours?"})
    assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "https://maple-leaf-home.example"
    assert "access-control-allow-credentials" not in ok.headers

    evil = await client.post("/api/v1/ai-agent/chat", headers=WIDGET | {"Origin": "https://evil.example"},
                             json={"message": "What are your hours?"})
    assert evil.status_code == 403 and "access-control-allow-origin" not in evil.headers
