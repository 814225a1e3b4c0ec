"""Carrier keywords (STOP/START/HELP), handled before the agent and never shown to a model."""

from __future__ import annotations

import re
from typing import Literal

Keyword = Literal["stop", "start", "help"]

# Twilio's standard opt-out, opt-in and help keywords; only a message that is exactly the word counts
# ("cancel my appointment" is a request for the agent, "CANCEL" alone is an opt-out).
KEYWORDS: dict[str, Keyword] = {
    **dict.fromkeys(["stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"], "stop"),
    **dict.fromkeys(["start", "unstop", "yes"], "start"),
    **dict.fromkeys(["help", "info"], "help"),
}


def classify(body: str) -> Keyword | None:
    word = re.sub(r"[^a-z]", "", (body or "").strip().lower())
    if not word or len(word) > 12:
        return None
    # "yes" is an opt-in only for an opted-out number; elsewhere it answers the agent
    return KEYWORDS.get(word)
