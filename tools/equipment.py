"""The verified customer's equipment on record, as an agent tool ("when was my furnace put in?").

Kept apart from the agent's tool set on purpose: the agent registers it with the others. Like every
account tool, it answers only a verified caller, and never with serial numbers.
"""

from __future__ import annotations

from pydantic import BaseModel
from pydantic_ai import RunContext

from domain.contacts.service import get_by_phone
from domain.equipment.service import equipment_by_contact
from tools.account import VERIFY_FIRST
from tools.deps import AgentDeps
from tools.models import ToolResult


class MyEquipmentItem(BaseModel):
    type: str
    make: str | None = None
    model: str | None = None
    install_year: int | None = None
    location: str | None = None
    warranty_end: str | None = None


class EquipmentResult(ToolResult):
    equipment: list[MyEquipmentItem] = []


async def my_equipment(ctx: RunContext[AgentDeps]) -> EquipmentResult:
    """The appliances on record for the verified customer: type, make, model, install year, where, warranty."""
    deps = ctx.deps
    deps.tool_calls.append("my_equipment")
    if not deps.verified:
        return EquipmentResult(**VERIFY_FIRST.model_dump())
    async with deps.tx() as conn:
        contact_id = deps.conversation.contact_id
        if contact_id is None and deps.conversation.phone:
            contact = await get_by_phone(conn, phone=deps.conversation.phone)
            contact_id = contact.id if contact else None
        items = (await equipment_by_contact(conn, contact_ids=[contact_id])).get(contact_id, []) if contact_id else []
    return EquipmentResult(equipment=[
        MyEquipmentItem(type=e.type, make=e.make, model=e.model, install_year=e.install_year, location=e.location,
                        warranty_end=e.warranty_end.isoformat() if e.warranty_end else None) for e in items])
