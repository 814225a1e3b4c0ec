"""The guided engine's account flows: verify the number, then list, cancel or move appointments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent.guided import nlu, replies
from domain.phones import format_phone

if TYPE_CHECKING:
    from pydantic_ai.messages import TextPart, ToolCallPart

    from agent.guided.policy import GuidedPolicy


def _appliance(e: dict[str, Any]) -> str:
    """"Lennox furnace ML180, installed 2012, basement": what the records say, nothing more."""
    name = " ".join(p for p in (e.get("make"), e["type"], e.get("model")) if p)
    details = [f"installed {e['install_year']}" if e.get("install_year") else None, e.get("location"),
               f"warranty to {e['warranty_end']}" if e.get("warranty_end") else None]
    return ", ".join([name] + [d for d in details if d])


class AccountFlow:
    """Steps for a customer asking about their own appointments: never before the phone is verified."""

    def __init__(self, policy: GuidedPolicy) -> None:
        self.policy = policy

    @property
    def g(self) -> dict[str, Any]:
        return self.policy.g

    def step(self) -> ToolCallPart | TextPart:
        p, g = self.policy, self.g
        if not p.deps.verified:
            if g["code"]:
                code, g["code"] = g["code"], None
                return p.call("verify_code", code=code)
            if not g["code_sent"]:
                return p.call("send_verification_code")
            return p.ask("code")
        if g["intent"] in ("history", "equipment"):     # the history carries the equipment on record
            return p.call("service_history")
        if g["appointments"] is None:
            return p.call("list_my_appointments")
        if not g["appointments"]:
            g["intent"] = None
            return p.say("I don't see any upcoming appointments for this number. " + replies.ANYTHING_ELSE)
        if g["intent"] == "appointments":
            g["intent"] = None
            return p.say(self._listing() + " " + replies.ANYTHING_ELSE)
        return self._change_step()

    def _listing(self) -> str:
        items = [f"{a['category']} with {a['technician']} on {a['start']} ({a['ticket_code']})"
                 for a in self.g["appointments"]]
        return "Your upcoming appointments: " + "; ".join(items) + "."

    def _target(self) -> dict[str, Any] | None:
        return next((a for a in self.g["appointments"] if a["ref"] == self.g["target"]), None)

    def _change_step(self) -> ToolCallPart | TextPart:
        p, g = self.policy, self.g
        if g["target"] is None and len(g["appointments"]) == 1:
            g["target"] = g["appointments"][0]["ref"]
        target = self._target()
        if target is None:
            choices = "; ".join(f"{i}) {a['category']} on {a['start']}" for i, a in enumerate(g["appointments"], 1))
            return p.ask("pick_appointment", choices=choices)
        if g["intent"] == "cancel":
            if not g["confirmed"]:
                return p.ask("cancel_confirm", category=target["category"], technician=target["technician"],
                             start=target["start"])
            return p.call("cancel_appointment", ref=target["ref"])
        if not g["when"]:
            return p.ask("move_when")
        if g["pick"]:
            return p.call("reschedule_appointment", ref=target["ref"], option_id=g["pick"])
        if not g["offer"] or g["offer"]["ticket"] != target["ticket_code"]:
            return p.call("find_appointment_options", ticket_code=target["ticket_code"], when=g["when"])
        return p.say(replies.offer_text(g["offer"], target["category"], False), awaiting="confirm")

    def hear(self, awaiting: str, text: str) -> None:
        g = self.g
        if awaiting == "pick_appointment":
            labels = [f"{a['category']} {a['start']}" for a in g["appointments"] or []]
            index = nlu.choice_in(text, labels)
            g["target"] = g["appointments"][index]["ref"] if index is not None else None
        elif awaiting == "cancel_confirm":
            if nlu.yes_no(text):
                g["confirmed"] = True
            else:
                g["intent"] = None
                g["notes"].append("Okay, I've left it as it is.")

    def learn(self, tool: str, result: dict[str, Any]) -> None:
        g, deps = self.g, self.policy.deps
        if tool == "send_verification_code":
            if result.get("sent"):
                g["code_sent"] = True
                g["notes"].append(replies.VERIFY_FIRST.format(phone=format_phone(deps.conversation.phone)))
            elif result.get("error"):
                g["notes"].append(result.get("message") or "")
                g["intent"] = None
        elif tool == "verify_code":
            if result.get("verified"):
                g["notes"].append("Thanks, your number is verified.")
            else:
                g["notes"].append(result.get("message") or "")
                if result.get("error") in ("CODE_EXPIRED", "CODE_LOCKED", "CODE_NONE"):
                    g["code_sent"] = False
        elif tool == "list_my_appointments":
            g["appointments"] = result.get("appointments", [])
        elif tool == "service_history":
            self._learn_history(result)
        else:
            self._learn_change(tool, result)

    def _learn_history(self, result: dict[str, Any]) -> None:
        """The requests, or (asked about them) the appliances; the equipment goes with the requests too."""
        g = self.g
        items, equipment = result.get("items", []), result.get("equipment", [])
        asked_equipment, g["intent"] = g["intent"] == "equipment", None
        if not asked_equipment:
            g["notes"].append("Your recent requests: " + "; ".join(
                f"{i['title'] or i['category']} ({i['status']}, {i['date']})" for i in items) + "." if items
                else "I don't see any past requests for this number.")
        if equipment:
            g["notes"].append("Equipment on record: " + "; ".join(map(_appliance, equipment)) + ".")
        elif asked_equipment:
            g["notes"].append("I don't see any equipment on record for this number.")

    def _learn_change(self, tool: str, result: dict[str, Any]) -> None:
        g = self.g
        if tool == "cancel_appointment":
            g["notes"].append(f"Done: your visit on {result['start']} is cancelled." if not result.get("error")
                              else result.get("message") or "")
        elif tool == "reschedule_appointment":
            g["pick"] = None
            if result.get("booked"):
                g["notes"].append(f"Done: {result['technician']} will now come {result['start']}.")
            elif result.get("options"):
                g["notes"].append(replies.TAKEN)
                g["offer"] = None
                return
            else:
                g["notes"].append(result.get("message") or "")
        g.update(intent=None, appointments=None, target=None, confirmed=False, offer=None, when=None)
