"""Turning one customer message into slots: first as the answer to our question, then what they volunteered."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from agent.guided import knowledge, nlu
from agent.guided.replies import BAD_PHONE
from tools.when import resolve_when

if TYPE_CHECKING:
    from agent.guided.policy import GuidedPolicy

ACCOUNT_INTENTS = ("cancel", "reschedule", "history", "equipment", "appointments")


def hear(policy: GuidedPolicy, text: str) -> None:
    """Update the slots from what the customer just wrote."""
    g = policy.g
    g["notes"], g["turn_calls"], g["booked_now"] = [], [], 0
    awaiting, g["awaiting"] = g["awaiting"], None
    intents = nlu.intents_in(text)
    if "decline" in intents:
        g["decline"] = True
        return
    _intents(g, intents, text, awaiting)
    g["kb_question"] = knowledge.question_in(text, intents, awaiting, policy.deps.tenant.phone_region)
    if not g["kb_question"]:
        _answer(policy, awaiting, text)
    needs_before = len(g["needs"])
    _volunteered(policy, text, awaiting)
    if (awaiting in (None, "need") and not intents and not g["kb_question"] and len(g["needs"]) == needs_before
            and nlu.off_topic(text)):
        g["decline"] = True


def _intents(g: dict[str, Any], intents: set[str], text: str, awaiting: str | None) -> None:
    g["human"] = g["human"] or "human" in intents
    for info in ("prices", "hours", "area"):
        # "area" and "hours" words also appear in answers (an address, a time), so only outside them
        if info in intents and (info == "prices" or awaiting not in ("address", "when", "address_confirm", "confirm")):
            g["info"], g["info_query"] = info, text[:200]
            break
    account = next((i for i in ACCOUNT_INTENTS if i in intents), None)
    if account and awaiting not in ("confirm", "cancel_confirm"):
        g.update(intent=account, appointments=None, target=None, confirmed=False, offer=None)


def _answer(policy: GuidedPolicy, awaiting: str | None, text: str) -> None:
    """The message as the answer to the question we asked last."""
    g = policy.g
    region = policy.deps.tenant.phone_region
    if awaiting == "phone" and not nlu.phone_in(text, region):
        g["notes"].append(BAD_PHONE)
    elif awaiting == "problem":
        describe(policy, text)
    elif awaiting in ("when", "move_when"):
        g["when"] = text[:200]
        if not g["urgency"]:
            escalate(g, nlu.urgency_of(text))
        g["offer"] = None
    elif awaiting == "address":
        g["address"] = nlu.clean_address(text)
    elif awaiting == "address_confirm":
        _address_confirm(g, text)
    elif awaiting == "name":
        g["name"] = nlu.name_in(text, asked=True)
    elif awaiting == "confirm":
        answer_offer(g, text, policy)
    elif awaiting == "code":
        g["code"] = nlu.code_in(text)
    elif awaiting in ("pick_appointment", "cancel_confirm"):
        policy.account.hear(awaiting, text)


def escalate(g: dict[str, Any], urgency: str | None) -> None:
    """A new urgency; tickets already recorded are updated with it before any time is searched."""
    if urgency is None or urgency == g["urgency"]:
        return
    g["urgency"] = urgency
    for need in g["needs"]:
        if need["ticket"] is not None and not need["done"]:
            need["dirty"] = True


def _address_confirm(g: dict[str, Any], text: str) -> None:
    answer = nlu.yes_no(text)
    written = nlu.address_in(text)
    if written:
        g["address"] = written
    elif answer:
        g["address"] = g["address_on_file"]
    else:
        g["address_on_file"] = None     # ask for the new address next


def answer_offer(g: dict[str, Any], text: str, policy: GuidedPolicy) -> None:
    """Yes, a number, a day-and-time among the offered ones, or a new time to search."""
    offer = g["offer"] or {"ids": [], "labels": []}
    index = nlu.choice_in(text, offer["labels"])
    answer = nlu.yes_no(text)
    now, tz = policy.deps.now(), policy.deps.tenant.tz
    if index is not None:
        g["pick"] = offer["ids"][index]
    elif answer is True:
        g["pick"] = offer["ids"][0] if offer["ids"] else None
    elif nlu.has_time_words(text) and resolve_when(text, now=now, tz=tz):
        g["when"], g["offer"] = text[:200], None
    elif answer is False:
        g["when"], g["offer"] = None, None
        g["notes"].append("No problem.")
    else:
        g["notes"].append("Sorry, I didn't catch which time you'd like.")


def describe(policy: GuidedPolicy, text: str) -> None:
    """Give each need the part of the answer that talks about it (one answer may cover two needs)."""
    clauses = [c.strip() for c in re.split(r"[;.\n]|\band (?:also )?(?:i )?need\b", text) if c.strip()]
    for need in policy.g["needs"]:
        mine = [c for c in clauses if need["category"] in {k for k, _ in nlu.categories_in(c, policy.vocabulary)}]
        need.update(description=" ".join(mine) or text, detailed=True, dirty=need["ticket"] is not None)


def _volunteered(policy: GuidedPolicy, text: str, awaiting: str | None) -> None:
    """Whatever else the message says: a phone, needs, urgency, a time, an address, a name."""
    g = policy.g
    deps = policy.deps
    phone = nlu.phone_in(text, deps.tenant.phone_region)
    if phone and not deps.verified and phone != deps.conversation.phone:
        g.update(phone=phone, identified=False)
    if awaiting != "problem" and g["intent"] != "equipment":     # "how old is my furnace?" books nothing
        _needs(policy, text)
    urgency = nlu.urgency_of(text)
    if urgency and (g["urgency"] is None or urgency == "emergency"):
        escalate(g, urgency)
    if nlu.danger_in(text):
        g["danger"] = True
    if not g["when"] and awaiting not in ("when", "confirm", "move_when") and nlu.has_time_words(text):
        window = resolve_when(text, now=deps.now(), tz=deps.tenant.tz)
        if window and window.specific:
            g["when"] = text[:200]
    if not g["address"] and awaiting not in ("address", "address_confirm"):
        g["address"] = nlu.address_in(text)
    if not g["name"] and awaiting != "name":
        g["name"] = nlu.name_in(text, asked=False)


def _needs(policy: GuidedPolicy, text: str) -> None:
    g = policy.g
    for key, specific in nlu.categories_in(text, policy.vocabulary):
        need = next((n for n in g["needs"] if n["category"] == key and not n["done"]), None)
        if need is None:
            label = key if key.isupper() else key.lower()
            g["needs"].append({"category": key, "label": label, "description": text[:500],
                               "detailed": specific, "asked": False, "ticket": None, "dirty": False,
                               "done": False})
        elif specific and not need["detailed"]:
            need.update(description=text[:500], detailed=True, dirty=need["ticket"] is not None)
