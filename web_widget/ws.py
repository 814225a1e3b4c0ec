"""The widget's websocket: JSON frames `message` in; `welcome`, `transcript`, `typing`, `reply`, `booking`,
`error` out.

The tenant comes from the public key, the page's Origin must be on the tenant's allow-list (403 at
the handshake otherwise), and a signed resume token binds the browser to one conversation. On every
(re)connect the client says which sequence number it showed last and gets everything after it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from agent.choices import starting_choices
from agent.runner import AgentRunner
from agent.service_request import service_request_of
from domain.categories.service import list_categories
from domain.conversations import service as conversations
from domain.conversations.models import customer_side_role
from domain.db import admin_tx, tenant_tx
from domain.errors import NotFound
from domain.live import Notifier, conversation_topic
from domain.tenants.models import Tenant
from domain.tenants.service import find_by_widget_key
from tools.deps import AgentDeps
from domain.tenants.origins import origin_allowed
from web_widget.access import issue_resume_token, read_resume_token
from web_widget.booking_card import booking_card
from web_widget.brand import greeting

log = logging.getLogger(__name__)
router = APIRouter()

HELLO_TIMEOUT_S = 20
MAX_TEXT = 2000
MESSAGES_PER_MINUTE = 20
POLICY_VIOLATION = 1008     # closing before accept makes the handshake answer 403
RESUME_REJECTED = 4401


@dataclass
class Session:
    websocket: WebSocket
    tenant: Tenant
    conversation_id: UUID
    token: str
    last_seq: int = 0
    # the turn and the live push (staff replies) both send new lines: one at a time, each line once
    lines_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def send(self, frame: dict[str, Any]) -> None:
        await self.websocket.send_text(json.dumps(frame, default=str))


async def tenant_for_key(websocket: WebSocket, key: str) -> Tenant | None:
    if not key or len(key) > 200:
        return None
    async with admin_tx(websocket.app.state.db) as conn:
        return await find_by_widget_key(conn, key)


@router.websocket("/widget/ws")
async def widget_socket(websocket: WebSocket, key: str = "") -> None:
    tenant = await tenant_for_key(websocket, key)
    if tenant is None or not origin_allowed(websocket.headers.get("origin"), tenant.widget_allowed_origins):
        await websocket.close(code=POLICY_VIOLATION)
        return
    await websocket.accept()
    if tenant.suspended_at is not None:
        await _reject(websocket, "SERVICE_UNAVAILABLE", "This service is unavailable right now.")
        return
    try:
        session = await open_session(websocket, tenant)
        if session is not None:
            await converse(session)
    except WebSocketDisconnect:
        pass


async def open_session(websocket: WebSocket, tenant: Tenant) -> Session | None:
    """Reads the `hello` frame: resumes the token's conversation or starts a new one, then catches up."""
    try:
        hello = json.loads(await asyncio.wait_for(websocket.receive_text(), HELLO_TIMEOUT_S))
    except (asyncio.TimeoutError, json.JSONDecodeError, TypeError):
        await _reject(websocket, "BAD_HELLO", "Start with a hello frame.")
        return None
    if not isinstance(hello, dict) or hello.get("type") != "hello":
        await _reject(websocket, "BAD_HELLO", "Start with a hello frame.")
        return None
    secret = websocket.app.state.settings.secret_key.get_secret_value()
    conversation_id = await _resumed_conversation(websocket, tenant, hello, secret)
    if conversation_id is False:
        await _reject(websocket, "RESUME_REJECTED", "This conversation cannot be resumed here; start a new one.")
        return None
    if conversation_id is None:
        runner: AgentRunner = websocket.app.state.agent_runner
        conversation_id = (await runner.start(tenant, channel="web")).id
    token = issue_resume_token(secret, tenant_id=tenant.id, conversation_id=conversation_id)
    session = Session(websocket, tenant, conversation_id, token)
    after = hello.get("after_seq") if isinstance(hello.get("after_seq"), int) else 0
    missed = await _transcript_after(session, max(after, 0))
    welcome = {"type": "welcome", "conversation_id": str(conversation_id), "token": token, "messages": missed,
               "look": {"color": tenant.widget_color, "business": tenant.name}}
    if after <= 0:   # a page showing nothing yet: the greeting first, and starting choices if nothing was said
        welcome |= {"greeting": greeting(tenant),
                    "quick_replies": [] if missed else [c.model_dump() for c in starting_choices()]}
    await session.send(welcome)
    card = await _current_card(session)
    if card:
        await session.send({"type": "booking", "booking": card})
    return session


async def _resumed_conversation(websocket: WebSocket, tenant: Tenant, hello: dict, secret: str) -> UUID | None | bool:
    """None: no token (a new conversation). False: a token that must be refused. Else the conversation."""
    token = hello.get("token")
    if not token:
        return None
    conversation_id = read_resume_token(secret, str(token), tenant_id=tenant.id)
    claimed = hello.get("conversation_id")
    if conversation_id is None or (claimed and str(claimed) != str(conversation_id)):
        return False
    try:
        async with tenant_tx(websocket.app.state.db.app_pool, tenant.id, "widget") as conn:
            conversation = await conversations.get_conversation(conn, conversation_id=conversation_id)
    except NotFound:
        return False
    return conversation_id if conversation.channel == "web" else False


async def _transcript_after(session: Session, after_seq: int) -> list[dict[str, Any]]:
    async with tenant_tx(session.websocket.app.state.db.app_pool, session.tenant.id, "widget") as conn:
        rows = await conversations.list_messages(conn, conversation_id=session.conversation_id, after_seq=after_seq)
    if rows:
        session.last_seq = rows[-1].seq
    # private staff notes never leave the server (list_messages leaves them out); automatic lines read as the agent's
    return [{"type": "transcript", "seq": m.seq, "role": customer_side_role(m.role), "text": m.content} for m in rows]


async def _current_card(session: Session) -> dict[str, Any] | None:
    app = session.websocket.app
    runner: AgentRunner = app.state.agent_runner
    async with tenant_tx(app.state.db.app_pool, session.tenant.id, "widget") as conn:
        conversation = await conversations.get_conversation(conn, conversation_id=session.conversation_id)
        deps = AgentDeps(db=app.state.db, tenant=session.tenant, conversation=conversation, clock=runner.clock,
                         secret=runner.secret)
        request = await service_request_of(conn, deps)
        names = await _service_names(conn)
    return booking_card(request, session.tenant, session.token, names)


async def _service_names(conn) -> dict[str, str]:
    """The business's names for its service categories: the card says "Heating & Cooling", not "HVAC"."""
    return {c.key: c.name for c in await list_categories(conn, active_only=False)}


async def _card(session: Session, request: dict[str, Any] | None) -> dict[str, Any] | None:
    if not request:
        return None
    async with tenant_tx(session.websocket.app.state.db.app_pool, session.tenant.id, "widget") as conn:
        names = await _service_names(conn)
    return booking_card(request, session.tenant, session.token, names)


async def send_new_lines(session: Session, quick_replies: list[dict[str, str]] | None = None) -> None:
    """Every transcript line after the last one sent: the customer's own as an `ack`, the rest as `reply`.

    The turn's choices (`quick_replies`) ride on its last reply, the one that offers them.
    """
    async with session.lines_lock:
        lines = await _transcript_after(session, session.last_seq)
        last_reply = max((i for i, line in enumerate(lines) if line["role"] != "customer"), default=None)
        for i, line in enumerate(lines):
            # the page already shows what the customer typed: acknowledge its number, send the rest
            if line["role"] == "customer":
                await session.send({"type": "ack", "seq": line["seq"]})
            else:
                choices = quick_replies if i == last_reply and quick_replies else []
                await session.send(line | {"type": "reply", "quick_replies": choices})


async def push_live(session: Session) -> None:
    """Lines written by someone else (a staff reply) reach the open widget as they are committed."""
    live: Notifier = session.websocket.app.state.live
    async with live.subscribe(session.tenant.id, [conversation_topic(session.conversation_id)]) as events:
        while True:
            await events.get()
            await send_new_lines(session)


async def converse(session: Session) -> None:
    """The customer's messages, one at a time, while staff replies are pushed as they come."""
    pusher = asyncio.create_task(push_live(session))
    try:
        await _converse(session)
    finally:
        pusher.cancel()


async def _converse(session: Session) -> None:
    """One customer message at a time: typing, the agent's turn, the new transcript lines, the card."""
    runner: AgentRunner = session.websocket.app.state.agent_runner
    sent_at: list[float] = []
    while True:
        frame = await _next_message(session)
        if frame is None:
            continue
        now = time.monotonic()
        sent_at[:] = [t for t in sent_at if now - t < 60] + [now]
        if len(sent_at) > MESSAGES_PER_MINUTE:
            await session.send({"type": "error", "code": "RATE_LIMITED",
                                "message": "You are sending messages too quickly; wait a moment."})
            continue
        await session.send({"type": "typing"})
        try:
            reply = await runner.run_turn(session.tenant, session.conversation_id, frame)
        except Exception:  # the customer's message is already stored; tell them, keep the socket
            log.exception("widget turn failed")
            await session.send({"type": "error", "code": "AGENT_ERROR",
                                "message": "Sorry, something went wrong. Your message is saved; please try again."})
            continue
        await send_new_lines(session, [c.model_dump() for c in reply.quick_replies])
        await session.send({"type": "done"})   # the turn is over (waiting for staff may bring no line at all)
        card = await _card(session, reply.service_request)
        if card:
            await session.send({"type": "booking", "booking": card})


async def _next_message(session: Session) -> str | None:
    """The text of the next `message` frame; answers bad frames with an error and returns None."""
    raw = await session.websocket.receive_text()
    try:
        frame = json.loads(raw)
    except json.JSONDecodeError:
        frame = None
    if not isinstance(frame, dict) or frame.get("type") != "message" or not isinstance(frame.get("text"), str):
        await session.send({"type": "error", "code": "BAD_FRAME", "message": "Send {\"type\": \"message\", \"text\": ...}."})
        return None
    text = frame["text"].strip()
    if not text or len(text) > MAX_TEXT:
        await session.send({"type": "error", "code": "BAD_MESSAGE",
                            "message": f"A message must have 1 to {MAX_TEXT} characters."})
        return None
    return text


async def echo(websocket: WebSocket) -> None:
    """The benchmark's baseline: a websocket that sends back what it receives (BENCH_ROUTES only)."""
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


async def _reject(websocket: WebSocket, code: str, message: str) -> None:
    await websocket.send_text(json.dumps({"type": "error", "code": code, "message": message}))
    await websocket.close(code=RESUME_REJECTED if code == "RESUME_REJECTED" else POLICY_VIOLATION)
