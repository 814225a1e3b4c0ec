import re
from uuid import uuid4

import pytest

from domain.contacts.addresses import add_address
from domain.contacts.models import AddressCreate, ContactCreate
from domain.contacts.service import create_contact
from domain.errors import Conflict, Invalid, NotFound
from domain.pagination import Page
from domain.tickets import lifecycle, service
from domain.tickets.models import TicketCreate, TicketFilter, TicketUpdate


def request(phone="416 555 0101", category="HVAC", **extra) -> TicketCreate:
    return TicketCreate(customer_phone=phone, service_category=category, description="No heat", **extra)


async def _events(conn, event_type):
    cur = await conn.execute("select entity_id, payload from outbox_events where event_type = %s", (event_type,))
    return await cur.fetchall()


class TestCreate:
    async def test_phone_only_is_enough(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            first = await service.create_ticket(conn, tenant_id=a.id, data=request(), region="CA")
            second = await service.create_ticket(conn, tenant_id=a.id, data=request("4165550102"), region="CA")
            events = await _events(conn, "ticket.created")
        assert first.contact_id is None and first.customer_phone == "+14165550101"
        assert (first.code, second.code) == ("TASK-00001", "TASK-00002")
        assert first.status == "open" and first.urgency_level == "normal"
        assert {e[0] for e in events} == {first.id, second.id}
        assert events[0][1]["code"] in ("TASK-00001", "TASK-00002")

    async def test_links_the_contact_with_that_phone(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            sarah = await create_contact(conn, tenant_id=a.id, region="CA",
                                         data=ContactCreate(name="Sarah", phone="+14165559876"))
            ticket = await service.create_ticket(conn, tenant_id=a.id, data=request("(416) 555-9876"), region="CA")
            contact_events = await _events(conn, "contact.created")
        assert ticket.contact_id == sarah.id and ticket.customer_name == "Sarah"
        assert [e[0] for e in contact_events] == [sarah.id]

    async def test_category_by_name_or_synonym_and_unknown(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            by_synonym = await service.create_ticket(conn, tenant_id=a.id, data=request(category="furnace"), region="CA")
            by_case = await service.create_ticket(conn, tenant_id=a.id, data=request(category="plumbing"), region="CA")
            with pytest.raises(NotFound) as unknown:
                await service.create_ticket(conn, tenant_id=a.id, data=request(category="Astrology"), region="CA")
            with pytest.raises(NotFound) as urgency:
                await service.create_ticket(conn, tenant_id=a.id, data=request(urgency_level="whenever"), region="CA")
            with pytest.raises(Invalid) as phone:
                await service.create_ticket(conn, tenant_id=a.id, data=request("555"), region="CA")
        assert (by_synonym.service_category, by_case.service_category) == ("HVAC", "Plumbing")
        assert (unknown.value.code, urgency.value.code, phone.value.code) == (
            "UNKNOWN_CATEGORY", "UNKNOWN_URGENCY", "INVALID_PHONE")

    async def test_other_tenants_contact_cannot_be_named(self, factory):
        a, b = await factory.tenant(), await factory.tenant()
        async with b.tx() as conn:
            theirs = await create_contact(conn, tenant_id=b.id, region="CA", data=ContactCreate(name="B's"))
        async with a.tx() as conn:
            with pytest.raises(NotFound) as caught:
                await service.create_ticket(conn, tenant_id=a.id, data=request(contact_id=theirs.id), region="CA")
        assert caught.value.code == "UNKNOWN_CONTACT"


class TestLinkContact:
    async def test_idempotent_and_exclusive(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            ticket = await service.create_ticket(conn, tenant_id=a.id, data=request(), region="CA")
            c1 = await create_contact(conn, tenant_id=a.id, region="CA", data=ContactCreate(name="Pat"))
            c2 = await create_contact(conn, tenant_id=a.id, region="CA", data=ContactCreate(name="Sam"))
            once = await lifecycle.link_contact(conn, ticket_id=ticket.id, contact_id=c1.id)
            twice = await lifecycle.link_contact(conn, ticket_id=ticket.id, contact_id=c1.id)
            with pytest.raises(Conflict) as caught:
                await lifecycle.link_contact(conn, ticket_id=ticket.id, contact_id=c2.id)
            audit = await (await conn.execute(
                "select count(*) from audit_log where entity_id = %s and action = 'update'", (ticket.id,))).fetchone()
        assert once.contact_id == twice.contact_id == c1.id and once.customer_name == "Pat"
        assert caught.value.code == "TICKET_ALREADY_LINKED"
        assert audit[0] == 1    # the second link changed nothing

    async def test_registering_later_links_open_tickets(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            ticket = await service.create_ticket(conn, tenant_id=a.id, data=request("4165550199"), region="CA")
            contact = await create_contact(conn, tenant_id=a.id, region="CA",
                                           data=ContactCreate(name="Late", phone="+14165550199"))
            assert await lifecycle.link_tickets_by_phone(conn, contact_id=contact.id) == 1
            assert (await service.get_ticket(conn, ticket_id=ticket.id)).contact_id == contact.id


class TestStatus:
    @pytest.mark.parametrize("path", [
        ["scheduled", "in_progress", "completed"],
        ["cancelled"],
        ["scheduled", "cancelled"],
        ["scheduled", "open", "scheduled"],
    ])
    async def test_allowed_paths(self, factory, clock, path):
        a = await factory.tenant()
        async with a.tx() as conn:
            ticket = await service.create_ticket(conn, tenant_id=a.id, data=request(), region="CA")
            for status in path:
                ticket = await lifecycle.change_status(conn, tenant_id=a.id, ticket_id=ticket.id, status=status,
                                                       now=clock.now())
            changes = await _events(conn, "ticket.status_changed")
        assert ticket.status == path[-1]
        if path[-1] in ("completed", "cancelled"):   # closed at the business clock's time, not the server's
            assert abs((ticket.closed_at - clock.now()).total_seconds()) < 60
        else:
            assert ticket.closed_at is None
        assert [c[1]["to"] for c in changes] == path

    @pytest.mark.parametrize("path, bad", [
        ([], "in_progress"), ([], "completed"), (["scheduled"], "completed"),
        (["scheduled", "in_progress"], "scheduled"), (["scheduled", "in_progress"], "open"),
    ])
    async def test_invalid_transition(self, factory, clock, path, bad):
        a = await factory.tenant()
        async with a.tx() as conn:
            ticket = await service.create_ticket(conn, tenant_id=a.id, data=request(), region="CA")
            for status in path:
                await lifecycle.change_status(conn, tenant_id=a.id, ticket_id=ticket.id, status=status, now=clock.now())
            with pytest.raises(Conflict) as caught:
                await lifecycle.change_status(conn, tenant_id=a.id, ticket_id=ticket.id, status=bad, now=clock.now())
        assert caught.value.code == "INVALID_TRANSITION" and caught.value.status_code == 409

    async def test_closed_is_final(self, factory, clock):
        a = await factory.tenant()
        async with a.tx() as conn:
            ticket = await service.create_ticket(conn, tenant_id=a.id, data=request(), region="CA")
            await lifecycle.change_status(conn, tenant_id=a.id, ticket_id=ticket.id, status="cancelled", now=clock.now())
            for attempt in (
                lifecycle.change_status(conn, tenant_id=a.id, ticket_id=ticket.id, status="open", now=clock.now()),
                lifecycle.update_ticket(conn, tenant_id=a.id, ticket_id=ticket.id, now=clock.now(),
                                        data=TicketUpdate(description="changed")),
                service.delete_ticket(conn, ticket_id=ticket.id),
            ):
                with pytest.raises(Conflict) as caught:
                    await attempt
                assert caught.value.code == "TICKET_CLOSED"


class TestUpdate:
    async def test_fields_and_vocabulary(self, factory, clock):
        a = await factory.tenant()
        async with a.tx() as conn:
            ticket = await service.create_ticket(conn, tenant_id=a.id, data=request(), region="CA")
            updated = await lifecycle.update_ticket(conn, tenant_id=a.id, ticket_id=ticket.id, now=clock.now(),
                data=TicketUpdate(service_category="electrical", urgency_level="Emergency", title="Sparks"))
        assert (updated.service_category, updated.urgency_level, updated.title, updated.status) == (
            "Electrical", "emergency", "Sparks", "open")
        assert updated.description == "No heat"

    @pytest.mark.parametrize("change", [TicketUpdate(status="scheduled"), TicketUpdate(technician_id=uuid4())])
    async def test_status_and_technician_belong_to_the_workflow(self, factory, clock, change):
        a = await factory.tenant()
        async with a.tx() as conn:
            ticket = await service.create_ticket(conn, tenant_id=a.id, data=request(), region="CA")
            with pytest.raises(Invalid) as caught:
                await lifecycle.update_ticket(conn, tenant_id=a.id, ticket_id=ticket.id, now=clock.now(), data=change)
        assert caught.value.code == "WORKFLOW_FIELD"


class TestList:
    async def test_filters_and_cursor(self, factory, clock):
        a = await factory.tenant()
        async with a.tx() as conn:
            made = [await service.create_ticket(conn, tenant_id=a.id, region="CA",
                                                data=request(f"416555{i:04d}", "HVAC" if i % 2 else "Plumbing"))
                    for i in range(7)]
            await lifecycle.change_status(conn, tenant_id=a.id, ticket_id=made[0].id, status="scheduled", now=clock.now())
            await service.delete_ticket(conn, ticket_id=made[6].id)
        async with a.tx() as conn:
            seen, cursor = [], None
            while True:
                page: Page = await service.list_tickets(conn, limit=2, cursor=cursor, region="CA")
                seen += [t.id for t in page.data]
                if not (cursor := page.next_cursor):
                    break
            hvac = await service.list_tickets(conn, filters=TicketFilter(category="hvac"), region="CA")
            scheduled = await service.list_tickets(conn, filters=TicketFilter(status="scheduled"), region="CA")
            by_phone = await service.list_tickets(conn, filters=TicketFilter(phone="(416) 555-0003"), region="CA")
        # one transaction: equal created_at, so the order falls back to id; each live ticket exactly once
        assert len(seen) == len(set(seen)) and set(seen) == {t.id for t in made[:6]}
        assert {t.id for t in hvac.data} == {made[1].id, made[3].id, made[5].id}
        assert [t.id for t in scheduled.data] == [made[0].id]
        assert [t.id for t in by_phone.data] == [made[3].id]

    async def test_get_by_code_and_not_found(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            ticket = await service.create_ticket(conn, tenant_id=a.id, data=request(), region="CA")
            assert (await service.find_ticket(conn, ref="task-00001")).id == ticket.id
            assert (await service.find_ticket(conn, ref=str(ticket.id))).code == ticket.code
            with pytest.raises(NotFound):
                await service.find_ticket(conn, ref="TASK-99999")
        assert re.fullmatch(service.CODE_PATTERN, ticket.code)


class TestReads:
    async def test_get_tickets_leaves_out_deleted_and_missing(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            kept = await service.create_ticket(conn, tenant_id=a.id, data=request(), region="CA")
            gone = await service.create_ticket(conn, tenant_id=a.id, data=request(), region="CA")
            await service.delete_ticket(conn, ticket_id=gone.id)
            found = await service.get_tickets(conn, ticket_ids=[kept.id, gone.id, uuid4()])
        assert [t.id for t in found] == [kept.id]

    async def test_contact_history_newest_first_and_other_tenant(self, factory):
        a, b = await factory.tenant(), await factory.tenant()
        async with a.tx() as conn:
            sarah = await create_contact(conn, tenant_id=a.id, region="CA",
                                         data=ContactCreate(name="Sarah", phone="4165559876"))
            first = await service.create_ticket(conn, tenant_id=a.id, data=request("4165559876"), region="CA")
            await conn.execute("update tickets set created_at = created_at - interval '1 day' where id = %s",
                               (first.id,))
            second = await service.create_ticket(conn, tenant_id=a.id, data=request("4165559876"), region="CA")
            await service.create_ticket(conn, tenant_id=a.id, data=request("4165550000"), region="CA")
            history = await service.contact_history(conn, contact_id=sarah.id)
        assert [t.id for t in history] == [second.id, first.id]
        async with b.tx() as conn:
            assert await service.contact_history(conn, contact_id=sarah.id) == []

    async def test_service_address_text_then_saved_then_primary(self, factory):
        a = await factory.tenant()
        async with a.tx() as conn:
            sarah = await create_contact(conn, tenant_id=a.id, region="CA",
                                         data=ContactCreate(name="Sarah", phone="4165559876"))
            bare = await service.create_ticket(conn, tenant_id=a.id, data=request("4165559876"), region="CA")
            assert await service.service_address(conn, ticket=bare) is None
            await add_address(conn, tenant_id=a.id, contact_id=sarah.id,
                              data=AddressCreate(line1="456 Oak Avenue", city="Toronto"))
            cottage = await add_address(conn, tenant_id=a.id, contact_id=sarah.id,
                                        data=AddressCreate(line1="1 Lake Rd", city="Muskoka"))
            assert await service.service_address(conn, ticket=bare) == "456 Oak Avenue, Toronto"
            saved = await service.create_ticket(conn, tenant_id=a.id, region="CA",
                                                data=request("4165559876", address_id=cottage.id))
            assert await service.service_address(conn, ticket=saved) == "1 Lake Rd, Muskoka"
            typed = await service.create_ticket(conn, tenant_id=a.id, region="CA",
                                                data=request("4165559876", service_address="9 Elm St"))
            assert await service.service_address(conn, ticket=typed) == "9 Elm St"
