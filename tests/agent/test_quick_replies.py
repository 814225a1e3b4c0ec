"""Quick replies: the chat API's answer carries the choices its text offers, and each value works when sent."""

from __future__ import annotations

import re

from agent.choices import starting_choices
from tests.agent.conftest import WIDGET


async def _say(client, conversation_id, message):
    r = await client.post("/api/v1/ai-agent/chat", headers=WIDGET,
                          json={"conversation_id": conversation_id, "message": message})
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_booking_by_tapping_after_the_typed_details(client, demo):
    body = await _say(client, None, starting_choices()[0].value)
    services = [c["label"] for c in body["quick_replies"]]
    assert services[:2] == ["Heating & Cooling", "Plumbing"] and services[-1] == "Talk to a person"
    cid = body["conversation_id"]
    body = await _say(client, cid, body["quick_replies"][0]["value"])      # tapped: Heating & Cooling
    assert body["response"] == "Can I get your phone number, please?" and body["quick_replies"] == []
    for typed in ["416-555-1234", "furnace blows cold air", "tomorrow morning", "123 Main Street, Toronto",
                  "Alex Martin"]:
        body = await _say(client, cid, typed)
        if "Shall I book" in body["response"]:
            break
        assert body["quick_replies"] == [], body["response"]                # questions only typing answers
    lines = body["response"].split("\n")
    # every offered time is numbered, the first one too, and each has its button in the same order
    assert [line[:3] for line in lines[1:4]] == ["1) ", "2) ", "3) "]
    offers = body["quick_replies"]
    assert len(offers) == 3
    for number, (offer, line) in enumerate(zip(offers, lines[1:4]), start=1):
        technician = line[3:].split(",")[0]
        assert re.fullmatch(technician + r" · Fri, Nov 7, \d{1,2}:\d\d( [AP]M)?( – |–)\d{1,2}:\d\d [AP]M EST",
                            offer["label"]), offer
        assert offer["value"].startswith(f"{number}) {technician}, Fri, Nov 7")
    body = await _say(client, cid, offers[1]["value"])                      # tapped: the second time
    second = lines[2].split(" at ")[-1]                                      # "10:45 AM"
    card = body["serviceRequest"]
    assert card["appointment"]["status"] == "booked" and second in body["response"]
    assert body["quick_replies"] == []


async def test_starting_choices_each_lead_somewhere(client, demo):
    answers = {}
    for choice in starting_choices():
        body = await _say(client, None, choice.value)
        answers[choice.label] = body
        assert not body["response"].startswith("Sorry"), (choice.value, body["response"])
    assert "We're open" in answers["Opening hours"]["response"]
    assert answers["Talk to a person"]["response"] == "Can I get your phone number, please?"
    assert answers["It's an emergency"]["quick_replies"][0]["label"] == "Heating & Cooling"


async def test_yes_no_questions_get_yes_and_no(client, demo):
    body = await _say(client, None, "My furnace is making a noise, can someone come check it? 416-555-1234")
    cid = body["conversation_id"]
    for typed in ["next week", "123 Main Street, Toronto", "Alex Martin"]:
        body = await _say(client, cid, typed)
    assert body["quick_replies"], body["response"]
    body = await _say(client, cid, body["quick_replies"][0]["value"])
    assert body["serviceRequest"]["appointment"]["status"] == "booked"


def test_choices_follow_what_the_text_offers(demo):
    from agent.choices import quick_replies
    state = {"options": {"set": 1, "items": {
        "1a": {"technician": "Mike Chen", "start": "2025-11-07T14:00:00+00:00", "end": "2025-11-07T16:00:00+00:00"},
        "1b": {"technician": "Ana Souza", "start": "2025-11-07T18:00:00+00:00", "end": "2025-11-07T20:00:00+00:00"}}}}
    offer = quick_replies(text="1) Mike Chen, ... 2) Ana Souza, ... Shall I book the first one?", state=state,
                          tenant=demo.tenant, categories=["Plumbing"])
    assert [c.label for c in offer] == ["Mike Chen · Fri, Nov 7, 9:00–11:00 AM EST",
                                        "Ana Souza · Fri, Nov 7, 1:00–3:00 PM EST"]
    # options still on the table but a reply about something else: no stale buttons
    assert quick_replies(text="We're open Monday to Friday.", state=state, tenant=demo.tenant, categories=[]) == []
    yes_no = quick_replies(text="Same address, 456 Oak Avenue, correct?", state={}, tenant=demo.tenant, categories=[])
    assert [c.value for c in yes_no] == ["Yes", "No"]
    assert quick_replies(text="Can I get your phone number, please?", state={}, tenant=demo.tenant,
                         categories=["Plumbing"]) == []
