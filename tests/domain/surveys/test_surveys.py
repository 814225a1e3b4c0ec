"""Satisfaction surveys: asked by text after a close-out, answered by an SMS score that never reaches the agent."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.db import fetch_dicts, fetch_value, tenant_tx
from domain.messages.optouts import opt_out
from domain.privacy.service import erase_contact
from domain.surveys.service import read_answer
from domain.tickets_work import closeout, service as work
from domain.tickets_work.models import NextService
from tests.sms.test_webhook import http, inbound, reply_of, sms_app, text  # noqa: F401 (fixtures)
from tests.staff.helpers import seed_job

SARAH = "+14165559876"


async def _close_out(db, demo, clock, ticket_id):
    now = clock.now()
    async with tenant_tx(db.app_pool, demo.tenant.id, "staff:test") as conn:
        await work.clock_in(conn, tenant_id=demo.tenant.id, ticket_id=ticket_id, now=now)
        await closeout.start_closeout(conn, ticket_id=ticket_id, duration_minutes=60, notes="", now=now)
        await closeout.finalize_closeout(conn, tenant=demo.tenant, ticket_id=ticket_id, author="test", attributes={},
                                         next_service=NextService(), now=now, booked_by="staff:test")


async def _rows(db, demo, query, *params):
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        return await fetch_dicts(conn, query, params or None)


@pytest.fixture
async def visited(db, sms_app, clock):
    """Sarah's furnace job, closed out: her survey is on its way."""
    _, demo = sms_app
    ticket = await seed_job(db, tenant_id=demo.tenant.id)
    await _close_out(db, demo, clock, ticket)
    return demo, ticket


async def test_close_out_queues_one_question(db, visited):
    demo, ticket = visited
    [survey] = await _rows(db, demo, "select * from satisfaction_surveys")
    [message] = await _rows(db, demo, "select * from scheduled_messages where id = %s", survey["message_id"])
    assert (survey["ticket_id"], survey["phone"], survey["score"]) == (ticket, SARAH, None)
    assert message["to_address"] == SARAH and message["status"] == "pending" and message["ticket_id"] == ticket
    assert "Reply with a number from 1 (poor) to 5 (excellent)" in message["payload"]["text"]


async def test_opted_out_customer_is_not_asked(db, sms_app, clock):
    _, demo = sms_app
    ticket = await seed_job(db, tenant_id=demo.tenant.id)
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        await opt_out(conn, tenant_id=demo.tenant.id, phone=SARAH)
    await _close_out(db, demo, clock, ticket)
    assert await _rows(db, demo, "select * from satisfaction_surveys") == []
    assert await _rows(db, demo, "select * from scheduled_messages where payload->>'text' like 'Thanks for choosing%%'") == []


async def test_sms_score_answers_the_survey_not_the_agent(db, http, visited):  # noqa: F811
    demo, ticket = visited
    r = await text(http, inbound("4"))
    assert reply_of(r) == "Thank you! We're glad we could help."
    [survey] = await _rows(db, demo, "select score, comment, answered_at, alerted_at from satisfaction_surveys")
    assert (survey["score"], survey["comment"], survey["alerted_at"]) == (4, None, None) and survey["answered_at"]
    assert await _rows(db, demo, "select * from conversations where phone = %s", SARAH) == []   # no agent turn
    # answered: a second number is a message for the agent again
    r = await text(http, inbound("5"))
    assert "Thank you!" not in reply_of(r)
    assert len(await _rows(db, demo, "select * from conversations where phone = %s", SARAH)) == 1


async def test_low_score_alerts_the_owner(db, http, visited):  # noqa: F811
    demo, ticket = visited
    r = await text(http, inbound("2 - the technician was two hours late"))
    assert "sorry" in reply_of(r)
    [survey] = await _rows(db, demo, "select score, comment, alerted_at from satisfaction_surveys")
    assert (survey["score"], survey["comment"]) == (2, "the technician was two hours late") and survey["alerted_at"]
    [mail] = await _rows(db, demo, "select * from scheduled_messages where channel = 'email'")
    assert mail["to_address"] == "taylor@demo.fieldbook.test" and mail["urgent"]
    assert "rated the visit" in mail["payload"]["text"] and "two hours late" in mail["payload"]["text"]
    events = [e["event_type"] for e in await _rows(db, demo, "select event_type from outbox_events "
                                                             "where event_type like 'survey.%%' order by created_at")]
    assert sorted(events) == ["survey.answered", "survey.low_score"]


async def test_a_late_or_unasked_score_goes_to_the_agent(db, http, visited, clock):  # noqa: F811
    demo, _ = visited
    r = await text(http, inbound("3", sender="+14165550177"))       # nobody asked this number
    assert "feedback" not in reply_of(r)
    clock.advance(8 * 24 * 3600)                                    # Sarah answers after a week
    r = await text(http, inbound("3"))
    assert "feedback" not in reply_of(r)
    assert (await _rows(db, demo, "select score from satisfaction_surveys"))[0]["score"] is None


@pytest.mark.parametrize("written, score, comment", [
    ("4", 4, None), (" 5 stars!", 5, None), ("2/5 the tech was late", 2, "the tech was late"),
    ("1. Rude.", 1, "Rude."), ("5 out of 5", 5, None)])
def test_scores_are_read(written, score, comment):
    answer = read_answer(written)
    assert (answer.score, answer.comment) == (score, comment)


@pytest.mark.parametrize("written", ["6", "45", "4.5", "0", "yes", "416 555 0100", "10am",
                                     "", "3pm"])
def test_other_texts_are_not_scores(written):
    assert read_answer(written) is None


async def test_erasure_scrubs_the_survey(db, http, visited, clock):  # noqa: F811
    demo, _ = visited
    await text(http, inbound("1 awful, call me on 416 555 9876"))
    async with tenant_tx(db.app_pool, demo.tenant.id, "test") as conn:
        sarah = await fetch_value(conn, "select id from contacts where phone = %s", (SARAH,))
        report = await erase_contact(conn, tenant_id=demo.tenant.id, contact_id=sarah, now=clock.now())
    assert report.surveys == 1
    [survey] = await _rows(db, demo, "select phone, comment, score from satisfaction_surveys")
    assert survey == {"phone": None, "comment": None, "score": 1}
    trail = await _rows(db, demo, "select old_row::text || new_row::text as rows from audit_log "
                                  "where entity_type = 'satisfaction_surveys'")
    assert trail and not any("9876" in (row["rows"] or "") or "awful" in (row["rows"] or "") for row in trail)
