"""The agent answers from published articles only, in their words, and logs what it could not answer."""

from __future__ import annotations

import pytest

from tests.agent.conftest import WIDGET
from tests.agent.scripted import Script, Step

API = {"Authorization": "Bearer demo-api-key"}
TUNE_UP = {"title": "What a furnace tune-up includes", "body": (
    "Our furnace tune-up includes a filter change, a burner cleaning and a safety check of the heat exchanger. "
    "It takes about ninety minutes. We recommend one every fall.")}
FINANCING = {"title": "Financing and payment plans", "body": (
    "We offer financing on new furnaces and air conditioners through our lender, approved in one day. "
    "Repairs are paid on completion by card or e-transfer.")}


async def _chat(client, message: str, conversation_id: str | None = None) -> dict:
    r = await client.post("/api/v1/ai-agent/chat", headers=WIDGET,
                          json={"conversation_id": conversation_id, "message": message})
    assert r.status_code == 200, r.text
    return r.json()


async def _gaps(client) -> list[dict]:
    return (await client.get("/api/v1/kb/gaps", headers=API)).json()["data"]


@pytest.mark.parametrize("article, question, quoted", [
    (TUNE_UP, "What does a furnace tune-up include?", "a filter change, a burner cleaning"),
    (FINANCING, "Do you offer financing?", "We offer financing on new furnaces and air conditioners"),
    (FINANCING, "Do you have payment plans for repairs?", "Repairs are paid on completion by card or e-transfer."),
    (FINANCING, "Tell me about financing", "We offer financing on new furnaces and air conditioners"),
])
async def test_published_article_answers_in_its_own_words(client, demo, article, question, quoted):
    r = await client.post("/api/v1/kb/articles", json=article | {"status": "published"}, headers=API)
    assert r.status_code == 201
    reply = (await _chat(client, question))["response"]
    assert quoted in reply and article["title"] in reply
    assert await _gaps(client) == []


async def test_unpublished_article_is_not_used_and_the_question_is_a_gap(client, demo):
    r = await client.post("/api/v1/kb/articles", json=FINANCING, headers=API)   # a draft
    reply = (await _chat(client, "Do you offer financing?"))["response"]
    assert "financing on new furnaces" not in reply and FINANCING["title"] not in reply
    assert "don't have an answer" in reply
    [gap] = await _gaps(client)
    assert (gap["question"], gap["times_asked"], gap["channel"]) == ("Do you offer financing?", 1, "web")
    # published now, the same question is answered, and the next conversation gets it
    await client.post(f"/api/v1/kb/articles/{r.json()['id']}/publish", headers=API)
    assert "financing on new furnaces" in (await _chat(client, "Do you offer financing?"))["response"]


async def test_no_article_gets_an_honest_answer_the_conversation_goes_on(client, demo):
    first = await _chat(client, "Do you offer a senior discount?")
    assert "don't have an answer" in first["response"] and "What can we help you with today?" in first["response"]
    again = await _chat(client, "do you offer a SENIOR discount", first["conversation_id"])
    assert "don't have an answer" in again["response"]
    [gap] = await _gaps(client)
    assert gap["times_asked"] == 2
    booking = await _chat(client, "my sink is clogged", first["conversation_id"])
    assert booking["response"] == "Can I get your phone number, please?"


async def test_model_path_uses_the_same_tool_and_the_gap_keeps_no_contact_details(app, client, demo):
    await client.post("/api/v1/kb/articles", json=TUNE_UP | {"status": "published"}, headers=API)
    runner = app.state.agent_runner
    conversation = await runner.start(demo.tenant, channel="sms", phone="+14165550123", verified=True)
    script = Script([Step("search_knowledge_base", {"question": "what is in a furnace tune-up?"}),
                     Step("search_knowledge_base", {"question": "Any warranty? text 416 555 0199 or a@b.ca"})])
    await runner.run_turn(demo.tenant, conversation.id, "questions", model=script.model())
    found, missing = script.results
    assert found["found"] and found["article"] == TUNE_UP["title"] and found["quote"] in TUNE_UP["body"]
    assert not missing["found"] and missing["gap_logged"] and missing["quote"] is None
    [gap] = await _gaps(client)
    assert gap["channel"] == "sms" and "0199" not in gap["question"] and "a@b.ca" not in gap["question"]
    assert gap["question"].startswith("Any warranty?")


@pytest.mark.parametrize("message", ["Can someone come fix my furnace?", "Could you send a technician for my leak?"])
async def test_a_visit_asked_as_a_question_is_a_booking_not_a_gap(client, demo, message):
    reply = (await _chat(client, message))["response"]
    assert "don't have an answer" not in reply and await _gaps(client) == []


async def test_a_word_in_common_is_not_an_answer(client, demo):
    await client.post("/api/v1/kb/articles", json=TUNE_UP | {"status": "published"}, headers=API)
    reply = (await _chat(client, "Do you do gutter cleaning?"))["response"]   # the tune-up "cleaning" is chance
    assert "From our article" not in reply and "don't have an answer" in reply


@pytest.mark.parametrize("message", ["What are your hours?", "How much is drain cleaning?",
                                     "Can you come tomorrow at 10?", "hi"])
async def test_other_flows_keep_their_questions(client, demo, message):
    await client.post("/api/v1/kb/articles", json=TUNE_UP | {"status": "published"}, headers=API)
    reply = (await _chat(client, message))["response"]
    assert "From our article" not in reply and "don't have an answer" not in reply
    assert await _gaps(client) == []


async def test_a_question_in_the_middle_of_a_booking_is_answered_then_the_booking_goes_on(client, demo):
    await client.post("/api/v1/kb/articles", json=FINANCING | {"status": "published"}, headers=API)
    first = await _chat(client, "My kitchen sink is clogged")
    assert first["response"] == "Can I get your phone number, please?"
    middle = await _chat(client, "Do you offer financing?", first["conversation_id"])
    assert "We offer financing on new furnaces" in middle["response"]
    assert middle["response"].endswith("Can I get your phone number, please?")
    after = await _chat(client, "416-555-0142", first["conversation_id"])
    assert "phone number" not in after["response"]
