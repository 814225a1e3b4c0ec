from __future__ import annotations

import asyncio
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import websockets

import fieldbook.demo
from domain.clock import Clock
from domain.db import Database
from fieldbook.app import create_app
from fieldbook.settings import load_settings
from tests.live import free_port, serving

SITE = "https://maple-leaf-home.example"


@pytest.fixture
async def widget_server(database, db, tmp_path):
    """The app on a real port; the demo tenant's widget is allowed on SITE and on the server itself."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    await fieldbook.demo.seed_demo(db, allowed_origins=[SITE, base])
    settings = load_settings(secret_key="widget-secret-" + "x" * 40, fieldbook_data_dir=tmp_path,
                             public_base_url=base, jobs_enabled=False)
    app = create_app(settings, Database(database.app, database.admin, app_role=database.app_role, max_size=6),
                     Clock(datetime(2025, 11, 6, 9, 30, tzinfo=ZoneInfo("America/Toronto"))))
    with serving(app, port):
        yield base


def ws_url(base: str, key: str = fieldbook.demo.WIDGET_KEY) -> str:
    return base.replace("http://", "ws://") + f"/widget/ws?key={key}"


class WidgetClient:
    """A scripted browser tab: hello, then messages; collects every frame it receives."""

    def __init__(self, socket) -> None:
        self.socket = socket
        self.frames: list[dict] = []

    @classmethod
    async def connect(cls, base: str, *, origin: str = SITE, token: str | None = None, after_seq: int = 0,
                      conversation_id: str | None = None):
        socket = await websockets.connect(ws_url(base), origin=origin)
        client = cls(socket)
        await client.send({"type": "hello", "token": token, "after_seq": after_seq,
                            **({"conversation_id": conversation_id} if conversation_id else {})})
        return client

    async def send(self, frame: dict) -> None:
        await self.socket.send(json.dumps(frame))

    async def receive(self) -> dict:
        frame = json.loads(await self.socket.recv())
        self.frames.append(frame)
        return frame

    async def until(self, *types: str) -> dict:
        while True:
            frame = await self.receive()
            if frame["type"] in types:
                return frame

    async def say(self, text: str) -> list[dict]:
        """Sends a message; returns the reply frames (and any booking card) of that turn."""
        await self.send({"type": "message", "text": text})
        got = [await self.until("reply", "error")]
        try:
            while True:   # a booking card, if any, follows the reply at once
                got.append(await asyncio.wait_for(self.receive(), 0.5))
        except TimeoutError:
            pass
        return got

    async def close(self) -> None:
        await self.socket.close()
