"""The agent over HTTP: the widget's chat endpoint and the API's one-shot service request."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

from agent.choices import QuickReply
from agent.orchestrate import ServiceRequestIn, orchestration_model
from agent.runner import AgentRunner
from api.answers import declares, errors
from api.deps import Api, Db
from domain.conversations.models import customer_side_role
from domain.conversations.service import get_conversation, list_messages
from domain.db import admin_tx, tenant_tx
from domain.errors import NotFound
from domain.phones import normalize_phone
from domain.tenants.models import Tenant
from domain.tenants.origins import origin_allowed
from domain.platform.service import TenantSuspended
from domain.tenants.service import find_by_widget_key

router = APIRouter(prefix="/api/v1/ai-agent", tags=["agent"])


class ChatIn(BaseModel):
    conversation_id: str | None = Field(None, max_length=64)
    message: str = Field(min_length=1, max_length=2000)


class ChatOut(BaseModel):
    conversation_id: str
    response: str
    serviceRequest: dict[str, Any] | None
    quick_replies: list[QuickReply] = Field(
        default_factory=list, description="The choices the response offers, as buttons; sending a `value` as "
                                          "the next message picks it (typing works as well)")


def get_runner(request: Request) -> AgentRunner:
    return request.app.state.agent_runner


Runner = Annotated[AgentRunner, Depends(get_runner)]


# declared as an OpenAPI security scheme; a missing or unknown key is answered below in our format
widget_key = APIKeyHeader(name="X-Widget-Key", scheme_name="widgetKey", auto_error=False,
                          description="The business's public widget key")


@declares(UNAUTHORIZED=401, FORBIDDEN=403, SERVICE_UNAVAILABLE=503)
async def widget_tenant(request: Request, db: Db,
                        x_widget_key: Annotated[str | None, Depends(widget_key)]) -> Tenant:
    """The tenant whose public widget key was sent; a browser's Origin must be on its allow-list."""
    key = (x_widget_key or "").strip()
    tenant = None
    if key and len(key) <= 200:
        async with admin_tx(db) as conn:
            tenant = await find_by_widget_key(conn, key)
    if tenant is None:
        raise HTTPException(401, "Unknown widget key.")
    origin = request.headers.get("origin")
    if origin is not None and not origin_allowed(origin, tenant.widget_allowed_origins):
        raise HTTPException(403, "This origin may not use the widget.")
    if tenant.suspended_at is not None:
        raise TenantSuspended()
    return tenant


WidgetTenant = Annotated[Tenant, Depends(widget_tenant)]


def _conversation_uuid(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise NotFound("Conversation not found.", code="CONVERSATION_NOT_FOUND") from None


@router.post("/chat", responses=errors(CONVERSATION_NOT_FOUND=404))
async def chat(body: ChatIn, tenant: WidgetTenant, runner: Runner, db: Db) -> ChatOut:
    """One customer message from the web widget; starts a conversation when `conversation_id` is null."""
    if body.conversation_id:
        conversation_id = _conversation_uuid(body.conversation_id)
        async with tenant_tx(db.app_pool, tenant.id, "widget") as conn:
            conversation = await get_conversation(conn, conversation_id=conversation_id)
        if conversation.channel != "web":
            raise NotFound("Conversation not found.", code="CONVERSATION_NOT_FOUND")
    else:
        conversation = await runner.start(tenant, channel="web")
    reply = await runner.run_turn(tenant, conversation.id, body.message)
    return ChatOut(conversation_id=str(reply.conversation_id), response=reply.text,
                   serviceRequest=reply.service_request, quick_replies=reply.quick_replies)


class ChatLine(BaseModel):
    seq: int
    role: str
    text: str


class ChatLines(BaseModel):
    messages: list[ChatLine]


@router.get("/chat/{conversation_id}/messages", responses=errors(CONVERSATION_NOT_FOUND=404))
async def chat_messages(conversation_id: str, tenant: WidgetTenant, db: Db,
                        after_seq: Annotated[int, Query(ge=0)] = 0) -> ChatLines:
    """The web conversation's lines after `after_seq`, staff replies included: the widget's HTTP fallback polls this."""
    conversation_uuid = _conversation_uuid(conversation_id)
    async with tenant_tx(db.app_pool, tenant.id, "widget") as conn:
        conversation = await get_conversation(conn, conversation_id=conversation_uuid)
        if conversation.channel != "web":
            raise NotFound("Conversation not found.", code="CONVERSATION_NOT_FOUND")
        rows = await list_messages(conn, conversation_id=conversation_uuid, after_seq=after_seq)
    return ChatLines(messages=[ChatLine(seq=m.seq, role=customer_side_role(m.role), text=m.content) for m in rows])


@router.post("/service-request", responses=errors(INVALID_PHONE=409))
async def service_request(body: ServiceRequestIn, api: Api, runner: Runner) -> dict[str, Any]:
    """Seed 004's whole orchestration from extracted fields: lookup, ticket first, customer, options, book."""
    # the API key holder is the business itself: the phone it sends counts as verified
    phone = normalize_phone(body.phoneNumber, api.tenant.phone_region)
    conversation = await runner.start(api.tenant, channel="api", phone=phone, verified=True)
    model, script = orchestration_model(body)
    reply = await runner.run_turn(api.tenant, conversation.id, "Service request received through the API.",
                                  model=model)
    booked = reply.service_request is not None and not script.outcome.get("error")
    return {"success": booked, "conversation_id": str(reply.conversation_id),
            "task_code": script.outcome.get("ticket_code"), "error": script.outcome.get("error"),
            "message": script.outcome.get("message"), "tool_calls": reply.tool_calls,
            **(reply.service_request or {})}
