"""The guided engine's knowledge-base hook: information questions answered from published articles.

One point of contact with the dialogue policy: `question_in` decides, while a message is heard, that it
is an information question no other flow answers (then it is not taken as the answer to what the engine
asked, which is asked again after); the policy calls the search_knowledge_base tool, and `reply_for`
turns its result into words that quote the article (or honestly say we don't know).
"""

from __future__ import annotations

import re
from typing import Any

from agent.guided import nlu

# Intents that answer a question by themselves (hours, prices, area, the customer's account, a person).
HANDLED_ELSEWHERE = {"decline", "human", "hours", "prices", "area", "cancel", "reschedule", "appointments", "history",
                     "equipment"}
QUESTION_START = re.compile(r"^\W*(what|what's|whats|how|do|does|did|is|are|can|could|will|would|should|which|why|"
                            r"where|who|when|may|have|has|tell me (about|more)|explain|i'?d like to know|"
                            r"i (want|wanted|would like) to know|i was wondering|wondering|info(rmation)? (about|on))\b",
                            re.I)
# Our questions whose answers may start like a question; during these only a "?" makes one.
ANSWERING = {"phone", "when", "move_when", "address", "address_confirm", "name", "code", "confirm",
             "cancel_confirm", "pick_appointment"}

# A question that asks for a visit ("can someone come fix my furnace?") is a booking: an article may still
# answer part of it, but no article is no gap, and the booking flow carries on without an "I don't know".
VISIT_WORDS = re.compile(r"\b(fix|repair|come|send|book|schedule|appointment|technician|someone|somebody|broken|"
                         r"not working|stopped working|won'?t|leak|leaking|clogged|emergency|asap)\b", re.I)

NOT_FOUND = ("I'm sorry, I don't have an answer to that in our information, so I won't guess. "
             "I've passed your question to our team.")


def question_in(text: str, intents: set[str], awaiting: str | None, region: str) -> str | None:
    """The message as a knowledge question, or None when it is something else (a booking detail, an answer)."""
    stripped = text.strip()
    if not (stripped.endswith("?") or QUESTION_START.search(stripped)):
        return None
    if intents & HANDLED_ELSEWHERE or awaiting == "code":
        return None
    # while we wait for an answer, only a real question mark interrupts ("what's the cost?" does, "what ever")
    if awaiting in ANSWERING and not stripped.endswith("?"):
        return None
    if nlu.phone_in(text, region) or nlu.address_in(text):
        return None
    if nlu.has_time_words(text) or nlu.yes_no(text) is not None:
        return None
    return stripped[:300]


def asks_for_a_visit(text: str) -> bool:
    return VISIT_WORDS.search(text) is not None


def reply_for(result: dict[str, Any], *, quiet: bool) -> str:
    """The article's own words, named; or an honest 'I don't know' (nothing when the question was a booking)."""
    if result.get("found") and result.get("quote"):
        return f"From our article \u201c{result['article']}\u201d: {result['quote']}"
    return "" if quiet else NOT_FOUND
