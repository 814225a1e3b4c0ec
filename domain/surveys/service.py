"""Satisfaction surveys: asked by SMS after a completed visit, answered by a reply of 1 to 5.

The question is queued in the close-out's transaction (never to a number that opted out; the sender checks
again when it sends). An inbound SMS that is a score, from a number with a survey waiting, is the answer
and never reaches the booking agent. A low score alerts the business's owners by email.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from uuid import UUID

from psycopg import AsyncConnection

from domain.db import fetch_all, fetch_one
from domain.messages.models import MessageCreate
from domain.messages.optouts import is_opted_out
from domain.messages.service import queue_message
from domain.outbox.service import emit_event
from domain.reports.models import Csat, ReportWindow
from domain.staff.service import list_staff
from domain.surveys.models import LOW_SCORE, Survey, SurveyAnswer
from domain.tenants.models import Tenant
from domain.tickets.models import Ticket

ANSWER_WINDOW = timedelta(days=7)      # a score texted later than this is a new conversation, not an answer
QUESTION = ("Thanks for choosing {business}! How was your {service} visit ({code})? "
            "Reply with a number from 1 (poor) to 5 (excellent).")
THANKS = {
    "low": "We're sorry we let you down. Thank you for telling us; the owner will look into it and may call you.",
    "mid": "Thank you for your feedback! We'll use it to do better.",
    "high": "Thank you! We're glad we could help.",
}
# a lone 1-5 ("4", "5 stars", "2/5 late", "1. Rude."), never part of a number, a time or a word ("4.5", "3pm")
SCORE = re.compile(r"^\s*([1-5])(?:\s*(?:/\s*5|out of 5|stars?))?(?![\dA-Za-z]|[.,]\d)\W*(.*)$", re.I | re.S)
COLUMNS = """s.id, s.ticket_id, t.code as ticket_code, s.technician_id, s.score, s.comment, s.sent_at, s.answered_at,
    s.alerted_at"""


def read_answer(text: str) -> SurveyAnswer | None:
    """'4', '5 stars', '2/5 the tech was late' -> a score with the rest as a comment; anything else None."""
    match = SCORE.match(text or "")
    if match is None:
        return None
    comment = " ".join(match.group(2).split())[:1000]
    return SurveyAnswer(score=int(match.group(1)), comment=comment or None)


async def queue_survey(conn: AsyncConnection, *, tenant: Tenant, ticket: Ticket, now: datetime) -> Survey | None:
    """The one survey of a completed visit, texted to the customer unless their number opted out."""
    if await is_opted_out(conn, phone=ticket.customer_phone):
        return None
    message = await queue_message(conn, tenant=tenant, now=now, data=MessageCreate(
        message_type="custom", channel="sms", to_address=ticket.customer_phone, contact_id=ticket.contact_id,
        ticket_id=ticket.id, payload={"text": QUESTION.format(business=tenant.name, code=ticket.code,
                                                              service=ticket.service_category.lower())}))
    cur = await conn.execute("""
        insert into satisfaction_surveys (tenant_id, ticket_id, phone, technician_id, message_id, sent_at)
        values (%s, %s, %s, %s, %s, %s) on conflict (tenant_id, ticket_id) do nothing returning id""",
        (tenant.id, ticket.id, ticket.customer_phone, ticket.technician_id, message.id, now))
    row = await cur.fetchone()
    if row is None:   # already asked about this visit: the queued duplicate must not go out
        await conn.execute("update scheduled_messages set status = 'cancelled' where id = %s", (message.id,))
        return None
    return await get_survey(conn, survey_id=row[0])


async def get_survey(conn: AsyncConnection, *, survey_id: UUID) -> Survey | None:
    return await fetch_one(conn, Survey, f"""
        select {COLUMNS} from satisfaction_surveys s join tickets t on t.id = s.ticket_id where s.id = %s""",
        (survey_id,))


async def ticket_survey(conn: AsyncConnection, *, ticket_id: UUID) -> Survey | None:
    """The survey of a ticket, answered or not."""
    return await fetch_one(conn, Survey, f"""
        select {COLUMNS} from satisfaction_surveys s join tickets t on t.id = s.ticket_id
         where s.ticket_id = %s""", (ticket_id,))


async def take_reply(conn: AsyncConnection, *, tenant: Tenant, phone: str, text: str, now: datetime) -> str | None:
    """The thank-you for a score from a number with a survey waiting; None when the text is not an answer."""
    answer = read_answer(text)
    if answer is None:
        return None
    survey = await fetch_one(conn, Survey, f"""
        select {COLUMNS} from satisfaction_surveys s join tickets t on t.id = s.ticket_id
         where s.phone = %s and s.answered_at is null and s.sent_at > %s and s.sent_at <= %s
         order by s.sent_at desc limit 1 for update of s""", (phone, now - ANSWER_WINDOW, now))
    if survey is None:
        return None
    await conn.execute("""
        update satisfaction_surveys set score = %s, comment = %s, answered_at = %s where id = %s""",
        (answer.score, answer.comment, now, survey.id))
    await emit_event(conn, tenant_id=tenant.id, event_type="survey.answered", entity_id=survey.id,
                     payload={"ticket_code": survey.ticket_code, "score": answer.score})
    if answer.score <= LOW_SCORE:
        await _alert_owners(conn, tenant, survey, answer, now)
        return THANKS["low"]
    return THANKS["high"] if answer.score >= 4 else THANKS["mid"]


async def _alert_owners(conn: AsyncConnection, tenant: Tenant, survey: Survey, answer: SurveyAnswer,
                        now: datetime) -> None:
    """Every active owner gets an email with the score, the ticket and the customer's words."""
    said = f' They wrote: "{answer.comment}"' if answer.comment else ""
    text = f"A customer rated the visit {survey.ticket_code} {answer.score} out of 5.{said} Please follow up."
    for owner in [s for s in await list_staff(conn) if s.role == "owner" and s.active]:
        await queue_message(conn, tenant=tenant, now=now, data=MessageCreate(
            message_type="custom", channel="email", to_address=owner.email, ticket_id=survey.ticket_id,
            urgent=True, payload={"text": text, "subject": f"Low rating on {survey.ticket_code}"}))
    await conn.execute("update satisfaction_surveys set alerted_at = %s where id = %s", (now, survey.id))
    await emit_event(conn, tenant_id=tenant.id, event_type="survey.low_score", entity_id=survey.id,
                     payload={"ticket_code": survey.ticket_code, "score": answer.score})


async def list_answers(conn: AsyncConnection, *, window: ReportWindow) -> list[Survey]:
    """Surveys answered in the window, newest first."""
    return await fetch_all(conn, Survey, f"""
        select {COLUMNS} from satisfaction_surveys s join tickets t on t.id = s.ticket_id
         where s.answered_at >= %s and s.answered_at < %s order by s.answered_at desc, s.id""",
        (window.start, window.end))


async def csat(conn: AsyncConnection, *, window: ReportWindow) -> Csat:
    """Responses, average score and the count of each score, for answers given in the window."""
    rows = await (await conn.execute("""
        select score, count(*) from satisfaction_surveys
         where answered_at >= %s and answered_at < %s group by score""", (window.start, window.end))).fetchall()
    counts = {str(score): int(n) for score, n in rows}
    responses = sum(counts.values())
    average = round(sum(int(s) * n for s, n in counts.items()) / responses, 2) if responses else None
    return Csat(responses=responses, average=average,
                distribution={str(s): counts.get(str(s), 0) for s in range(1, 6)})
