import pytest

from domain.contacts import addresses, attributes
from domain.contacts.models import AddressCreate, AttributeSet, ContactCreate
from domain.contacts.service import create_contact, delete_contact
from domain.errors import NotFound


async def _contact(conn, tenant_id, name="Sarah"):
    return await create_contact(conn, tenant_id=tenant_id, region="CA", data=ContactCreate(name=name))


class TestAddresses:
    async def test_first_is_primary_and_new_primary_demotes(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            c = await _contact(conn, a.id)
            home = await addresses.add_address(conn, tenant_id=a.id, contact_id=c.id, data=AddressCreate(line1="456 Oak Avenue"))
            cottage = await addresses.add_address(conn, tenant_id=a.id, contact_id=c.id,
                                                  data=AddressCreate(line1="1 Lake Rd", is_primary=True))
            listed = await addresses.list_addresses(conn, contact_id=c.id)
        assert home.is_primary
        assert [(x.id, x.is_primary) for x in listed] == [(cottage.id, True), (home.id, False)]

    async def test_hard_delete_and_not_found(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            c = await _contact(conn, a.id)
            other = await _contact(conn, a.id, "Other")
            addr = await addresses.add_address(conn, tenant_id=a.id, contact_id=c.id, data=AddressCreate(line1="1 Elm"))
            with pytest.raises(NotFound):     # an address is deleted only through its own contact
                await addresses.delete_address(conn, contact_id=other.id, address_id=addr.id)
            await addresses.delete_address(conn, contact_id=c.id, address_id=addr.id)
            assert await addresses.list_addresses(conn, contact_id=c.id) == []
            with pytest.raises(NotFound):
                await addresses.delete_address(conn, contact_id=c.id, address_id=addr.id)

    async def test_deleted_contact_has_no_addresses(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            c = await _contact(conn, a.id)
            await delete_contact(conn, contact_id=c.id)
            with pytest.raises(NotFound):
                await addresses.add_address(conn, tenant_id=a.id, contact_id=c.id, data=AddressCreate(line1="x"))


class TestAttributes:
    async def test_upsert_by_key_and_delete(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            c = await _contact(conn, a.id)
            first = await attributes.set_attribute(conn, tenant_id=a.id, contact_id=c.id,
                                                   data=AttributeSet(key="gate_code", value="4411"))
            second = await attributes.set_attribute(conn, tenant_id=a.id, contact_id=c.id,
                                                    data=AttributeSet(key="gate_code", value={"code": "9999"}))
            await attributes.set_attribute(conn, tenant_id=a.id, contact_id=c.id, data=AttributeSet(key="dog", value="Biscuit"))
            listed = await attributes.list_attributes(conn, contact_id=c.id)
            await attributes.delete_attribute(conn, contact_id=c.id, key="dog")
            with pytest.raises(NotFound):
                await attributes.delete_attribute(conn, contact_id=c.id, key="dog")
            remaining = await attributes.list_attributes(conn, contact_id=c.id)
        assert first.id == second.id and second.value == {"code": "9999"}
        assert [(x.key, x.value) for x in listed] == [("dog", "Biscuit"), ("gate_code", {"code": "9999"})]
        assert [x.key for x in remaining] == ["gate_code"]
