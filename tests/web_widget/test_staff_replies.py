"""A person answers the open widget: a staff reply is pushed over the websocket without the customer writing,
a private note never is, and the HTTP fallback's poll picks the reply up too."""

from __future__ import annotations

import asyncio

import httpx

import fieldbook.demo
from tests.web_widget.conftest import SITE, WidgetClient

API = {"Authorization": f"Bearer {fieldbook.demo.API_KEY}"}
WIDGET = {"X-Widget-Key": fieldbook.demo.WIDGET_KEY, "Origin": SITE}


async def test_staff_reply_reaches_the_open_widget_live(widget_server):
    tab = await WidgetClient.connect(widget_server)
    welcome = await tab.until("welcome")
    conversation = welcome["conversation_id"]
    await tab.say("I want to talk to a person")
    handed = await tab.say("416-555-0142")
    assert "call you back" in handed[0]["text"]
    async with httpx.AsyncClient(base_url=widget_server, headers=API) as api:
        url = f"/api/v1/conversations/{conversation}"
        assert (await api.get("/api/v1/conversations", params={"state": "needs_staff"})).json()["data"][0]["id"] \
            == conversation
        assert (await api.post(f"{url}/messages", json={"content": "Internal: VIP", "private": True})).status_code == 201
        assert (await api.post(f"{url}/messages", json={"content": "Hi! Jamie here."})).status_code == 201
        pushed = await asyncio.wait_for(tab.until("reply"), 10)   # no customer message in between
        assert (pushed["role"], pushed["text"]) == ("staff", "Hi! Jamie here.")
        assert not any("VIP" in str(frame) for frame in tab.frames)

        async with httpx.AsyncClient(base_url=widget_server, headers=WIDGET) as widget:
            polled = await widget.get(f"/api/v1/ai-agent/chat/{conversation}/messages",
                                      params={"after_seq": pushed["seq"] - 1})
            assert polled.json()["messages"] == [{"seq": pushed["seq"], "role": "staff", "text": "Hi! Jamie here."}]
            everything = (await widget.get(f"/api/v1/ai-agent/chat/{conversation}/messages")).json()["messages"]
            assert "VIP" not in str(everything) and everything[-1]["role"] == "staff"

        # while staff have it, the customer's answer to a person gets no automatic line; then hand back
        await tab.send({"type": "message", "text": "Thanks Jamie"})
        assert (await tab.until("done"))["type"] == "done"
        assert (await api.post(f"{url}/hand-back")).json()["state"] == "agent"
    again = await tab.say("What are your hours?")
    assert again[0]["role"] == "agent" and "Monday to Friday" in again[0]["text"]   # the agent, not the ack
    await tab.close()
