from __future__ import annotations

from collections import Counter
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from tests.live import free_port


class CountingHandler:
    """A real SMTP server's handler that counts each message by its Fieldbook message id."""

    def __init__(self) -> None:
        self.received: Counter = Counter()
        self.bodies: dict[str, bytes] = {}

    async def handle_DATA(self, server, session, envelope):
        email = message_from_bytes(envelope.content)
        message_id = email["X-Fieldbook-Message-Id"]
        self.received[message_id] += 1
        self.bodies[message_id] = envelope.content
        return "250 OK"


@pytest.fixture
def smtp_server():
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()
