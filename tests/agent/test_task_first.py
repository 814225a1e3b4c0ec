"""Task-first under failure: the customer record fails to save, the ticket with the phone survives, a retry links."""

from __future__ import annotations

from domain.db import admin_tx, fetch_dicts, tenant_tx
from tests.agent.scripted import Script, Step


async def _rows(db, tenant, query, params=()):
    async with tenant_tx(db.app_pool, tenant.id, "test") as conn:
        return await fetch_dicts(conn, query, params)


async def test_customer_creation_fails_then_retry_links(app, db, demo):
    runner, tenant = app.state.agent_runner, demo.tenant
    conversation = await runner.start(tenant, channel="web")
    # the database itself refuses this customer (as a lost connection or a broken rule would)
    async with admin_tx(db) as conn:
        await conn.execute("alter table contacts add constraint refuse_for_test "
                           "check (phone is distinct from '+14165550999') not valid")
    first = Script([
        Step("record_service_request", {"category": "leak", "description": "Leak under the sink",
                                        "phone": "416-555-0999"}),
        Step("register_customer", {"name": "Robin Vale", "address": "5 Elm Street, Toronto"}),
    ])
    await runner.run_turn(tenant, conversation.id, "Leak under my sink, 416-555-0999", model=first.model())
    assert first.results[1]["error"] == "CONSTRAINT_VIOLATION"
    tickets = await _rows(db, tenant, "select code, customer_phone, contact_id from tickets where conversation_id = %s",
                          (conversation.id,))
    assert [(t["customer_phone"], t["contact_id"]) for t in tickets] == [("+14165550999", None)]
    assert await _rows(db, tenant, "select id from contacts where phone = '+14165550999'") == []

    async with admin_tx(db) as conn:
        await conn.execute("alter table contacts drop constraint refuse_for_test")
    retry = Script([Step("register_customer", {"name": "Robin Vale", "address": "5 Elm Street, Toronto"})])
    await runner.run_turn(tenant, conversation.id, "Robin Vale, 5 Elm Street", model=retry.model())
    assert retry.results[0]["registered"]
    linked = await _rows(db, tenant, """
        select c.name, t.code, t.service_address from tickets t join contacts c on c.id = t.contact_id
         where t.conversation_id = %s""", (conversation.id,))
    assert linked == [{"name": "Robin Vale", "code": tickets[0]["code"], "service_address": "5 Elm Street, Toronto"}]


async def test_record_service_request_is_idempotent_within_a_conversation(app, db, demo):
    runner, tenant = app.state.agent_runner, demo.tenant
    conversation = await runner.start(tenant, channel="web")
    args = {"category": "Plumbing", "description": "Dripping tap", "phone": "416-555-0998"}
    script = Script([Step("record_service_request", args),
                     Step("record_service_request", args | {"description": "Dripping tap, kitchen"})])
    await runner.run_turn(tenant, conversation.id, "Dripping tap", model=script.model())
    assert script.results[0]["ticket_code"] == script.results[1]["ticket_code"]
    rows = await _rows(db, tenant, "select description from tickets where conversation_id = %s", (conversation.id,))
    assert rows == [{"description": "Dripping tap, kitchen"}]
