"""The OpenAI-compatible model path over real HTTP: openai client -> loopback server -> tools -> database."""

from __future__ import annotations

import json

import bpe_openai
import pytest
from pydantic_ai import models
from pydantic_ai.models.fallback import FallbackModel
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider

from agent.routing import Routing
from domain.db import fetch_dicts, tenant_tx
from tests.agent.conftest import WIDGET
from tests.agent.fake_openai import FakeChatServer

TOOL_NAMES = {"identify_customer", "record_service_request", "register_customer", "find_appointment_options",
              "book_appointment", "list_my_appointments", "cancel_appointment", "reschedule_appointment",
              "service_history", "business_info", "search_knowledge_base", "send_verification_code", "verify_code",
              "hand_off"}


def furnace_script(body):
    """A model that records the request first, then asks for the address citing the ticket it got back."""
    tool_messages = [m for m in body["messages"] if m["role"] == "tool"]
    if not tool_messages:
        return {"tool": "record_service_request", "args": {
            "category": "furnace", "description": "Furnace only blowing cold air", "urgency": "emergency",
            "preferred_time": "today ASAP", "phone": "416-555-1234"}}
    result = json.loads(tool_messages[-1]["content"])
    return {"text": f"Your request {result['ticket_code']} is saved. What's the address?"}


@pytest.fixture
def local_model_settings(settings):
    def with_url(url: str):
        return settings.model_copy(update={"llm_local_base_url": url, "llm_local_model": "test-model"})
    return with_url


async def _app(settings, db, clock):
    from fieldbook.app import create_app
    import httpx
    app = create_app(settings, db, clock)
    return app, httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_chat_through_a_local_openai_compatible_server(local_model_settings, db, clock, demo):
    with FakeChatServer(furnace_script) as server, models.override_allow_model_requests(True):
        app, client = await _app(local_model_settings(server.base_url), db, clock)
        async with client:
            health = (await client.get("/health")).json()
            r = await client.post("/api/v1/ai-agent/chat", headers=WIDGET,
                                  json={"conversation_id": None, "message": "My furnace blows cold air, 416-555-1234"})
    assert r.status_code == 200, r.text
    assert health["agent_engine"] == "local:test-model"
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        tickets = await fetch_dicts(conn, "select code, category, urgency, customer_phone, contact_id from tickets "
                                          "where conversation_id = %s", (r.json()["conversation_id"],))
    assert [(t["category"], t["urgency"], t["customer_phone"], t["contact_id"]) for t in tickets] == [
        ("HVAC", "emergency", "+14165551234", None)]
    assert tickets[0]["code"] in r.json()["response"]
    first, second = server.requests
    assert {t["function"]["name"] for t in first["tools"]} == TOOL_NAMES
    assert "Maple Leaf Home Services" in first["messages"][0]["content"]
    assert "Thursday, November 6, 2025" in first["messages"][0]["content"]
    assert tickets[0]["code"] in second["messages"][-1]["content"]


async def test_prompt_and_tool_schemas_stay_under_2000_tokens(local_model_settings, db, clock, demo):
    with FakeChatServer(lambda body: {"text": "Hello! What can we help you with?"}) as server, \
            models.override_allow_model_requests(True):
        app, client = await _app(local_model_settings(server.base_url), db, clock)
        async with client:
            await client.post("/api/v1/ai-agent/chat", headers=WIDGET, json={"conversation_id": None, "message": "hi"})
    request = server.requests[0]
    instructions = request["messages"][0]["content"]
    schemas = json.dumps(request["tools"])
    counts = {name: len(bpe_openai.get_encoding(name).encode(instructions + schemas))
              for name in ("cl100k_base", "o200k_base")}
    print(f"\ninstructions+tool schemas per request: {counts} "
          f"(instructions {len(bpe_openai.get_encoding('cl100k_base').encode(instructions))})")
    assert max(counts.values()) < 2000


async def test_local_down_falls_back_to_the_remote_model(db, clock, demo, app, client):
    with FakeChatServer(lambda body: {"text": "Remote model here. How can I help?"}) as remote, \
            models.override_allow_model_requests(True):
        dead = OpenAIChatModel("local", provider=OpenAIProvider(base_url="http://127.0.0.1:9/v1", api_key="x"))
        live = OpenAIChatModel("remote", provider=OpenAIProvider(base_url=remote.base_url, api_key="x"))
        app.state.agent_runner.routing = Routing(FallbackModel(dead, live), "local:local -> remote:test")
        r = await client.post("/api/v1/ai-agent/chat", headers=WIDGET, json={"conversation_id": None, "message": "hi"})
    assert r.json()["response"] == "Remote model here. How can I help?"
    assert len(remote.requests) == 1


async def test_every_model_down_the_guided_engine_answers(db, clock, demo, app, client):
    with models.override_allow_model_requests(True):
        dead = OpenAIChatModel("local", provider=OpenAIProvider(base_url="http://127.0.0.1:9/v1", api_key="x"))
        app.state.agent_runner.routing = Routing(dead, "local:local")
        r = await client.post("/api/v1/ai-agent/chat", headers=WIDGET,
                              json={"conversation_id": None, "message": "My kitchen sink is clogged"})
    assert r.json()["response"] == "Can I get your phone number, please?"
