"""The booking agent: instructions from prompts/, the tools of tools/, deps of the conversation."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic_ai import Agent, RunContext, UsageLimits

from tools.account import cancel_appointment, list_my_appointments, reschedule_appointment, service_history
from tools.booking import book_appointment, find_appointment_options
from tools.customers import identify_customer, register_customer
from tools.deps import AgentDeps
from tools.info import business_info
from tools.knowledge import search_knowledge_base
from tools.requests import hand_off, record_service_request
from tools.verification import send_verification_code, verify_code

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"

TOOLS = [identify_customer, record_service_request, register_customer, find_appointment_options,
         book_appointment, list_my_appointments, cancel_appointment, reschedule_appointment, service_history,
         business_info, search_knowledge_base, send_verification_code, verify_code, hand_off]

# One customer message may take a handful of tool steps; anything beyond this is a loop or an attack.
TURN_LIMITS = UsageLimits(request_limit=8, tool_calls_limit=10, total_tokens_limit=60_000)


@cache
def prompt_text(name: str) -> str:
    return (PROMPTS / f"{name}.txt").read_text()


def instructions_for(deps: AgentDeps) -> str:
    """The instructions of one turn: the business, today's date in its timezone, the channel variant."""
    now = deps.now().astimezone(deps.tenant.tz)
    text = prompt_text("agent").format(business=deps.tenant.name, timezone=deps.tenant.timezone,
                                       today=f"{now:%A, %B} {now.day}, {now:%Y}")
    if deps.conversation.channel == "sms":
        text += "\n" + prompt_text("agent_sms")
    return text


def _instructions(ctx: RunContext[AgentDeps]) -> str:
    return instructions_for(ctx.deps)


@cache
def booking_agent() -> Agent[AgentDeps, str]:
    """The one agent; the model is chosen per run (local, remote fallback, or the guided engine)."""
    return Agent(deps_type=AgentDeps, instructions=_instructions, tools=TOOLS, retries=2,
                 name="fieldbook-booking")
