"""The staff page of outbound messages: recorded SMS are readable there, by dispatchers only."""

from domain.messages.models import MessageCreate
from domain.messages.service import queue_message
from domain.db import tenant_tx
from domain.tenants.service import get_tenant
from tests.staff.helpers import seed, signed_in

JAMIE, MIKE = "jamie@demo.fieldbook.test", "mike@demo.fieldbook.test"


async def _queue(db, tenant_id, clock, to: str, text: str):
    async with tenant_tx(db.app_pool, tenant_id, "test") as conn:
        tenant = await get_tenant(conn, tenant_id)
        return await queue_message(conn, tenant=tenant, now=clock.now(), data=MessageCreate(
            message_type="custom", to_address=to, payload={"text": text}))


async def test_dispatcher_lists_and_filters_messages(client, db, clock):
    demo = await seed(db)
    await _queue(db, demo.tenant_id, clock, "+14165559876", "Your furnace visit is confirmed")
    await _queue(db, demo.tenant_id, clock, "+14165550111", "<b>Not bold</b>")
    await signed_in(client, db, tenant_id=demo.tenant_id, email=JAMIE, now=clock.now())

    everything = await client.get("/staff/messages")
    assert everything.status_code == 200
    assert "+14165559876" in everything.text and "+14165550111" in everything.text
    only_sarah = await client.get("/staff/messages", params={"phone": "(416) 555-9876", "status": "pending"})
    assert "+14165559876" in only_sarah.text and "+14165550111" not in only_sarah.text
    none = await client.get("/staff/messages", params={"status": "failed"})
    assert "No messages match" in none.text
    bad = await client.get("/staff/messages", params={"status": "lost"})
    assert bad.status_code == 422 and "INVALID_STATUS" in bad.text


async def test_technicians_cannot_open_it(client, db, clock):
    demo = await seed(db)
    await signed_in(client, db, tenant_id=demo.tenant_id, email=MIKE, now=clock.now())
    assert (await client.get("/staff/messages")).status_code == 403


async def test_signed_out_goes_to_login(client):
    response = await client.get("/staff/messages")
    assert response.status_code == 303 and response.headers["location"] == "/staff/login"
