"""Fixtures for agent tests: the demo tenant, and a customer player that answers from a case profile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from pydantic_ai import models

import fieldbook.demo
from fieldbook.bench.customer import answer

# Agent tests never reach a real model.
models.ALLOW_MODEL_REQUESTS = False

# ../shared sits beside the checkout (as in CI); the samples are required, never silently skipped
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "conversations" / "samples.json"
OWN_CASES = Path(__file__).parent / "conversations"
WIDGET = {"X-Widget-Key": fieldbook.demo.WIDGET_KEY}
TURN_LIMIT = 12


def load_cases() -> list[dict[str, Any]]:
    """The shared samples (when this checkout sits beside ../shared) and our own cases."""
    if not SAMPLES.exists():
        raise FileNotFoundError(f"{SAMPLES} is missing: the shared folder must sit beside this checkout")
    cases = json.loads(SAMPLES.read_text())
    for path in sorted(OWN_CASES.glob("*.json")):
        data = json.loads(path.read_text())
        cases.extend(data if isinstance(data, list) else [data])
    return cases


@pytest.fixture
async def demo(db):
    return await fieldbook.demo.seed_demo(db, allowed_origins=["http://testserver"])


class Transcript:
    """Who said what, and the conversation it happened in."""

    def __init__(self) -> None:
        self.conversation_id: UUID | None = None
        self.lines: list[tuple[str, str]] = []
        self.service_request: dict[str, Any] | None = None

    @property
    def replies(self) -> list[str]:
        return [text for who, text in self.lines if who == "agent"]

    def __str__(self) -> str:
        return "\n".join(f"{who:>8}: {text}" for who, text in self.lines)


async def play(case: dict[str, Any], say) -> Transcript:
    """Send the opening, then answer each question from the profile until booked or out of answers."""
    transcript = Transcript()
    message: str | None = case["opening"]
    for _ in range(TURN_LIMIT):
        transcript.lines.append(("customer", message))
        reply_text, request = await say(transcript, message)
        transcript.lines.append(("agent", reply_text))
        transcript.service_request = request or transcript.service_request
        bookings = (request or {}).get("bookings", 0)
        if request and bookings >= case.get("expect", {}).get("min_bookings", 1) and "?" not in reply_text:
            break
        message = answer(reply_text, case.get("profile", {}))
        if not message:
            break
    return transcript
