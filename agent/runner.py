"""One customer turn: load the conversation, run the agent with the routed model, store what happened."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from opentelemetry import metrics, trace
from pydantic_ai.exceptions import AgentRunError, FallbackExceptionGroup, UsageLimitExceeded
from pydantic_ai.models import Model
from pydantic_ai.messages import ModelMessage, ModelMessagesTypeAdapter, ModelRequest, UserPromptPart

from agent.agent import TURN_LIMITS, booking_agent
from agent.choices import QuickReply, quick_replies
from agent.guided.nlu import Category
from agent.guided.policy import guided_model
from agent.routing import Routing
from agent.service_request import service_request_of
from domain.categories.service import list_categories
from domain.clock import Clock
from domain.conversations import service as conversations
from domain.conversations.models import Channel, Conversation
from domain.conversations.turns import one_turn_at_a_time
from domain.db import Database, tenant_tx
from domain.inbox.service import settle_staff_flag
from domain.inbox.waiting import waiting_reply
from domain.live import Notifier, conversation_changed
from domain.tenants.models import Tenant
from tools.deps import AgentDeps

log = logging.getLogger(__name__)
tracer = trace.get_tracer("fieldbook.agent")
meter = metrics.get_meter("fieldbook.agent")
turns = meter.create_counter("fieldbook.agent.turns", unit="{turn}", description="Agent turns by engine")
turn_seconds = meter.create_histogram("fieldbook.agent.duration", unit="s", description="Agent turn time")
tool_calls = meter.create_counter("fieldbook.agent.tool_calls", unit="{call}", description="Tool calls by tool")

MAX_MESSAGE_CHARS = 2000
HISTORY_KEEP = 60           # model messages kept between turns (older ones are dropped whole turns at a time)
SORRY = "Sorry, something went wrong on our side. Your request is saved; please try again in a moment."


@dataclass
class Reply:
    conversation_id: UUID
    text: str
    service_request: dict[str, Any] | None
    engine: str
    tool_calls: list[str] = field(default_factory=list)
    model_requests: int = 0
    quick_replies: list[QuickReply] = field(default_factory=list)   # the choices the text offers, as buttons


class AgentRunner:
    """Runs turns for every tenant; one turn at a time per conversation, across processes."""

    def __init__(self, db: Database, clock: Clock, routing: Routing, secret: bytes,
                 live: Notifier | None = None) -> None:
        self.db, self.clock, self.routing, self.secret = db, clock, routing, secret
        self.live = live   # told after every turn, so the staff inbox and the widget refresh

    @property
    def engine(self) -> str:
        return self.routing.engine

    def _tx(self, tenant: Tenant, actor: str = "agent"):
        return tenant_tx(self.db.app_pool, tenant.id, actor)

    async def start(self, tenant: Tenant, *, channel: Channel, phone: str | None = None,
                    verified: bool = False) -> Conversation:
        """A new conversation; the phone is verified only when the channel proves it (SMS, API key)."""
        async with self._tx(tenant) as conn:
            return await conversations.start_conversation(conn, tenant_id=tenant.id, channel=channel,
                                                          phone=phone, phone_verified=verified)

    async def sms_conversation(self, tenant: Tenant, phone: str) -> Conversation:
        """The SMS thread still going with this sender, or a new one; the sender's number is the identity."""
        async with self._tx(tenant) as conn:
            found = await conversations.latest_sms_conversation(conn, phone=phone, now=self.clock.now())
            return found or await conversations.start_conversation(conn, tenant_id=tenant.id, channel="sms",
                                                                   phone=phone, phone_verified=True)

    async def run_turn(self, tenant: Tenant, conversation_id: UUID, text: str, *, model: Model | None = None) -> Reply:
        """The agent's answer to one customer message (outside `agent`: the acknowledgement, if any).

        `model` replaces the routed one for this turn (scripted orchestration, tests).
        """
        async with one_turn_at_a_time(self.db.lock_pool, conversation_id):
            with tracer.start_as_current_span("agent.turn") as span:
                started = time.perf_counter()
                reply = await self._turn(tenant, conversation_id, text.strip()[:MAX_MESSAGE_CHARS], model)
                _measure(span, reply, time.perf_counter() - started)
        conversation_changed(self.live, tenant.id, conversation_id)
        return reply

    async def _turn(self, tenant: Tenant, conversation_id: UUID, text: str, model: Model | None) -> Reply:
        async with self._tx(tenant) as conn:
            conversation = await conversations.get_conversation(conn, conversation_id=conversation_id)
            await conversations.append_message(conn, tenant_id=tenant.id, conversation_id=conversation.id,
                                               role="customer", content=text)
            vocabulary = [Category(c.key, c.name, tuple(c.synonyms)) for c in await list_categories(conn)]
        if conversation.handed_off:   # a person has it, or is about to: the agent never answers
            return await self._waiting(tenant, conversation)
        deps = AgentDeps(db=self.db, tenant=tenant, conversation=conversation, clock=self.clock, secret=self.secret)
        history = ModelMessagesTypeAdapter.validate_python(conversation.model_history)
        output, messages, requests, engine = await self._run(deps, text, history, vocabulary, model)
        conversation.model_history = ModelMessagesTypeAdapter.dump_python(_trim(messages), mode="json")
        async with self._tx(tenant) as conn:
            await conversations.save_conversation(conn, conversation=conversation, now=self.clock.now())
            await settle_staff_flag(conn, conversation_id=conversation.id, now=self.clock.now())
            if output:
                await conversations.append_message(conn, tenant_id=tenant.id, conversation_id=conversation.id,
                                                   role="agent", content=output)
            request = await service_request_of(conn, deps)
        log.info("agent turn: engine=%s tools=%s model_requests=%d", engine, ",".join(deps.tool_calls), requests)
        choices = quick_replies(text=output, state=conversation.state, tenant=tenant,
                                categories=[c.name for c in vocabulary])
        return Reply(conversation.id, output, request, engine, list(deps.tool_calls), requests, choices)

    async def _waiting(self, tenant: Tenant, conversation: Conversation) -> Reply:
        """The acknowledgement (with the business's hours) a customer gets while waiting for staff."""
        async with self._tx(tenant, "system") as conn:
            text = await waiting_reply(conn, tenant=tenant, conversation=conversation)
            if text:
                await conversations.append_message(conn, tenant_id=tenant.id, conversation_id=conversation.id,
                                                   role="system", content=text)
        return Reply(conversation.id, text, None, "staff")

    async def _run(self, deps: AgentDeps, text: str, history: list[ModelMessage], vocabulary: list[Category],
                   model: Model | None) -> tuple[str, list[ModelMessage], int, str]:
        """Run with the routed model; if every model fails, the guided engine answers this turn."""
        agent = booking_agent()
        if model is not None:
            engines = [(model, getattr(model, "model_name", "override"))]
        else:
            engines = [(self.routing.model, self.routing.engine)] if self.routing.model else []
            engines.append((guided_model(deps, vocabulary), "guided"))
        for model, engine in engines:
            try:
                result = await agent.run(text, deps=deps, message_history=history, model=model,
                                         usage_limits=TURN_LIMITS)
                return result.output, result.all_messages(), result.usage.requests, engine
            except UsageLimitExceeded:
                log.warning("agent turn hit its usage limit (engine=%s)", engine)
                return SORRY, history + [_prompt(text)], TURN_LIMITS.request_limit or 0, engine
            except (AgentRunError, FallbackExceptionGroup, OSError) as exc:
                log.warning("agent engine %s failed: %s", engine, type(exc).__name__)
        return SORRY, history + [_prompt(text)], 0, "none"


def _measure(span: trace.Span, reply: Reply, seconds: float) -> None:
    """The turn's engine and tool calls on its span and in the agent metrics (no customer text)."""
    span.set_attributes({"fieldbook.engine": reply.engine, "fieldbook.tool_calls": reply.tool_calls,
                         "fieldbook.model_requests": reply.model_requests})
    turns.add(1, {"engine": reply.engine})
    turn_seconds.record(seconds, {"engine": reply.engine})
    for tool in reply.tool_calls:
        tool_calls.add(1, {"tool": tool})


def _prompt(text: str) -> ModelRequest:
    return ModelRequest(parts=[UserPromptPart(text)])


def _trim(messages: list[ModelMessage]) -> list[ModelMessage]:
    """The most recent messages, cut at the start of a customer turn so tool calls keep their returns."""
    if len(messages) <= HISTORY_KEEP:
        return messages
    for start in range(len(messages) - HISTORY_KEEP, len(messages)):
        message = messages[start]
        if isinstance(message, ModelRequest) and any(isinstance(p, UserPromptPart) for p in message.parts):
            return messages[start:]
    return messages[-1:]
