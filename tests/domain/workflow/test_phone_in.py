"""Phone-in by the agent's rules: the ticket first, then the caller's record and address, linked."""

from __future__ import annotations

import pytest

from domain.contacts.addresses import add_address
from domain.contacts.models import AddressCreate, ContactCreate
from domain.contacts.service import create_contact
from domain.db import fetch_dicts
from domain.errors import NotFound
from domain.workflow.phone_in import PhoneIn, look_up_caller, take_call
from tests.domain.scheduling.helpers import NOW


def call(**extra) -> PhoneIn:
    return PhoneIn(**({"phone": "(416) 555-0142", "category": "plumbing", "description": "Leaking pipe under sink"}
                      | extra))


class TestTakeCall:
    async def test_new_caller_gets_a_record_and_the_address(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            before = await look_up_caller(conn, tenant=a.tenant, phone="416 555 0142")
            ticket = await take_call(conn, tenant=a.tenant, now=NOW, data=call(
                name="Dana Lee", urgency="urgent", duration_minutes=90,
                new_address=AddressCreate(line1="12 Elm St", city="Toronto")))
            after = await look_up_caller(conn, tenant=a.tenant, phone="+14165550142")
        assert before.contact is None and before.phone == "+14165550142"
        assert (ticket.service_category, ticket.urgency_level, ticket.source_channel) == ("Plumbing", "urgent", "staff")
        assert ticket.estimated_duration_minutes == 90 and ticket.service_address == "12 Elm St, Toronto"
        assert after.contact.name == "Dana Lee" and ticket.contact_id == after.contact.id
        assert [x.line1 for x in after.addresses] == ["12 Elm St"] and ticket.address_id == after.addresses[0].id
        assert [t.id for t in after.open_tickets] == [ticket.id]

    async def test_returning_caller_is_corrected_and_keeps_an_address(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            known = await create_contact(conn, tenant_id=a.id, region="CA",
                                         data=ContactCreate(name="Dan Lee", phone="4165550142"))
            await add_address(conn, tenant_id=a.id, contact_id=known.id, data=AddressCreate(line1="1 Oak Ave"))
            cottage = await add_address(conn, tenant_id=a.id, contact_id=known.id,
                                        data=AddressCreate(line1="9 Lake Rd", city="Muskoka"))
            ticket = await take_call(conn, tenant=a.tenant, now=NOW, data=call(name="Dana Lee", address_id=cottage.id))
            contacts = await fetch_dicts(conn, "select name from contacts")
        assert contacts == [{"name": "Dana Lee"}]
        assert (ticket.contact_id, ticket.address_id, ticket.service_address) == (known.id, cottage.id,
                                                                                  "9 Lake Rd, Muskoka")

    async def test_no_name_for_a_new_caller_still_records_the_request(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            ticket = await take_call(conn, tenant=a.tenant, now=NOW, data=call())
            contacts = await fetch_dicts(conn, "select id from contacts")
        assert ticket.contact_id is None and ticket.customer_phone == "+14165550142" and contacts == []

    async def test_someone_elses_address_is_refused(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            other = await create_contact(conn, tenant_id=a.id, region="CA",
                                         data=ContactCreate(name="Other", phone="4165550100"))
            theirs = await add_address(conn, tenant_id=a.id, contact_id=other.id, data=AddressCreate(line1="2 Pine"))
            with pytest.raises(NotFound) as caught:
                await take_call(conn, tenant=a.tenant, now=NOW, data=call(name="Dana", address_id=theirs.id))
        assert caught.value.code == "UNKNOWN_ADDRESS"
