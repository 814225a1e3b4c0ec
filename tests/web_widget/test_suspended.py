"""A suspended business's widget socket answers that the service is unavailable, and works again on resume."""

from __future__ import annotations

import json

import websockets

from domain.db import admin_tx
from tests.web_widget.conftest import SITE, WidgetClient, ws_url


async def test_suspended_widget_says_unavailable(widget_server, db):
    async with admin_tx(db) as conn:
        await conn.execute("update tenants set suspended_at = now() where slug = 'demo'")
    async with websockets.connect(ws_url(widget_server), origin=SITE) as socket:
        frame = json.loads(await socket.recv())
    assert (frame["type"], frame["code"]) == ("error", "SERVICE_UNAVAILABLE")
    async with admin_tx(db) as conn:
        await conn.execute("update tenants set suspended_at = null where slug = 'demo'")
    tab = await WidgetClient.connect(widget_server)
    assert (await tab.until("welcome", "error"))["type"] == "welcome"
    await tab.close()
