"""Soft-deleted rows vanish from every read, yet stay in the table for history."""

from decimal import Decimal

import psycopg
import pytest

from domain.catalog import service as catalog
from domain.catalog.models import ServiceCreate
from domain.contacts import service as contacts
from domain.contacts.models import ContactCreate
from domain.errors import NotFound
from domain.notes import service as notes
from domain.notes.models import NoteCreate
from domain.tickets import service as tickets
from domain.tickets.models import TicketCreate


async def _still_stored(db, table, row_id) -> bool:
    async with db.admin_pool.connection() as conn:   # the platform role: superuser in the harness
        row = await (await conn.execute(f"select deleted_at is not null from {table} where id = %s", (row_id,))).fetchone()
    return bool(row and row[0])


async def test_contacts_tickets_notes_services(db, factory):
    a = await factory.tenant()
    async with a.tx() as conn:
        contact = await contacts.create_contact(conn, tenant_id=a.id, region="CA",
                                                data=ContactCreate(name="Gone", phone="4165550111"))
        ticket = await tickets.create_ticket(conn, tenant_id=a.id, region="CA", data=TicketCreate(
            customer_phone="4165550111", service_category="HVAC"))
        note = await notes.add_ticket_note(conn, tenant_id=a.id, ticket_id=ticket.id, author="t",
                                           data=NoteCreate(content="hi"))
        service = await catalog.create_service(conn, tenant_id=a.id, data=ServiceCreate(
            name="Tune-up", category="HVAC", pricing_type="fixed", price=Decimal("99")))
    async with a.tx() as conn:
        await notes.delete_note(conn, note_id=note.id)
        await tickets.delete_ticket(conn, ticket_id=ticket.id)
        await catalog.delete_service(conn, service_id=service.id)
        await contacts.delete_contact(conn, contact_id=contact.id)
    async with a.tx() as conn:
        for read in (contacts.get_contact(conn, contact_id=contact.id), tickets.get_ticket(conn, ticket_id=ticket.id),
                     notes.get_note(conn, note_id=note.id), catalog.get_service(conn, service_id=service.id)):
            with pytest.raises(NotFound):
                await read
        assert (await contacts.list_contacts(conn)).data == []
        assert (await tickets.list_tickets(conn)).data == []
        assert await catalog.list_services(conn) == []
        assert await contacts.get_by_phone(conn, phone="+14165550111") is None
        # the phone is free again for a new live contact
        await contacts.create_contact(conn, tenant_id=a.id, region="CA", data=ContactCreate(phone="4165550111"))
    for table, row_id in (("contacts", contact.id), ("tickets", ticket.id), ("notes", note.id),
                          ("services", service.id)):
        assert await _still_stored(db, table, row_id), table


@pytest.mark.parametrize("table", ["line_items", "invoices", "contacts", "tickets", "notes", "services"])
async def test_serving_role_hides_and_cannot_hard_delete(db, factory, table):
    from tests.tenant_world import build_world
    a = await factory.tenant()
    async with a.tx() as conn:
        refs = await build_world(conn, a.id)
    async with a.tx() as conn:
        await conn.execute(f"update {table} set deleted_at = now() where id = %s", (refs[table],))
    async with a.tx() as conn:
        hidden = await (await conn.execute(f"select count(*) from {table} where id = %s", (refs[table],))).fetchone()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            async with conn.transaction():
                await conn.execute(f"delete from {table} where id = %s", (refs[table],))
    assert hidden == (0,)
    assert await _still_stored(db, table, refs[table])
