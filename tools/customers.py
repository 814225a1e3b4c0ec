"""Who is talking: identify by phone, register (or link) the customer record."""

from __future__ import annotations

from pydantic_ai import RunContext

from domain.contacts.addresses import add_address, list_addresses
from domain.contacts.models import AddressCreate, ContactCreate
from domain.contacts.service import create_contact, get_by_phone
from domain.db import fetch_dicts
from domain.errors import DomainError, Invalid
from domain.phones import format_phone, normalize_phone
from domain.tickets.lifecycle import link_tickets_by_phone, update_ticket
from domain.tickets.models import TicketUpdate
from domain.tickets.service import get_ticket
from tools.deps import AgentDeps, conversation_ticket_ids
from tools.models import CustomerLookup, Registration

NOT_DISCLOSED = ("Number noted. Nothing stored about it can be shared until the customer enters the code "
                 "we text to it; you can still take and book a new request.")


async def identify_customer(ctx: RunContext[AgentDeps], phone: str) -> CustomerLookup:
    """Note the customer's phone number and look them up.

    Args:
        phone: The phone number exactly as the customer wrote it.
    """
    deps = ctx.deps
    deps.tool_calls.append("identify_customer")
    error = claim_phone(deps, phone)
    if error:
        return CustomerLookup(error=error.code, message=error.message)
    if not deps.verified:
        return CustomerLookup(phone=format_phone(deps.conversation.phone), verified=False, message=NOT_DISCLOSED)
    return await _verified_lookup(deps)


def claim_phone(deps: AgentDeps, raw: str) -> Invalid | None:
    """Record the number a web caller gives (unverified); a proven number (SMS, code) never changes here."""
    conversation = deps.conversation
    if conversation.phone_verified and conversation.phone:
        return None
    try:
        claimed = normalize_phone(raw, deps.tenant.phone_region)
    except Invalid as exc:
        return exc
    if claimed != conversation.phone:
        conversation.phone, conversation.phone_verified, conversation.contact_id = claimed, False, None
    return None


async def _verified_lookup(deps: AgentDeps) -> CustomerLookup:
    """What a proven owner of the number may hear about themselves."""
    phone = deps.conversation.phone
    async with deps.tx() as conn:
        contact = await get_by_phone(conn, phone=phone)
        if contact is None:
            return CustomerLookup(phone=format_phone(phone), verified=True, known_customer=False)
        addresses = await list_addresses(conn, contact_id=contact.id)
        last = await fetch_dicts(conn, """
            select category, coalesce(title, category) as title, created_at from tickets
             where contact_id = %s and status = 'completed' order by created_at desc limit 1""", (contact.id,))
    deps.conversation.contact_id = contact.id
    primary = next((a for a in addresses if a.is_primary), addresses[0] if addresses else None)
    last_service = None
    if last:
        local = last[0]["created_at"].astimezone(deps.tenant.tz)
        last_service = f"{last[0]['title']} ({last[0]['category']}) in {local:%B %Y}"
    return CustomerLookup(phone=format_phone(phone), verified=True, known_customer=True, name=contact.name,
                          address_on_file=primary.one_line() if primary else None, last_service=last_service)


def split_address(text: str) -> AddressCreate:
    """'123 Main Street, Toronto' -> line1 and city; the rest stays in line1."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) >= 2:
        return AddressCreate(line1=parts[0], city=parts[1], region=", ".join(parts[2:]) or None, is_primary=True)
    return AddressCreate(line1=text.strip()[:300], is_primary=True)


async def register_customer(ctx: RunContext[AgentDeps], name: str, address: str | None = None) -> Registration:
    """Save the customer's name and service address and attach their open requests to them.

    Args:
        name: The customer's name as they gave it.
        address: The service address as they gave it.
    """
    deps = ctx.deps
    deps.tool_calls.append("register_customer")
    conversation = deps.conversation
    deps.state["customer_name"] = name[:200]
    if not conversation.phone:
        return Registration(error="PHONE_REQUIRED", message="Ask for the customer's phone number first.")
    try:
        contact = await _save_customer(deps, name, address)
    except DomainError as exc:
        # the request itself is already a ticket: nothing is lost, and calling again links it
        return Registration(error=exc.code, message=f"{exc.message} The request is saved; try again.")
    if deps.verified:
        conversation.contact_id = contact.id
    return Registration(registered=True)


async def _save_customer(deps: AgentDeps, name: str, address: str | None):
    """Create the contact (or find the one with this phone), link the requests, note the address; one transaction."""
    conversation = deps.conversation
    async with deps.tx() as conn:
        contact = await get_by_phone(conn, phone=conversation.phone)
        # An unverified caller may not rename or re-address a stored customer; the request keeps what they said.
        if contact is None:
            contact = await create_contact(conn, tenant_id=deps.tenant.id, region=deps.tenant.phone_region,
                                           data=ContactCreate(name=name[:200], phone=conversation.phone,
                                                              source=_source(conversation.channel)))
            if address:
                await add_address(conn, tenant_id=deps.tenant.id, contact_id=contact.id, data=split_address(address))
        await link_tickets_by_phone(conn, contact_id=contact.id)
        for ticket_id in conversation_ticket_ids(deps):
            ticket = await get_ticket(conn, ticket_id=ticket_id)
            if ticket.closed_at is None and address and not ticket.service_address:
                await update_ticket(conn, tenant_id=deps.tenant.id, ticket_id=ticket_id, now=deps.now(),
                                    data=TicketUpdate(service_address=address[:500]))
    return contact


def _source(channel: str) -> str:
    return {"web": "web", "sms": "sms"}.get(channel, "api")
