"""Every mutation leaves an audit row, in the same transaction, naming the actor."""

from uuid import uuid4

import pytest

from domain.audit.service import history
from domain.contacts import addresses, attributes, service as contacts
from domain.contacts.models import AddressCreate, AttributeSet, ContactCreate, ContactUpdate
from domain.errors import Invalid
from domain.notes import service as notes
from domain.notes.models import NoteCreate
from domain.tickets import lifecycle, service as tickets
from domain.tickets.models import TicketCreate, TicketUpdate


async def test_each_mutation_is_audited_with_its_actor(factory, clock):
    a = await factory.tenant()
    async with a.tx("staff:alice") as conn:
        contact = await contacts.create_contact(conn, tenant_id=a.id, region="CA", data=ContactCreate(name="Al"))
        address = await addresses.add_address(conn, tenant_id=a.id, contact_id=contact.id,
                                              data=AddressCreate(line1="1 Elm St"))
        await attributes.set_attribute(conn, tenant_id=a.id, contact_id=contact.id, data=AttributeSet(key="dog", value="Biscuit"))
    async with a.tx("apikey:42") as conn:
        await contacts.update_contact(conn, contact_id=contact.id, region="CA", data=ContactUpdate(name="Alan"))
        await attributes.set_attribute(conn, tenant_id=a.id, contact_id=contact.id, data=AttributeSet(key="dog", value="Rex"))
        ticket = await tickets.create_ticket(conn, tenant_id=a.id, region="CA", data=TicketCreate(
            customer_phone="4165550123", service_category="HVAC"))
        for change in (TicketUpdate(title="Furnace"), TicketUpdate(description="No heat")):
            await lifecycle.update_ticket(conn, tenant_id=a.id, ticket_id=ticket.id, now=clock.now(), data=change)
        note = await notes.add_contact_note(conn, tenant_id=a.id, contact_id=contact.id, author="x",
                                            data=NoteCreate(content="n"))
    async with a.tx("agent:web") as conn:
        await notes.delete_note(conn, note_id=note.id)
        await attributes.delete_attribute(conn, contact_id=contact.id, key="dog")
        await addresses.delete_address(conn, contact_id=contact.id, address_id=address.id)
        await contacts.delete_contact(conn, contact_id=contact.id)
    async with a.tx() as conn:
        trail = {kind: [(e.action, e.actor) for e in await history(conn, entity_type=kind, entity_id=row)]
                 for kind, row in (("contact", contact.id), ("address", address.id), ("note", note.id),
                                   ("ticket", ticket.id))}
        attribute_rows = await (await conn.execute("""
            select action, actor, new_row->'value', old_row->'value' from audit_log
             where entity_type = 'attributes' order by id""")).fetchall()
    assert trail["contact"] == [("create", "staff:alice"), ("update", "apikey:42"), ("delete", "agent:web")]
    assert trail["address"] == [("create", "staff:alice"), ("delete", "agent:web")]
    assert trail["note"] == [("create", "apikey:42"), ("delete", "agent:web")]
    assert trail["ticket"] == [("create", "apikey:42"), ("update", "apikey:42"), ("update", "apikey:42")]
    assert attribute_rows == [("create", "staff:alice", "Biscuit", None), ("update", "apikey:42", "Rex", "Biscuit"),
                              ("delete", "agent:web", None, "Rex")]


async def test_history_is_the_callers_tenant_only(factory):
    a, b = await factory.tenant(), await factory.tenant()
    async with a.tx() as conn:
        contact = await contacts.create_contact(conn, tenant_id=a.id, region="CA", data=ContactCreate(name="A's"))
    async with b.tx() as conn:
        assert await history(conn, entity_type="contacts", entity_id=contact.id) == []
        with pytest.raises(Invalid) as caught:
            await history(conn, entity_type="pg_authid", entity_id=uuid4())
    assert caught.value.code == "UNKNOWN_ENTITY_TYPE"
