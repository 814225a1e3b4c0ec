"""Seed 004's sequence driven by a scripted model through the real tools; the database checked after each step.

Also measures tool calls and model requests per completed booking (printed; see docs/agent.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.db import fetch_dicts, tenant_tx
from tests.agent.scripted import Script, Step

TZ = ZoneInfo("America/Toronto")


class Db:
    """Reads the demo tenant's rows as the serving role."""

    def __init__(self, db, tenant):
        self.db, self.tenant = db, tenant

    async def rows(self, query, params=()):
        async with tenant_tx(self.db.app_pool, self.tenant.id, "test") as conn:
            return await fetch_dicts(conn, query, params)


async def test_new_customer_emergency(app, db, demo):
    """6.1: ticket first (phone only), then the customer, then options, then the booking."""
    runner, tenant, look = app.state.agent_runner, demo.tenant, Db(db, demo.tenant)
    conversation = await runner.start(tenant, channel="web")

    async def ticket_first(result):
        rows = await look.rows("select code, customer_phone, contact_id, status, category, urgency from tickets "
                               "where conversation_id = %s", (conversation.id,))
        assert [(r["customer_phone"], r["contact_id"], r["status"], r["category"], r["urgency"]) for r in rows] == [
            ("+14165551234", None, "open", "HVAC", "emergency")]
        assert await look.rows("select id from contacts where phone = '+14165551234'") == []

    async def customer_linked(result):
        contact = await look.rows("select id, name from contacts where phone = '+14165551234'")
        assert [c["name"] for c in contact] == ["Alex Martin"]
        ticket = await look.rows("select contact_id, service_address from tickets where conversation_id = %s",
                                 (conversation.id,))
        assert ticket == [{"contact_id": contact[0]["id"], "service_address": "123 Main Street, Toronto"}]

    async def options_offered(result):
        assert 1 <= len(result["options"]) <= 3 and result["matched_request"]
        assert await look.rows("select id from appointments where status = 'booked'") == []

    async def booked(result):
        assert result["booked"], result
        rows = await look.rows("""
            select t.status, te.name, te.skills, lower(a.during) as start, upper(a.during) - lower(a.during) as length
              from appointments a join tickets t on t.id = a.ticket_id join technicians te on te.id = a.technician_id
             where t.conversation_id = %s and a.status = 'booked'""", (conversation.id,))
        assert len(rows) == 1 and rows[0]["status"] == "scheduled" and "HVAC" in rows[0]["skills"]
        now = datetime(2025, 11, 6, 9, 30, tzinfo=TZ)
        assert now <= rows[0]["start"] <= now + timedelta(hours=4)
        assert rows[0]["length"] == timedelta(hours=2)      # the catalog's furnace repair
        events = await look.rows("select event_type from outbox_events where event_type = 'appointment.booked'")
        assert len(events) == 1

    script = Script([
        Step("record_service_request", {"category": "furnace", "description": "Furnace only blows cold air",
                                        "urgency": "emergency", "preferred_time": "today ASAP",
                                        "phone": "416-555-1234"}, ticket_first),
        Step("register_customer", {"name": "Alex Martin", "address": "123 Main Street, Toronto"}, customer_linked),
        Step("find_appointment_options", lambda r: {"ticket_code": r[0]["ticket_code"], "when": "today ASAP"},
             options_offered),
        Step("book_appointment", lambda r: {"option_id": r[2]["options"][0]["option_id"]}, booked),
    ], final_text="Booked.")
    reply = await runner.run_turn(tenant, conversation.id, "My furnace stopped working, 416-555-1234", model=script.model())
    assert script.position == 4 and len(script.results) == 4
    assert reply.tool_calls == ["record_service_request", "register_customer", "find_appointment_options",
                                "book_appointment"]
    assert reply.service_request["ticket"]["code"] == script.results[0]["ticket_code"]
    assert reply.service_request["customer"] == {"phone": "+14165551234", "name": "Alex Martin"}
    print(f"\nseed 6.1 new customer: {len(reply.tool_calls)} tool calls, {reply.model_requests} model requests")
    assert len(reply.tool_calls) <= 4


async def test_returning_customer_gets_previous_technician(app, db, demo):
    """6.2 over SMS: lookup finds Sarah, the ticket is linked at once, Mike Chen ranks first."""
    runner, tenant, look = app.state.agent_runner, demo.tenant, Db(db, demo.tenant)
    conversation = await runner.start(tenant, channel="sms", phone="+14165559876", verified=True)

    async def found(result):
        assert result["known_customer"] and result["name"] == "Sarah Johnson"
        assert "456 Oak Avenue" in result["address_on_file"] and "March 2025" in result["last_service"]

    async def linked(result):
        rows = await look.rows("select c.name from tickets t join contacts c on c.id = t.contact_id "
                               "where t.conversation_id = %s", (conversation.id,))
        assert rows == [{"name": "Sarah Johnson"}]

    async def mike_first(result):
        assert result["options"][0]["technician"] == "Mike Chen"
        assert all(o["start"].startswith(("Tuesday, November 11", "Wednesday, November 12")) for o in result["options"])

    async def booked(result):
        assert result["booked"] and result["technician"] == "Mike Chen"
        assert result["address"].startswith("456 Oak Avenue")

    script = Script([
        Step("identify_customer", {"phone": "416-555-9876"}, found),
        Step("record_service_request", {"category": "AC", "description": "Annual AC maintenance",
                                        "urgency": "scheduled"}, linked),
        Step("find_appointment_options", lambda r: {"ticket_code": r[1]["ticket_code"],
                                                    "when": "next week, Tuesday or Wednesday"}, mike_first),
        Step("book_appointment", lambda r: {"option_id": r[2]["options"][0]["option_id"]}, booked),
    ])
    reply = await runner.run_turn(tenant, conversation.id, "I need to schedule my annual AC maintenance",
                                  model=script.model())
    print(f"\nseed 6.2 returning customer: {len(reply.tool_calls)} tool calls, {reply.model_requests} model requests")
    assert len(reply.tool_calls) == 4 and reply.service_request["technician"]["name"] == "Mike Chen"


async def test_two_services_in_one_conversation(app, db, demo):
    """6.3: two tickets, two bookings that do not overlap each other."""
    runner, tenant, look = app.state.agent_runner, demo.tenant, Db(db, demo.tenant)
    conversation = await runner.start(tenant, channel="web")
    script = Script([
        Step("record_service_request", {"category": "HVAC", "description": "AC not cooling", "phone": "416-555-1111",
                                        "preferred_time": "this week"}),
        Step("record_service_request", {"category": "Electrical", "description": "Install three outlets",
                                        "preferred_time": "this week"}),
        Step("register_customer", {"name": "Chris Lee", "address": "10 Bay Street, Toronto"}),
        Step("find_appointment_options", lambda r: {"ticket_code": r[0]["ticket_code"], "when": "this week"}),
        Step("book_appointment", lambda r: {"option_id": r[3]["options"][0]["option_id"]}),
        Step("find_appointment_options", lambda r: {"ticket_code": r[1]["ticket_code"], "when": "this week"}),
        Step("book_appointment", lambda r: {"option_id": r[5]["options"][0]["option_id"]}),
    ])
    reply = await runner.run_turn(tenant, conversation.id, "HVAC and electrical work please", model=script.model())
    rows = await look.rows("""
        select t.category, a.during from appointments a join tickets t on t.id = a.ticket_id
         where t.conversation_id = %s and a.status = 'booked' order by lower(a.during)""", (conversation.id,))
    assert [r["category"] for r in rows] == ["HVAC", "Electrical"]
    assert rows[0]["during"].upper <= rows[1]["during"].lower
    print(f"\nseed 6.3 two bookings: {len(reply.tool_calls)} tool calls, {reply.model_requests} model requests")
    assert reply.service_request["bookings"] == 2
