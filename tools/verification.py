"""Proving a claimed number on web chat: a six-digit code texted to it."""

from __future__ import annotations

from datetime import timedelta

from pydantic_ai import RunContext

from domain.conversations.service import mark_verified
from domain.errors import DomainError
from domain.identity.service import CODE_LIFETIME, check_code, issue_code
from domain.messages.models import MessageCreate
from domain.messages.service import queue_message
from domain.phones import format_phone
from tools.deps import AgentDeps
from tools.models import CodeResult

FAILED = {"wrong": "That code is not right; ask them to check the text and try again.",
          "expired": "That code expired; offer to send a new one.",
          "locked": "Too many wrong codes; offer to send a new one.",
          "none": "No code is pending; send one first."}


async def send_verification_code(ctx: RunContext[AgentDeps]) -> CodeResult:
    """Text a 6-digit code to the customer's number so they can prove it is theirs."""
    deps = ctx.deps
    deps.tool_calls.append("send_verification_code")
    conversation = deps.conversation
    if not conversation.phone:
        return CodeResult(error="PHONE_REQUIRED", message="Ask for the phone number first.")
    if deps.verified:
        return CodeResult(verified=True, message="The number is already verified.")
    now = deps.now()
    try:
        async with deps.tx() as conn:
            code = await issue_code(conn, tenant_id=deps.tenant.id, conversation_id=conversation.id,
                                    phone=conversation.phone, now=now, key=deps.secret)
            await queue_message(conn, tenant=deps.tenant, now=now, data=MessageCreate(
                message_type="verification_code", to_address=conversation.phone, urgent=True,
                payload={"code": code, "minutes": int(CODE_LIFETIME / timedelta(minutes=1))},
                expires_at=now + CODE_LIFETIME))
    except DomainError as exc:
        return CodeResult(error=exc.code, message=exc.message)
    return CodeResult(sent=True, message=f"Code texted to {format_phone(conversation.phone)}.")


async def verify_code(ctx: RunContext[AgentDeps], code: str) -> CodeResult:
    """Check the code the customer typed; once it matches, their number counts as verified.

    Args:
        code: The digits the customer typed.
    """
    deps = ctx.deps
    deps.tool_calls.append("verify_code")
    conversation = deps.conversation
    if not conversation.phone:
        return CodeResult(error="PHONE_REQUIRED", message="Ask for the phone number first.")
    async with deps.tx() as conn:
        result = await check_code(conn, conversation_id=conversation.id, phone=conversation.phone, code=code,
                                  now=deps.now(), key=deps.secret)
        if result == "verified":
            await mark_verified(conn, conversation_id=conversation.id, phone=conversation.phone)
    if result != "verified":
        return CodeResult(error=f"CODE_{result.upper()}", message=FAILED[result])
    conversation.phone_verified = True
    return CodeResult(verified=True)
