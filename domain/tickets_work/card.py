"""The job card: what a technician reads before knocking, and the "on my way" text.

Composed from the areas that own each part: the contact's attributes and equipment, the notes of
earlier visits, the address's instructions. Nothing here writes but the message the customer gets.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from pydantic import BaseModel, Field

from domain.contacts.addresses import address_or_primary
from domain.contacts.attributes import attributes_by_contact
from domain.equipment.models import Equipment
from domain.equipment.service import equipment_by_contact
from domain.errors import Conflict
from domain.messages.models import Message, MessageCreate
from domain.messages.optouts import is_opted_out
from domain.messages.service import queue_message
from domain.notes.service import list_contact_notes
from domain.tenants.models import Tenant
from domain.tickets.models import Ticket
from domain.tickets.service import contact_history, ensure_open
from domain.tickets_work.service import visible_ticket

EARLIER_NOTES = 5


class EarlierNote(BaseModel):
    created_at: datetime
    author: str
    content: str


class JobContext(BaseModel):
    """What the customer's record says, for this visit."""
    attributes: dict[str, Any] = Field(default_factory=dict)
    equipment: list[Equipment] = Field(default_factory=list)
    earlier_notes: list[EarlierNote] = Field(default_factory=list)   # newest first, other visits only
    instructions: str | None = None                                  # the address's notes ("side door, dog")


async def _earlier_notes(conn: AsyncConnection, ticket: Ticket) -> list[EarlierNote]:
    """The contact's notes and the close-out notes of their earlier jobs (once each), newest first."""
    assert ticket.contact_id is not None
    notes = [EarlierNote(created_at=n.created_at, author=n.author, content=n.content)
             for n in await list_contact_notes(conn, contact_id=ticket.contact_id) if n.ticket_id != ticket.id]
    closed = [EarlierNote(created_at=t.closed_at, author=t.code, content=t.closeout_notes)
              for t in await contact_history(conn, contact_id=ticket.contact_id)
              if t.id != ticket.id and t.closeout_notes and t.closed_at]
    seen = {n.content for n in notes}
    merged = notes + [n for n in closed if n.content not in seen]
    return sorted(merged, key=lambda n: n.created_at, reverse=True)[:EARLIER_NOTES]


async def job_context(conn: AsyncConnection, *, ticket: Ticket) -> JobContext:
    """The contact's attributes and equipment, notes of earlier visits, the address's instructions."""
    if ticket.contact_id is None:
        return JobContext()
    contact = ticket.contact_id
    address = await address_or_primary(conn, contact_id=contact, address_id=ticket.address_id)
    return JobContext(attributes=(await attributes_by_contact(conn, contact_ids=[contact])).get(contact, {}),
                      equipment=(await equipment_by_contact(conn, contact_ids=[contact])).get(contact, []),
                      earlier_notes=await _earlier_notes(conn, ticket),
                      instructions=address.notes if address else None)


class OnMyWay(BaseModel):
    eta_minutes: int = Field(ge=5, le=240)


async def on_my_way(conn: AsyncConnection, *, tenant: Tenant, ticket_id: UUID, technician_name: str,
                    data: OnMyWay, now: datetime, only_technician: UUID | None = None) -> Message:
    """Texts the customer that the technician is coming, with the ETA; refused for a number that opted out
    (the sender would suppress it anyway, but the technician must know to call instead)."""
    ticket = await visible_ticket(conn, ticket_id=ticket_id, only_technician=only_technician)
    ensure_open(ticket)
    if await is_opted_out(conn, phone=ticket.customer_phone):
        raise Conflict("This customer has opted out of texts: call them instead.", code="OPTED_OUT")
    # urgent: it is sent now whatever the quiet hours; dropped if it could only arrive after the technician
    return await queue_message(conn, tenant=tenant, now=now, data=MessageCreate(
        message_type="on_my_way", to_address=ticket.customer_phone, contact_id=ticket.contact_id,
        ticket_id=ticket.id, urgent=True, expires_at=now + timedelta(minutes=data.eta_minutes),
        payload={"technician_name": technician_name.split()[0], "eta_minutes": data.eta_minutes,
                 "ticket_code": ticket.code}))
