"""The conversation store: history and state survive between turns; SMS threads; transcripts."""

from __future__ import annotations

from pydantic_ai.messages import ModelMessagesTypeAdapter

from domain.conversations.service import get_conversation, list_messages
from domain.db import tenant_tx


async def test_history_state_and_transcript_are_stored(app, db, demo):
    runner = app.state.agent_runner
    conversation = await runner.start(demo.tenant, channel="web")
    await runner.run_turn(demo.tenant, conversation.id, "My sink is clogged")
    await runner.run_turn(demo.tenant, conversation.id, "416-555-0142")
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        stored = await get_conversation(conn, conversation_id=conversation.id)
        lines = await list_messages(conn, conversation_id=conversation.id)
    history = ModelMessagesTypeAdapter.validate_python(stored.model_history)
    assert len(history) >= 4 and stored.phone == "+14165550142" and not stored.phone_verified
    assert stored.state["guided"]["needs"][0]["category"] == "Plumbing"
    assert [(m.role, m.content) for m in lines][:3] == [
        ("customer", "My sink is clogged"), ("agent", "Can I get your phone number, please?"), ("customer", "416-555-0142")]


async def test_sms_thread_continues_then_starts_afresh(app, demo, clock):
    runner = app.state.agent_runner
    first = await runner.sms_conversation(demo.tenant, "+14165559876")
    await runner.run_turn(demo.tenant, first.id, "hi")
    assert (await runner.sms_conversation(demo.tenant, "+14165559876")).id == first.id
    clock.advance(25 * 3600)
    later = await runner.sms_conversation(demo.tenant, "+14165559876")
    assert later.id != first.id and later.phone_verified and later.channel == "sms"


async def test_health_names_the_guided_engine_by_default(client, demo):
    assert (await client.get("/health")).json()["agent_engine"] == "guided"
