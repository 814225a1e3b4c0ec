"""Equipment a close-out confirms: the record of the same appliance is completed, never doubled; a different
appliance of the same type gets its own record."""

from __future__ import annotations

import pytest

from domain.contacts.models import ContactCreate
from domain.contacts.service import create_contact
from domain.equipment.models import EquipmentCreate
from domain.equipment.service import add_equipment, list_equipment, record_equipment

SEEN = EquipmentCreate(type="Furnace", make="Lennox", model="ML180", install_year=2012)


class TestRecordEquipment:
    async def test_completes_the_record_of_the_same_appliance(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            sarah = await create_contact(conn, tenant_id=a.id, region="CA", data=ContactCreate(phone="+14165559876"))
            kept = await add_equipment(conn, tenant_id=a.id, contact_id=sarah.id,
                                       data=EquipmentCreate(type="furnace", install_year=2013, location="basement"))
            await record_equipment(conn, tenant_id=a.id, contact_id=sarah.id, data=SEEN)
            items = await list_equipment(conn, contact_id=sarah.id)
        assert [(i.id, i.type, i.make, i.model, i.install_year, i.location) for i in items] == [
            (kept.id, "furnace", "Lennox", "ML180", 2012, "basement")]

    @pytest.mark.parametrize("kept", [EquipmentCreate(type="furnace", make="Carrier"),
                                      EquipmentCreate(type="furnace", make="Lennox", model="EL296"),
                                      EquipmentCreate(type="boiler", make="Lennox")])
    async def test_another_appliance_gets_its_own_record(self, factory, kept):
        a = await factory.tenant()
        async with a.tx() as conn:
            sarah = await create_contact(conn, tenant_id=a.id, region="CA", data=ContactCreate(phone="+14165559876"))
            await add_equipment(conn, tenant_id=a.id, contact_id=sarah.id, data=kept)
            await record_equipment(conn, tenant_id=a.id, contact_id=sarah.id, data=SEEN)
            items = await list_equipment(conn, contact_id=sarah.id)
        # one transaction: both rows share created_at, so compare without order
        assert sorted((i.type, i.make, i.model or "") for i in items) == sorted(
            [(kept.type, kept.make, kept.model or ""), ("Furnace", "Lennox", "ML180")])
