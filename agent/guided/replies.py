"""What the guided engine says. Every time, price and name in these comes from a tool result."""

from __future__ import annotations

import re
from typing import Any

QUESTIONS = {
    "need": "What can we help you with today?",
    "need_again": "Which kind of service do you need: {services}?",
    "phone": "Can I get your phone number, please?",
    "problem": "Can you describe the {category} issue?",
    "when": "When would you like a technician to come?",
    "address": "What's the address where we should send the technician?",
    "address_confirm": "Same address, {address}, correct?",
    "name": "And what name should I put the booking under?",
    "code": "Please type the 6-digit code here.",
    "pick_appointment": "Which appointment do you mean? {choices}",
    "cancel_confirm": "Cancel your {category} visit with {technician} on {start}? (yes/no)",
    "move_when": "When would you like to move it to?",
}

GREETING = "Hi! I can book a technician for {services}, and answer questions about our hours and prices."
DECLINE = "Sorry, I can't help with that. I can book a service visit, or answer questions about our hours, " \
          "service area and prices."
BAD_PHONE = "That doesn't look like a complete phone number; please include the area code."
VERIFY_FIRST = "For your privacy, I can only share or change account details once you confirm this number. " \
               "I've just texted a 6-digit code to {phone}."
NO_TIME = "I couldn't find free time soon for the {category} request, so I've kept it as {ticket} and our " \
          "team will call you to arrange a time."
HANDED_OFF = "I've asked a member of our team to call you back at {phone} (reference {ticket}). They'll take " \
             "it from here."
TAKEN = "Sorry, that time was just taken."
OUTSIDE_AREA = "I'm sorry, that address is outside the area we serve ({area}), so I can't book a visit there. " \
               "I've kept your request as {ticket} in case our team can suggest someone."
EMERGENCY = "I'm sorry to hear that! Let's get someone out to you right away."
ANYTHING_ELSE = "Is there anything else I can help you with?"


def services_text(names: list[str]) -> str:
    """The business's categories as a customer reads them: "heating and cooling, plumbing or electrical"
    (each business has its own: a pool company's greeting names pools, not furnaces)."""
    words = [" ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in n.replace("&", "and").split())
             for n in names] or ["service visits"]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def question(key: str, **values: Any) -> str:
    return QUESTIONS[key].format(**values)


def offer_text(offer: dict[str, Any], category: str, several: bool) -> str:
    """One option as a yes/no question; several as a list numbered from 1, the first one proposed.

    Every option carries its number, so a reply of "2" (or a tapped button) is never ambiguous, on SMS too.
    """
    labels, techs = offer["labels"], offer["technicians"]
    lead = "" if offer.get("matched", True) else "Nothing was free at that time; the nearest I have: "
    subject = f" for the {category} visit" if several else ""
    if len(labels) == 1:
        return f"{lead}{techs[0]} can come {labels[0]}{subject}. Shall I book that?"
    lines = "\n".join(f"{i}) {techs[i - 1]}, {labels[i - 1]}" for i in range(1, len(labels) + 1))
    intro = "Nothing was free at that time; the nearest times I have" if lead else "These times are free"
    return (f"{intro}{subject}:\n{lines}\n"
            f"Shall I book the first one? Reply yes, or the number of another time.")


def booked_text(result: dict[str, Any]) -> str:
    text = f"Booked: {result['technician']} will be there {result['start']}"
    text += f" at {result['address']}." if result.get("address") else "."
    text += f" Your reference is {result['ticket_code']}."
    if result.get("confirmation_sms"):
        text += " You'll get a confirmation text shortly."
    return text


def hours_text(hours: list[str]) -> str:
    open_days = [h for h in hours if not h.endswith("closed")]
    if not open_days:
        return "We don't have set opening hours."
    spans = {h.split(": ", 1)[1] for h in open_days}
    if len(spans) == 1:
        first, last = open_days[0].split(":")[0], open_days[-1].split(":")[0]
        return f"We're open {first} to {last}, {spans.pop().replace('-', ' to ')}."
    return "Our hours: " + "; ".join(open_days) + "."


def prices_text(prices: list[dict[str, str]]) -> str:
    if not prices:
        return "I don't have a listed price for that; the technician quotes on site."
    return "Our prices: " + "; ".join(f"{p['service']}: {p['price']}" for p in prices[:6]) + "."


def for_sms(text: str) -> str:
    """Shorter dates for a text message: 'Thursday, November 6 at 9:45 AM' -> 'Thu Nov 6, 9:45 AM'."""
    return re.sub(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*day, (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* "
                  r"(\d{1,2}) at ", r"\1 \2 \3, ", text)
