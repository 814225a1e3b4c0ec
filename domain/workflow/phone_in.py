"""A phone call to the dispatcher, by the agent's rules: phone first, the request as a ticket before anything
else (task-first), then the caller's record (new or corrected) and the service address, linked to it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel, Field

from domain.contacts.addresses import add_address, address_or_primary, list_addresses
from domain.contacts.models import Address, AddressCreate, Contact, ContactCreate, ContactUpdate
from domain.contacts.service import create_contact, get_by_phone, update_contact
from domain.errors import NotFound
from domain.phones import normalize_phone
from domain.tenants.models import Tenant
from domain.tickets.lifecycle import link_contact, update_ticket
from domain.tickets.models import Ticket, TicketCreate, TicketUpdate
from domain.tickets.service import contact_history, create_ticket


class Caller(BaseModel):
    """Who is on the line, as the lookup finds them (nothing found: a new caller)."""
    phone: str
    contact: Contact | None = None
    addresses: list[Address] = []
    open_tickets: list[Ticket] = []


class PhoneIn(BaseModel):
    """The phone-in form: the phone and the need first; name and address correct or complete the record."""
    phone: str = Field(min_length=3, max_length=40)
    category: str = Field(min_length=1, max_length=60)
    description: str = Field(min_length=1, max_length=5000)
    urgency: str = Field("normal", min_length=1, max_length=30)
    name: str | None = Field(None, min_length=1, max_length=200)
    address_id: UUID | None = None                 # one of the caller's addresses
    new_address: AddressCreate | None = None       # or a new one, which becomes where the job is
    preferred_time: str | None = Field(None, max_length=200)
    duration_minutes: int | None = Field(None, ge=15, le=720, multiple_of=15)


async def look_up_caller(conn: AsyncConnection, *, tenant: Tenant, phone: str) -> Caller:
    """The caller's record, addresses and open requests by phone (any format)."""
    number = normalize_phone(phone, tenant.phone_region)
    contact = await get_by_phone(conn, phone=number)
    if contact is None:
        return Caller(phone=number)
    history = await contact_history(conn, contact_id=contact.id, limit=20)
    return Caller(phone=number, contact=contact, addresses=await list_addresses(conn, contact_id=contact.id),
                  open_tickets=[t for t in history if t.closed_at is None])


async def take_call(conn: AsyncConnection, *, tenant: Tenant, data: PhoneIn, now: datetime) -> Ticket:
    """The ticket first (so a failure later never loses the request), then the caller's record and address."""
    phone = normalize_phone(data.phone, tenant.phone_region)
    ticket = await create_ticket(conn, tenant_id=tenant.id, region=tenant.phone_region, data=TicketCreate(
        customer_phone=phone, service_category=data.category, description=data.description,
        urgency_level=data.urgency, customer_name=data.name, source_channel="staff", title=data.description[:80],
        preferred_time=data.preferred_time, estimated_duration_minutes=data.duration_minutes))
    contact = await _caller_record(conn, tenant, phone, data.name)
    if contact is None:
        return ticket   # no name given for a new caller: the ticket carries the phone, a record can come later
    address = await _service_address(conn, tenant, contact, data)
    ticket = await link_contact(conn, ticket_id=ticket.id, contact_id=contact.id)
    if address is None:
        return ticket
    return await update_ticket(conn, tenant_id=tenant.id, ticket_id=ticket.id, now=now, data=TicketUpdate(
        address_id=address.id, service_address=address.one_line()))


async def _caller_record(conn: AsyncConnection, tenant: Tenant, phone: str, name: str | None) -> Contact | None:
    contact = await get_by_phone(conn, phone=phone)
    if contact is None:
        if not name:
            return None
        return await create_contact(conn, tenant_id=tenant.id, region=tenant.phone_region,
                                    data=ContactCreate(name=name, phone=phone, source="staff"))
    if name and name != contact.name:
        return await update_contact(conn, contact_id=contact.id, region=tenant.phone_region,
                                    data=ContactUpdate(name=name))
    return contact


async def _service_address(conn: AsyncConnection, tenant: Tenant, contact: Contact, data: PhoneIn) -> Address | None:
    if data.new_address is not None:
        return await add_address(conn, tenant_id=tenant.id, contact_id=contact.id, data=data.new_address)
    address = await address_or_primary(conn, contact_id=contact.id, address_id=data.address_id)
    if data.address_id is not None and (address is None or address.id != data.address_id):
        raise NotFound("The address is not one of this caller's.", code="UNKNOWN_ADDRESS")
    return address
