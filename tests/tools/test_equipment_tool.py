"""The verified customer's equipment, heard through service_history: a verified caller hears their appliances
(never serials); anyone else, nothing but a refusal."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from domain.contacts.models import ContactCreate
from domain.contacts.service import create_contact
from domain.conversations.service import start_conversation
from domain.equipment.models import EquipmentCreate
from domain.equipment.service import add_equipment
from tools.account import service_history
from tools.deps import AgentDeps


@pytest.mark.parametrize("verified", [True, False])
async def test_only_a_verified_caller_hears_their_equipment(factory, clock, verified):
    a = await factory.tenant()
    async with a.tx() as conn:
        sarah = await create_contact(conn, tenant_id=a.id, region="CA",
                                     data=ContactCreate(name="Sarah", phone="+14165559876"))
        await add_equipment(conn, tenant_id=a.id, contact_id=sarah.id, data=EquipmentCreate(
            type="furnace", make="Lennox", model="ML180", serial="5912L04321", install_year=2012))
        conversation = await start_conversation(conn, tenant_id=a.id, channel="sms", phone="+14165559876",
                                                phone_verified=verified)
    deps = AgentDeps(db=a.db, tenant=a.tenant, conversation=conversation, clock=clock, secret=b"k")
    result = await service_history(SimpleNamespace(deps=deps))
    if verified:
        assert [(e.type, e.make, e.model, e.install_year) for e in result.equipment] == [
            ("furnace", "Lennox", "ML180", 2012)]
        assert "5912L04321" not in result.model_dump_json()
    else:
        assert result.error == "VERIFICATION_REQUIRED" and result.equipment == []
        assert "Lennox" not in result.model_dump_json()


async def test_another_customers_equipment_is_not_heard(factory, clock):
    a = await factory.tenant()
    async with a.tx() as conn:
        other = await create_contact(conn, tenant_id=a.id, region="CA",
                                     data=ContactCreate(name="Other", phone="+14165550111"))
        await add_equipment(conn, tenant_id=a.id, contact_id=other.id, data=EquipmentCreate(type="boiler"))
        conversation = await start_conversation(conn, tenant_id=a.id, channel="sms", phone="+14165559876",
                                                phone_verified=True)
    deps = AgentDeps(db=a.db, tenant=a.tenant, conversation=conversation, clock=clock, secret=b"k")
    assert (await service_history(SimpleNamespace(deps=deps))).equipment == []
