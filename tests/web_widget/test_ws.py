"""The widget's websocket against a real server: who may connect, resuming, and a booking end to end."""

from __future__ import annotations

import httpx
import pytest
import websockets
from websockets.exceptions import InvalidStatus

from domain.db import admin_tx, fetch_value
from fieldbook.bench.customer import answer
from tests.web_widget.conftest import SITE, WidgetClient, ws_url

EMERGENCY = {"phone": "416-555-1234", "name": "Alex Martin", "address": "123 Main Street, Toronto",
             "when": "Today if possible, ASAP", "problem": "It's been running for 30 minutes but only blowing cold air",
             "notes": "I have two friendly dogs, park in the driveway"}


@pytest.mark.parametrize("origin", ["https://evil.example", "http://maple-leaf-home.example", None])
async def test_disallowed_or_missing_origin_is_refused_at_the_handshake(widget_server, origin):
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(ws_url(widget_server), origin=origin)
    assert refused.value.response.status_code == 403


async def test_unknown_key_is_refused(widget_server):
    with pytest.raises(InvalidStatus) as refused:
        await websockets.connect(ws_url(widget_server, key="not-a-key"), origin=SITE)
    assert refused.value.response.status_code == 403


async def test_resume_token_of_another_conversation_is_refused(widget_server):
    first = await WidgetClient.connect(widget_server)
    welcome_a = await first.until("welcome")
    second = await WidgetClient.connect(widget_server)
    welcome_b = await second.until("welcome")
    await first.close(), await second.close()
    assert welcome_a["conversation_id"] != welcome_b["conversation_id"]

    hijack = await WidgetClient.connect(widget_server, token=welcome_a["token"],
                                        conversation_id=welcome_b["conversation_id"])
    error = await hijack.until("error")
    assert error["code"] == "RESUME_REJECTED"
    with pytest.raises(websockets.ConnectionClosed) as closed:
        await hijack.receive()
    assert closed.value.rcvd.code == 4401

    forged = await WidgetClient.connect(widget_server, token=welcome_a["token"][:-4] + "AAAA")
    assert (await forged.until("error"))["code"] == "RESUME_REJECTED"


async def test_bad_frames_get_errors_and_the_socket_stays_open(widget_server):
    tab = await WidgetClient.connect(widget_server)
    await tab.until("welcome")
    await tab.socket.send("not json")
    assert (await tab.until("error"))["code"] == "BAD_FRAME"
    await tab.send({"type": "message", "text": "x" * 2001})
    assert (await tab.until("error"))["code"] == "BAD_MESSAGE"
    replies = await tab.say("Hi, what are your hours?")
    assert replies[0]["type"] == "reply" and replies[0]["text"]
    await tab.close()


async def test_emergency_booking_then_resume_after_reload(widget_server, db):
    tab = await WidgetClient.connect(widget_server)
    welcome = await tab.until("welcome")
    message, booking = "Hi, my furnace stopped working and it's freezing in here!", None
    for _ in range(12):
        frames = await tab.say(message)
        reply = frames[0]
        assert reply["type"] == "reply", reply
        booking = next((f["booking"] for f in frames if f["type"] == "booking"), booking)
        if booking:
            break
        message = answer(reply["text"], EMERGENCY)
        assert message, f"no answer for: {reply['text']}"
    assert booking, "no booking card"
    assert booking["service"] == "Heating & Cooling" and booking["technician"] in ("Mike Chen", "Ana Souza")
    assert booking["when"].startswith("Thu, Nov 6") and "123 Main" in booking["address"]
    await tab.close()

    # a reload: the same token, nothing shown yet -> the whole transcript and the card come back
    again = await WidgetClient.connect(widget_server, token=welcome["token"], after_seq=0)
    resumed = await again.until("welcome")
    assert resumed["conversation_id"] == welcome["conversation_id"]
    texts = [m["text"] for m in resumed["messages"]]
    assert texts[0].startswith("Hi, my furnace") and len(texts) >= 6
    assert (await again.until("booking"))["booking"]["ticket_code"] == booking["ticket_code"]
    followup = await again.say("Thanks! Is there anything I should do before the technician arrives?")
    assert followup[0]["type"] == "reply" and followup[0]["seq"] > resumed["messages"][-1]["seq"]
    await again.close()

    async with httpx.AsyncClient() as http:
        ics = await http.get(widget_server + booking["ics_url"])
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.content and b"America/Toronto" in ics.content
    async with admin_tx(db) as conn:
        assert await fetch_value(conn, "select count(*) from appointments where status = 'booked'") == 1
