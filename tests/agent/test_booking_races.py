"""Options are ids the server issued: invented or stale ids are refused, a lost race offers fresh times."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from domain.db import fetch_dicts, tenant_tx
from domain.scheduling import service as scheduling
from domain.tickets.models import TicketCreate
from domain.tickets.service import create_ticket
from tests.agent.conftest import WIDGET
from tests.agent.scripted import Script, Step


async def test_invented_and_stale_option_ids_get_an_error_and_fresh_options(app, demo):
    runner = app.state.agent_runner
    conversation = await runner.start(demo.tenant, channel="web")
    script = Script([
        Step("record_service_request", {"category": "Plumbing", "description": "Clogged drain", "phone": "416-555-0142"}),
        Step("book_appointment", {"option_id": "2025-11-06T10:00"}),                 # a time the model made up
        Step("find_appointment_options", lambda r: {"ticket_code": r[0]["ticket_code"], "when": "tomorrow"}),
        Step("book_appointment", lambda r: {"option_id": r[1]["options"][0]["option_id"]}),   # from the first set
    ])
    await runner.run_turn(demo.tenant, conversation.id, "drain", model=script.model())
    invented, fresh, stale = script.results[1], script.results[2], script.results[3]
    assert invented["error"] == "UNKNOWN_OPTION" and invented["options"] and not invented["booked"]
    assert stale["error"] == "UNKNOWN_OPTION" and not stale["booked"]
    assert {o["option_id"] for o in stale["options"]}.isdisjoint({o["option_id"] for o in fresh["options"]})


async def _take(db, tenant, start: datetime, technician_id: UUID, now: datetime) -> None:
    """Another customer books that exact time first (another process, another transaction)."""
    async with tenant_tx(db.app_pool, tenant.id, "other") as conn:
        ticket = await create_ticket(conn, tenant_id=tenant.id, region="CA", data=TicketCreate(
            customer_phone="+14165550777", service_category="Plumbing", estimated_duration_minutes=90))
        await scheduling.book(conn, tenant=tenant, ticket_id=ticket.id, technician_id=technician_id, start=start,
                              duration_minutes=90, now=now, booked_by="test")


async def test_a_time_taken_meanwhile_gets_alternatives_then_books(app, client, db, demo):
    conversation = None
    for message in ("My kitchen drain is clogged, can someone come tomorrow morning?", "416-555-0142",
                    "55 Queen St, Mississauga", "Jordan Blake"):
        r = await client.post("/api/v1/ai-agent/chat", headers=WIDGET,
                              json={"conversation_id": conversation, "message": message})
        conversation = r.json()["conversation_id"]
    assert "Shall I book" in r.json()["response"]
    state = await fetch_dicts_state(db, demo, conversation)
    first = state["options"]["items"][state["guided"]["offer"]["ids"][0]]
    await _take(db, demo.tenant, datetime.fromisoformat(first["start"]), UUID(first["technician_id"]), app.state.clock.now())
    r = await client.post("/api/v1/ai-agent/chat", headers=WIDGET, json={"conversation_id": conversation, "message": "yes"})
    assert r.json()["response"].startswith("Sorry, that time was just taken.")
    assert "Shall I book" in r.json()["response"] and r.json()["serviceRequest"] is None
    r = await client.post("/api/v1/ai-agent/chat", headers=WIDGET, json={"conversation_id": conversation, "message": "yes"})
    assert r.json()["response"].startswith("Booked:")
    booked = r.json()["serviceRequest"]
    assert (booked["appointment"]["start"], booked["technician"]["name"]) != (first["start"], first["technician"])
    # the booking queued its confirmation in the same transaction, so the reply may promise it
    assert "confirmation text" in r.json()["response"]
    appointment_id = (await fetch_dicts_state(db, demo, conversation))["bookings"][-1]["appointment_id"]
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        queued = await fetch_dicts(conn, """select to_address from scheduled_messages
                                           where message_type = 'appointment_confirmation' and appointment_id = %s""",
                                   (appointment_id,))
    assert [q["to_address"] for q in queued] == ["+14165550142"]


async def fetch_dicts_state(db, demo, conversation_id):
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        rows = await fetch_dicts(conn, "select state from conversations where id = %s", (conversation_id,))
    return rows[0]["state"]


async def test_verified_customer_reschedules_over_sms(app, db, demo):
    from tests.agent.test_security import _book_for_sarah
    booked = await _book_for_sarah(app, demo)
    runner = app.state.agent_runner
    sms = await runner.start(demo.tenant, channel="sms", phone="+14165559876", verified=True)
    texts = [(await runner.run_turn(demo.tenant, sms.id, m)).text
             for m in ("I need to reschedule my appointment", "Wednesday afternoon", "yes")]
    assert texts[0].startswith("Welcome back, Sarah!") and "When would you like to move it to?" in texts[0]
    assert "Wed Nov 12" in texts[1] and "Shall I book" in texts[1]
    assert texts[2].startswith("Done:") and "Wed Nov 12" in texts[2]
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        rows = await fetch_dicts(conn, "select status, lower(during) as start from appointments where status = 'booked'")
    assert len(rows) == 1 and rows[0]["start"].astimezone(demo.tenant.tz).day == 12
    assert booked["start"].startswith("Tuesday")
