"""The verified customer's equipment on record, for service_history ("when was my furnace put in?").

A part of the history rather than a tool of its own: one more tool schema would cost every turn's
prompt, and the guided engine answers it through the same call. Never with serial numbers.
"""

from __future__ import annotations

from psycopg import AsyncConnection

from domain.contacts.service import get_by_phone
from domain.equipment.service import equipment_by_contact
from tools.deps import AgentDeps
from tools.models import EquipmentItem


async def equipment_on_record(conn: AsyncConnection, deps: AgentDeps) -> list[EquipmentItem]:
    """The appliances of the conversation's contact (or the contact of its verified phone); callers check
    verification first."""
    contact_id = deps.conversation.contact_id
    if contact_id is None and deps.conversation.phone:
        contact = await get_by_phone(conn, phone=deps.conversation.phone)
        contact_id = contact.id if contact else None
    if contact_id is None:
        return []
    items = (await equipment_by_contact(conn, contact_ids=[contact_id])).get(contact_id, [])
    return [EquipmentItem(type=e.type, make=e.make, model=e.model, install_year=e.install_year, location=e.location,
                          warranty_end=e.warranty_end.isoformat() if e.warranty_end else None) for e in items]
