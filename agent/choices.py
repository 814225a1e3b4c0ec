"""Quick replies: the choices a reply offers, as tappable buttons (`[{"label", "value"}]`).

Worked out after the turn from what the tools left in the conversation (the options on the table) and
from the question the reply ends with, so the guided engine and a language model get the same buttons
without either of them writing structure. Every value is something the customer could have typed: a
tapped button is sent as an ordinary message and goes through the same dialogue as typed text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from agent.guided.replies import QUESTIONS
from domain.tenants.models import Tenant

MAX_CHOICES = 6
TALK_TO_A_PERSON = "Talk to a person"


class QuickReply(BaseModel):
    label: str     # what the button says
    value: str     # what is sent when it is tapped (the customer could type the same)


def starting_choices() -> list[QuickReply]:
    """What a customer can tap before writing anything: the panel's opening choices."""
    return [QuickReply(label="Book a visit", value="I'd like to book a service visit"),
            QuickReply(label="It's an emergency", value="It's an emergency, I need someone right away"),
            QuickReply(label="Opening hours", value="What are your opening hours?"),
            QuickReply(label=TALK_TO_A_PERSON, value="Can I talk to a person?")]


def quick_replies(*, text: str, state: dict[str, Any], tenant: Tenant, categories: list[str]) -> list[QuickReply]:
    """The choices the reply `text` offers, or [] when it asks for something only typing can give."""
    if not text:
        return []
    offered = offer_choices(text, state, tenant)
    if offered:
        return offered
    last = _last_sentence(text)
    if last.endswith("(yes/no)") or last.endswith("correct?"):
        return [QuickReply(label="Yes", value="Yes"), QuickReply(label="No", value="No")]
    if text.rstrip().endswith(QUESTIONS["need"]) or QUESTIONS["need_again"].split("{")[0] in text:
        services = [QuickReply(label=name, value=name) for name in categories[:MAX_CHOICES - 1]]
        return services + [QuickReply(label=TALK_TO_A_PERSON, value="Can I talk to a person?")]
    return []


def offer_choices(text: str, state: dict[str, Any], tenant: Tenant) -> list[QuickReply]:
    """One button per appointment option on the table, numbered as the reply numbers them.

    Only when the reply itself presents the options (it names their technicians): options can stay on
    the table while the reply is about something else, and a button should never offer what was not said.
    """
    items = sorted((state.get("options") or {}).get("items", {}).items())
    if not items or not any(item["technician"] in text for _, item in items):
        return []
    choices = []
    for number, (_, item) in enumerate(items[:MAX_CHOICES], start=1):
        when = time_range(datetime.fromisoformat(item["start"]), datetime.fromisoformat(item["end"]), tenant)
        choices.append(QuickReply(label=f"{item['technician']} · {when}",
                                  value=f"{number}) {item['technician']}, {when}"))
    return choices


def time_range(start: datetime, end: datetime, tenant: Tenant) -> str:
    """'Thu, Nov 6, 2:00–4:00 PM EST' in the business's timezone, with its zone."""
    s, e = start.astimezone(tenant.tz), end.astimezone(tenant.tz)
    day = f"{s:%a}, {s:%b} {s.day}"
    if s.date() != e.date():
        return f"{day}, {clock(s)} – {e:%a} {clock(e)} {e.tzname()}"
    if (s.hour < 12) == (e.hour < 12):   # one AM/PM for both ends: "2:00–4:00 PM"
        return f"{day}, {clock(s, meridiem=False)}–{clock(e)} {s.tzname()}"
    return f"{day}, {clock(s)} – {clock(e)} {s.tzname()}"


def clock(value: datetime, *, meridiem: bool = True) -> str:
    text = f"{value.hour % 12 or 12}:{value:%M}"
    return f"{text} {'AM' if value.hour < 12 else 'PM'}" if meridiem else text


def _last_sentence(text: str) -> str:
    return text.rstrip().rsplit("\n", 1)[-1].strip()
