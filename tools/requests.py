"""The request itself: recorded as a ticket first (task-first), or handed to a human as a callback."""

from __future__ import annotations

import re
from typing import Literal
from uuid import UUID

from pydantic_ai import RunContext

from domain.catalog.service import list_services
from domain.categories.service import find_category, list_categories
from domain.errors import DomainError
from domain.tickets.lifecycle import update_ticket
from domain.tickets.models import TicketCreate, TicketUpdate
from domain.tickets.service import create_ticket, get_ticket
from tools.customers import claim_phone
from tools.deps import AgentDeps
from tools.handoff import call_staff
from tools.models import HandOffResult, TicketResult

Urgency = Literal["emergency", "urgent", "normal", "scheduled"]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2}


async def estimate_minutes(conn, *, category: str, description: str) -> int | None:
    """The catalog duration of the service that best matches the description, else the category's first."""
    services = await list_services(conn, category=category)
    if not services:
        return None
    words = _words(description)
    best = max(services, key=lambda s: len(words & _words(s.name + " " + (s.description or ""))))
    return best.default_duration_minutes


def _channel(deps: AgentDeps) -> str:
    return deps.conversation.channel if deps.conversation.channel in ("web", "sms", "api", "cli") else "api"


async def record_service_request(ctx: RunContext[AgentDeps], category: str, description: str,
                                 urgency: Urgency = "normal", preferred_time: str | None = None,
                                 phone: str | None = None, address: str | None = None) -> TicketResult:
    """Record the customer's need as a ticket as soon as you have their phone and the need.

    Calling it again for the same category in this conversation updates that ticket.

    Args:
        category: The service category, or the customer's word for it ("furnace", "leak").
        description: The problem in the customer's words.
        urgency: How soon it is needed.
        preferred_time: When the customer would like the visit, in their own words.
        phone: The customer's phone as they wrote it, if not given to identify_customer.
        address: The service address, if known.
    """
    deps = ctx.deps
    deps.tool_calls.append("record_service_request")
    error = claim_phone(deps, phone) if phone else None
    if error:
        return TicketResult(error=error.code, message=error.message)
    if not deps.conversation.phone:
        return TicketResult(error="PHONE_REQUIRED", message="Ask for the customer's phone number first.")
    try:
        async with deps.tx() as conn:
            found = await find_category(conn, text=category)
            if found is None:
                names = ", ".join(c.name for c in await list_categories(conn))
                return TicketResult(error="UNKNOWN_CATEGORY", message=f"We offer: {names}.")
            ticket = await _upsert(deps, conn, found.key, description, urgency, preferred_time, address)
    except DomainError as exc:
        return TicketResult(error=exc.code, message=exc.message)
    return TicketResult(ticket_code=ticket.code, category=ticket.service_category, urgency=ticket.urgency_level)


async def _upsert(deps: AgentDeps, conn, category: str, description: str, urgency: str, preferred: str | None,
                  address: str | None):
    """The open ticket of this category in this conversation, updated; else a new one (idempotent)."""
    for entry in deps.state.setdefault("tickets", []):
        if entry["category"] == category and not entry.get("appointment_id"):
            ticket = await get_ticket(conn, ticket_id=UUID(entry["id"]))
            if ticket.closed_at is None and ticket.status == "open":
                return await update_ticket(conn, tenant_id=deps.tenant.id, ticket_id=ticket.id, now=deps.now(),
                                           data=TicketUpdate(description=description[:5000] or ticket.description,
                                                             urgency_level=urgency, preferred_time=preferred,
                                                             service_address=address or ticket.service_address))
    ticket = await create_ticket(conn, tenant_id=deps.tenant.id, region=deps.tenant.phone_region, data=TicketCreate(
        customer_phone=deps.conversation.phone, service_category=category, description=description[:5000],
        urgency_level=urgency, preferred_time=preferred, source_channel=_channel(deps),
        title=description[:80] or None, conversation_id=deps.conversation.id, service_address=address,
        estimated_duration_minutes=await estimate_minutes(conn, category=category, description=description)))
    deps.state["tickets"].append({"id": str(ticket.id), "code": ticket.code, "category": category})
    return ticket


async def hand_off(ctx: RunContext[AgentDeps], reason: str) -> HandOffResult:
    """Pass the conversation to a person: staff call the customer back and you stop replying.

    Args:
        reason: Why the customer needs a person, in a few words.
    """
    deps = ctx.deps
    deps.tool_calls.append("hand_off")
    if not deps.conversation.phone:
        return HandOffResult(error="PHONE_REQUIRED", message="Ask for a phone number staff can call back.")
    category = next((t["category"] for t in reversed(deps.state.get("tickets", []))), None)
    async with deps.tx() as conn:
        if category is None:
            category = (await list_categories(conn))[0].key
        ticket = await create_ticket(conn, tenant_id=deps.tenant.id, region=deps.tenant.phone_region, data=TicketCreate(
            customer_phone=deps.conversation.phone, service_category=category, kind="callback",
            description=f"Callback requested: {reason}"[:5000], title="Callback request",
            source_channel=_channel(deps), conversation_id=deps.conversation.id))
        await call_staff(deps, conn, f"The customer asked for a person: {reason}")
    return HandOffResult(handed_off=True, ticket_code=ticket.code)
