"""The outside check's SMS story, through the real Twilio webhook and the REST contract:
"I want to talk to a person" -> needs_staff; the next text gets an acknowledgement; a staff reply is sent to
the number (and listed by GET /api/v1/messages?phone=); after hand back the agent answers again."""

from __future__ import annotations

import fieldbook.demo
from jobs.sender import send_due_messages
from jobs.transports import RecordingMail, RecordingSms
from tests.sms.test_webhook import http, inbound, reply_of, sms_app, text  # noqa: F401 (fixtures)

API = {"Authorization": f"Bearer {fieldbook.demo.API_KEY}"}
CUSTOMER = "+14165550123"
CONVERSATION_KEYS = {"id", "channel", "phone", "state", "last_message_at", "ticket_codes"}
MESSAGE_KEYS = {"role", "content", "private", "created_at"}


async def _mine(http, state: str) -> list[dict]:
    r = await http.get("/api/v1/conversations", params={"state": state}, headers=API)
    assert r.status_code == 200, r.text
    return [c for c in r.json()["data"] if c["phone"] == CUSTOMER]


async def test_a_person_over_sms_from_request_to_hand_back(http, db, clock):
    first = reply_of(await text(http, inbound("I want to talk to a person", sender=CUSTOMER)))
    assert first and "call you back" in first
    [conversation] = await _mine(http, "needs_staff")
    assert set(conversation) == CONVERSATION_KEYS and conversation["channel"] == "sms"
    assert conversation["ticket_codes"] and conversation["ticket_codes"][0].startswith("TASK-")
    assert await _mine(http, "agent") == []

    ack = reply_of(await text(http, inbound("I still need a furnace repair, please book me for Thursday",
                                              sender=CUSTOMER)))
    assert "reply here" in ack and "09:00" in ack          # an acknowledgement with the hours, not the agent

    url = f"/api/v1/conversations/{conversation['id']}"
    note = await http.post(f"{url}/messages", json={"content": "Owes us for last visit", "private": True}, headers=API)
    assert note.status_code == 201 and note.json()["private"] is True
    sent = await http.post(f"{url}/messages", json={"content": "Hi, this is Jamie. Thursday 2pm works?"}, headers=API)
    assert sent.status_code == 201 and set(sent.json()) == MESSAGE_KEYS
    assert sent.json()["role"] == "staff" and sent.json()["private"] is False
    [taken] = await _mine(http, "staff")                    # replying took it over

    outbound = (await http.get("/api/v1/messages", params={"phone": CUSTOMER}, headers=API)).json()["data"]
    replies = [m for m in outbound if m["message_type"] == "reply"]
    assert [m["payload"]["text"] for m in replies] == ["Hi, this is Jamie. Thursday 2pm works?"]
    assert not any("Owes us" in str(m["payload"]) for m in outbound)          # a private note is never sent
    sms = RecordingSms()
    await send_due_messages(db, clock=clock, sms=sms, mail=RecordingMail())
    assert [body for _, to, body in sms.sent if to == CUSTOMER][-1] == "Hi, this is Jamie. Thursday 2pm works?"

    # a person answered last: the customer's answer to them gets no automatic line in between
    assert reply_of(await text(http, inbound("Yes 2pm is great", sender=CUSTOMER))) == ""

    lines = (await http.get(f"{url}/messages", headers=API)).json()["data"]
    assert all(set(line) == MESSAGE_KEYS for line in lines)
    assert [line["role"] for line in lines][-4:] == ["system", "staff", "staff", "customer"]

    back = await http.post(f"{url}/hand-back", headers=API)
    assert back.status_code == 200 and back.json()["state"] == "agent" and set(back.json()) == CONVERSATION_KEYS
    answer = reply_of(await text(http, inbound("What are your hours?", sender=CUSTOMER)))
    assert answer and "reply here" not in answer              # the agent answers again
    taken_again = await http.post(f"{url}/take-over", headers=API)
    assert taken_again.json()["state"] == "staff"


async def test_contract_errors(http):
    missing = "/api/v1/conversations/00000000-0000-4000-8000-000000000000"
    for method, path, body in (("post", f"{missing}/take-over", None), ("post", f"{missing}/hand-back", None),
                               ("get", f"{missing}/messages", None),
                               ("post", f"{missing}/messages", {"content": "hi"})):
        r = await http.request(method.upper(), path, json=body, headers=API)
        assert (r.status_code, r.json()["error"]["code"]) == (404, "CONVERSATION_NOT_FOUND"), path
    bad = await http.get("/api/v1/conversations", params={"state": "asleep"}, headers=API)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "VALIDATION_ERROR"
    assert (await http.get("/api/v1/conversations")).status_code == 401
    first = reply_of(await text(http, inbound("I want to talk to a person", sender=CUSTOMER)))
    assert first
    [conversation] = await _mine(http, "needs_staff")
    for body in ({"content": ""}, {"content": "x" * 1601}, {"private": True}):
        r = await http.post(f"/api/v1/conversations/{conversation['id']}/messages", json=body, headers=API)
        assert r.status_code == 422, body
