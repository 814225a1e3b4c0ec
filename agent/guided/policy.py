"""The guided engine: a deterministic dialogue policy served as a pydantic-ai FunctionModel.

It runs through the same agent and tools as a language model: each call reads the customer's latest
words or the results of its own tool calls, fills slots, then either calls the next tool or asks one
question. Slots live in the conversation's state, so a turn can resume in any server process.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from pydantic import BaseModel
from pydantic_ai.messages import (ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart,
                                  UserPromptPart)
from pydantic_ai.models.function import AgentInfo, FunctionModel

from agent.guided import knowledge, nlu, replies
from agent.guided.account import AccountFlow
from agent.guided.listening import hear
from domain.phones import format_phone
from domain.tenants.safety import safety_text
from tools.deps import AgentDeps


def new_slots() -> dict[str, Any]:
    return {"awaiting": None, "needs": [], "urgency": None, "when": None, "address": None, "name": None,
            "phone": None, "identified": False, "known": None, "known_name": None, "address_on_file": None,
            "registered": False, "intent": None, "code_sent": False, "code": None, "info": None,
            "info_query": None, "human": False, "decline": False, "offer": None, "pick": None, "notes": [],
            "turn_calls": [], "booked_now": 0, "appointments": None, "target": None, "confirmed": False,
            "danger": False, "safety_given": False, "kb_question": None}


def as_dict(content: Any) -> dict[str, Any]:
    if isinstance(content, BaseModel):
        return content.model_dump(mode="json")
    if isinstance(content, str):
        try:
            return json.loads(content)
        except ValueError:
            return {"message": content}
    return dict(content) if isinstance(content, dict) else {}


class GuidedPolicy:
    """One turn's policy over the conversation's slots."""

    def __init__(self, deps: AgentDeps, vocabulary: list[nlu.Category]) -> None:
        self.deps = deps
        self.vocabulary = vocabulary
        self.account = AccountFlow(self)

    @property
    def g(self) -> dict[str, Any]:
        return self.deps.state.setdefault("guided", new_slots())

    async def __call__(self, messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        for part in messages[-1].parts:
            if isinstance(part, UserPromptPart):
                hear(self, part.content if isinstance(part.content, str) else " ".join(map(str, part.content)))
            elif isinstance(part, ToolReturnPart):
                self.learn(part.tool_name, as_dict(part.content))
        return ModelResponse(parts=[self.next_action()], model_name="guided")

    # -- acting ---------------------------------------------------------------------------------------

    def call(self, tool: str, **args: Any) -> ToolCallPart | TextPart:
        """Call a tool, unless the same call already ran this turn (then say what we have: no loops)."""
        signature = f"{tool}:{json.dumps(args, sort_keys=True)}"
        if signature in self.g["turn_calls"]:
            return self.say(replies.ANYTHING_ELSE)
        self.g["turn_calls"].append(signature)
        return ToolCallPart(tool, args, tool_call_id=f"g-{uuid.uuid4().hex[:12]}")

    def say(self, text: str = "", awaiting: str | None = None) -> TextPart:
        self.g["awaiting"] = awaiting
        safety = []
        if self.g.get("danger") and not self.g.get("safety_given"):
            self.g["safety_given"] = True
            safety = [safety_text(self.deps.tenant)]
        parts = [*safety, *self.g["notes"], text]
        self.g["notes"] = []
        reply = " ".join(p for p in parts if p).strip()
        return TextPart(replies.for_sms(reply) if self.deps.conversation.channel == "sms" else reply)

    def ask(self, key: str, **values: Any) -> TextPart:
        return self.say(replies.question(key, **values), awaiting=key)

    def next_action(self) -> ToolCallPart | TextPart:
        g = self.g
        if self.deps.conversation.handed_off:
            return self.say()
        if g["decline"]:
            g["decline"] = False
            return self.say(replies.DECLINE + " " + replies.question("need"), awaiting="need")
        if self.deps.verified and not g["identified"]:
            return self.call("identify_customer", phone=self.deps.conversation.phone)
        if g["info"]:
            return self.call("business_info", service=g["info_query"] if g["info"] == "prices" else None)
        if g.get("kb_question"):
            return self.call("search_knowledge_base", question=g["kb_question"],
                             record_gap=not knowledge.asks_for_a_visit(g["kb_question"]))
        if not (self.deps.conversation.phone or g["phone"]):
            return self._without_phone()
        # an unverified web caller learns nothing from a lookup: the phone rides on the request instead
        if not g["identified"] and (g["intent"] or g["human"]):
            return self.call("identify_customer", phone=g["phone"] or self.deps.conversation.phone)
        if g["human"]:
            return self.call("hand_off", reason="The customer asked for a person.")
        if g["intent"]:
            return self.account.step()
        return self._booking_step()

    def _without_phone(self) -> TextPart:
        g = self.g
        if g["urgency"] == "emergency" and not g["awaiting"]:
            g["notes"].append(replies.EMERGENCY)
        if g["human"] or g["needs"] or g["intent"]:
            return self.ask("phone")
        if g["notes"]:
            return self.ask("need")
        greeting = replies.GREETING.format(services=replies.services_text([c.name for c in self.vocabulary]))
        return self.say(greeting + " " + replies.question("need"), awaiting="need")

    def _booking_step(self) -> ToolCallPart | TextPart:
        g = self.g
        if not g["needs"]:
            if g["awaiting"] == "need":
                return self.ask("need_again", services=replies.services_text([c.name for c in self.vocabulary]))
            return self.ask("need")
        for need in g["needs"]:
            if need["ticket"] is None or need["dirty"]:
                return self.call("record_service_request", category=need["category"],
                                 description=need["description"][:500], urgency=g["urgency"] or "normal",
                                 preferred_time=g["when"], phone=g["phone"], address=g["address"])
        for need in g["needs"]:
            if not need["detailed"] and not need["asked"]:
                need["asked"] = True
                return self.ask("problem", category=need["label"])
        return self._details_step() or self._schedule_step()

    def _details_step(self) -> ToolCallPart | TextPart | None:
        g = self.g
        if not g["when"]:
            return self.ask("when")
        if not g["address"]:
            if self.deps.verified and g["address_on_file"]:
                return self.ask("address_confirm", address=g["address_on_file"])
            return self.ask("address")
        if not (g["name"] or g["known_name"]):
            return self.ask("name")
        on_file = self.deps.verified and g["known"] and g["address"] == g["address_on_file"]
        if not g["registered"] and not on_file:
            return self.call("register_customer", name=g["name"] or g["known_name"], address=g["address"])
        return None

    def _schedule_step(self) -> ToolCallPart | TextPart:
        g = self.g
        pending = [n for n in g["needs"] if not n["done"]]
        if not pending:
            return self.say("" if g["booked_now"] else replies.ANYTHING_ELSE)
        need = pending[0]
        if g["pick"]:
            return self.call("book_appointment", option_id=g["pick"])
        if not g["offer"] or g["offer"]["ticket"] != need["ticket"]:
            return self.call("find_appointment_options", ticket_code=need["ticket"], when=g["when"])
        several = len(g["needs"]) > 1
        return self.say(replies.offer_text(g["offer"], need["label"], several), awaiting="confirm")

    # -- learning from tool results -----------------------------------------------------------------

    def learn(self, tool: str, result: dict[str, Any]) -> None:
        handler = getattr(self, f"_learn_{tool}", None)
        if handler is not None:
            handler(result)
        else:
            self.account.learn(tool, result)

    def _learn_identify_customer(self, result: dict[str, Any]) -> None:
        g = self.g
        g["phone"] = None
        if result.get("error"):
            g["notes"].append(replies.BAD_PHONE)
            return
        g.update(identified=True, known=result.get("known_customer"), known_name=result.get("name"),
                 address_on_file=result.get("address_on_file"))
        if result.get("known_customer") and result.get("name"):
            greeting = f"Welcome back, {result['name'].split()[0]}!"
            if result.get("last_service"):
                greeting += f" Your last visit with us: {result['last_service']}."
            g["notes"].append(greeting)

    def _learn_record_service_request(self, result: dict[str, Any]) -> None:
        g = self.g
        g["phone"] = None
        if result.get("error") in ("INVALID_PHONE", "PHONE_REQUIRED"):
            g["notes"].append(replies.BAD_PHONE)
            return
        for need in g["needs"]:
            if need["ticket"] is None or need["dirty"]:
                if result.get("error"):
                    g["needs"].remove(need)
                    g["notes"].append(result.get("message") or "")
                else:
                    need.update(ticket=result["ticket_code"], dirty=False)
                return

    def _learn_register_customer(self, result: dict[str, Any]) -> None:
        if result.get("registered"):
            self.g["registered"] = True
        else:
            codes = ", ".join(n["ticket"] for n in self.g["needs"] if n["ticket"])
            self.g["notes"].append(f"I couldn't save your details just now, but your request {codes} is recorded.")

    def _learn_find_appointment_options(self, result: dict[str, Any]) -> None:
        g = self.g
        if result.get("options"):
            g["offer"] = {"ticket": result["ticket_code"], "ids": [o["option_id"] for o in result["options"]],
                          "labels": [o["start"] for o in result["options"]],
                          "technicians": [o["technician"] for o in result["options"]],
                          "matched": result.get("matched_request", True), "for": g.get("target")}
            return
        outside = result.get("error") == "OUTSIDE_SERVICE_AREA"
        for need in g["needs"]:
            if need["ticket"] == result.get("ticket_code"):
                need["done"] = True
                tenant = self.deps.tenant
                g["notes"].append(replies.OUTSIDE_AREA.format(
                    area=tenant.service_area or ", ".join(tenant.service_area_places), ticket=need["ticket"])
                    if outside else replies.NO_TIME.format(category=need["label"], ticket=need["ticket"]))

    def _learn_book_appointment(self, result: dict[str, Any]) -> None:
        g = self.g
        g["pick"] = None
        if result.get("booked"):
            g["offer"] = None
            g["booked_now"] += 1
            for need in g["needs"]:
                if need["ticket"] == result["ticket_code"]:
                    need["done"] = True
            g["notes"].append(replies.booked_text(result))
        elif result.get("options"):
            g["notes"].append(replies.TAKEN)
            self._learn_find_appointment_options({"ticket_code": g["offer"]["ticket"] if g["offer"] else None,
                                                  "options": result["options"]})
        else:
            g["offer"] = None

    def _learn_business_info(self, result: dict[str, Any]) -> None:
        g = self.g
        text = {"hours": replies.hours_text(result.get("hours", [])),
                "area": f"We serve {result.get('service_area') or 'the local area'}.",
                "prices": replies.prices_text(result.get("prices", []))}[g["info"]]
        g["notes"].append(text)
        g["info"] = None

    def _learn_search_knowledge_base(self, result: dict[str, Any]) -> None:
        quiet = knowledge.asks_for_a_visit(self.g["kb_question"] or "")
        self.g["notes"].append(knowledge.reply_for(result, quiet=quiet))
        self.g["kb_question"] = None

    def _learn_hand_off(self, result: dict[str, Any]) -> None:
        g = self.g
        g["human"] = False
        if result.get("handed_off"):
            g["notes"].append(replies.HANDED_OFF.format(phone=format_phone(self.deps.conversation.phone),
                                                        ticket=result["ticket_code"]))


def guided_model(deps: AgentDeps, vocabulary: list[nlu.Category]) -> FunctionModel:
    """The guided engine for one turn of one conversation."""
    return FunctionModel(GuidedPolicy(deps, vocabulary), model_name="guided")
