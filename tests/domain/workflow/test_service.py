"""Workflow integrity: every rule of issue 15 point 1, as the domain enforces it for REST, board and agent."""

from __future__ import annotations

import pytest

from domain.errors import Conflict, DomainError
from domain.scheduling import service as scheduling
from domain.scheduling.errors import SlotTaken
from domain.tickets.errors import StepRequired
from domain.tickets.lifecycle import change_status
from domain.tickets.service import get_ticket
from domain.tickets_work.service import clock_in
from domain.workflow import service as workflow
from tests.domain.scheduling.helpers import NOW, local, technician, ticket

MONDAY_NINE = local(2025, 11, 10, 9)
PHONE = "+14165550101"


async def world(factory):
    """A tenant with two HVAC technicians, a plumber, and one open HVAC ticket."""
    a = await factory.tenant()
    async with a.tx() as conn:
        mike = await technician(conn, a.id, "Mike", ["HVAC"])
        ana = await technician(conn, a.id, "Ana", ["HVAC", "Plumbing"])
        raj = await technician(conn, a.id, "Raj", ["Plumbing"])
        t = await ticket(conn, a.id, phone=PHONE)
    return a, {"mike": mike, "ana": ana, "raj": raj}, t


async def book(conn, a, t, tech, start=MONDAY_NINE):
    return await scheduling.book(conn, tenant=a.tenant, ticket_id=t, technician_id=tech, start=start,
                                 duration_minutes=120, now=NOW, booked_by="test")


async def rows(conn, query, *params):
    return await (await conn.execute(query, params)).fetchall()


async def messages(conn, t):
    return await rows(conn, "select message_type, status from scheduled_messages where ticket_id = %s "
                            "order by created_at, message_type", t)


async def tell_confirmation(conn, t):
    """The sender delivered the confirmation (recorded: no Twilio in tests)."""
    await conn.execute("""update scheduled_messages set status = 'recorded', sent_at = %s
                           where ticket_id = %s and message_type = 'appointment_confirmation'""", (NOW, t))


async def to_state(conn, a, techs, t, state):
    """Bring ticket `t` to `state` through the real steps."""
    if state in ("scheduled", "in_progress"):
        await book(conn, a, t, techs["mike"])
    if state == "in_progress":
        await clock_in(conn, tenant_id=a.id, ticket_id=t, now=NOW)
    if state == "cancelled":
        await workflow.cancel_ticket(conn, tenant=a.tenant, ticket_id=t, reason="Test.", now=NOW)


class TestStatusNeedsItsStep:
    @pytest.mark.parametrize("state, asked, code, step", [
        ("open", "scheduled", "BOOKING_REQUIRED", "booking"),
        ("open", "in_progress", "CLOCK_IN_REQUIRED", "clock_in"),
        ("open", "completed", "CLOSE_OUT_REQUIRED", "close_out"),
        ("scheduled", "in_progress", "CLOCK_IN_REQUIRED", "clock_in"),
        ("scheduled", "completed", "CLOSE_OUT_REQUIRED", "close_out"),
        ("scheduled", "open", "CANCEL_APPOINTMENT_REQUIRED", "cancel_appointment"),
        ("in_progress", "completed", "CLOSE_OUT_REQUIRED", "close_out"),
        ("in_progress", "scheduled", "INVALID_TRANSITION", None),
        ("in_progress", "open", "INVALID_TRANSITION", None),
        ("cancelled", "open", "TICKET_CLOSED", None),
    ])
    async def test_409_names_the_step_and_nothing_moves(self, factory, state, asked, code, step):
        a, techs, t = await world(factory)
        async with a.tx() as conn:
            await to_state(conn, a, techs, t, state)
            with pytest.raises(Conflict) as caught:
                await workflow.request_status(conn, tenant=a.tenant, ticket_id=t, status=asked, now=NOW)
            assert (await get_ticket(conn, ticket_id=t)).status == state
        assert (caught.value.status_code, caught.value.code) == (409, code)
        assert getattr(caught.value, "step", None) == step

    async def test_the_same_status_is_no_change(self, factory):
        a, techs, t = await world(factory)
        async with a.tx() as conn:
            await book(conn, a, t, techs["mike"])
            same = await workflow.request_status(conn, tenant=a.tenant, ticket_id=t, status="scheduled", now=NOW)
        assert same.status == "scheduled"


class TestCancel:
    async def test_booked_ticket_takes_its_appointment_and_messages_with_it(self, factory):
        a, techs, t = await world(factory)
        async with a.tx() as conn:
            appointment = await book(conn, a, t, techs["mike"])
            cancelled = await workflow.cancel_ticket(conn, tenant=a.tenant, ticket_id=t, reason="Sold the house",
                                                     now=NOW)
            status = await rows(conn, "select status from appointments where id = %s", appointment.id)
            queued = await messages(conn, t)
            free = await scheduling.find_options(conn, tenant=a.tenant, category="HVAC", duration_minutes=120,
                                                 earliest=MONDAY_NINE, latest=local(2025, 11, 10, 9, 15), now=NOW,
                                                 preferred_technician=techs["mike"])
        assert (cancelled.status, cancelled.cancellation_reason) == ("cancelled", "Sold the house")
        assert cancelled.closed_at == NOW and status == [("cancelled",)]
        # the customer was never told (the confirmation had not gone out): revoked, and nothing new is sent
        assert queued == [("appointment_confirmation", "cancelled"), ("appointment_reminder", "cancelled")]
        assert [(o.technician_id, o.start) for o in free] == [(techs["mike"], MONDAY_NINE)]   # free again

    async def test_a_customer_who_was_told_is_told_it_is_off(self, factory):
        a, techs, t = await world(factory)
        async with a.tx() as conn:
            await book(conn, a, t, techs["mike"])
            await tell_confirmation(conn, t)
            await workflow.cancel_ticket(conn, tenant=a.tenant, ticket_id=t, reason="Customer called", now=NOW)
            notice = await rows(conn, """select to_address, status, payload->>'ticket_code' from scheduled_messages
                                          where message_type = 'appointment_cancelled'""")
            reminder = await rows(conn, "select status from scheduled_messages where message_type = 'appointment_reminder'")
        assert [n[:2] for n in notice] == [(PHONE, "pending")] and notice[0][2].startswith("TASK-")
        assert reminder == [("cancelled",)]

    async def test_in_progress_job_needs_a_reason_and_gets_no_invoice(self, factory):
        a, techs, t = await world(factory)
        async with a.tx() as conn:
            await to_state(conn, a, techs, t, "in_progress")
            with pytest.raises(StepRequired) as caught:
                await workflow.cancel_ticket(conn, tenant=a.tenant, ticket_id=t, reason="  ", now=NOW)
            assert (await get_ticket(conn, ticket_id=t)).status == "in_progress"
            done = await workflow.cancel_ticket(conn, tenant=a.tenant, ticket_id=t, reason="Unsafe attic", now=NOW)
            invoices = await rows(conn, "select id from invoices")
            appointments = await rows(conn, "select status from appointments")
        assert (caught.value.code, caught.value.step) == ("REASON_REQUIRED", "reason")
        assert (done.status, done.cancellation_reason) == ("cancelled", "Unsafe attic")
        assert invoices == [] and appointments == [("cancelled",)]

    async def test_cancelled_stays_cancelled(self, factory):
        a, techs, t = await world(factory)
        async with a.tx() as conn:
            await workflow.cancel_ticket(conn, tenant=a.tenant, ticket_id=t, reason="No longer needed", now=NOW)
            attempts = {
                "cancel again": workflow.cancel_ticket(conn, tenant=a.tenant, ticket_id=t, reason="x", now=NOW),
                "book": book(conn, a, t, techs["mike"]),
                "assign": workflow.assign_technician(conn, tenant=a.tenant, ticket_id=t, technician_id=techs["ana"],
                                                     now=NOW),
                "reopen": change_status(conn, tenant_id=a.id, ticket_id=t, status="open", now=NOW),
            }
            failures = {}
            for name, attempt in attempts.items():
                with pytest.raises(DomainError) as caught:
                    await attempt
                failures[name] = caught.value.code
            after = await get_ticket(conn, ticket_id=t)
        assert set(failures.values()) <= {"TICKET_CLOSED", "INVALID_TRANSITION"}, failures
        assert (after.status, after.technician_id) == ("cancelled", None)


class TestAssign:
    async def test_open_ticket_takes_a_qualified_technician(self, factory):
        a, techs, t = await world(factory)
        async with a.tx() as conn:
            assigned = await workflow.assign_technician(conn, tenant=a.tenant, ticket_id=t, technician_id=techs["ana"],
                                                        now=NOW)
        assert (assigned.technician_id, assigned.status) == (techs["ana"], "open")

    @pytest.mark.parametrize("who, status, code", [("raj", 409, "TECHNICIAN_NOT_QUALIFIED"),
                                                   ("nobody", 404, "UNKNOWN_TECHNICIAN")])
    async def test_skill_is_checked(self, factory, who, status, code):
        a, techs, t = await world(factory)
        async with a.tx() as conn:
            await book(conn, a, t, techs["mike"])
            with pytest.raises(DomainError) as caught:
                await workflow.assign_technician(conn, tenant=a.tenant, ticket_id=t,
                                                 technician_id=techs.get(who, t), now=NOW)
            after = await get_ticket(conn, ticket_id=t)
        assert (caught.value.status_code, caught.value.code) == (status, code) and after.technician_id == techs["mike"]

    async def test_booked_visit_moves_to_the_new_technician_atomically(self, factory):
        a, techs, t = await world(factory)
        async with a.tx() as conn:
            appointment = await book(conn, a, t, techs["mike"])
            await tell_confirmation(conn, t)
            moved = await workflow.assign_technician(conn, tenant=a.tenant, ticket_id=t, technician_id=techs["ana"],
                                                     now=NOW)
            now_booked = await scheduling.get_appointment(conn, appointment_id=appointment.id)
            days = {name: [x.ticket_id for x in await scheduling.list_appointments(
                        conn, start=MONDAY_NINE, end=local(2025, 11, 11), technician_id=techs[name])]
                    for name in ("mike", "ana")}
            notice = await rows(conn, """select payload->>'technician_name' from scheduled_messages
                                          where message_type = 'appointment_moved'""")
        assert moved.technician_id == techs["ana"] and moved.status == "scheduled"
        assert (now_booked.technician_id, now_booked.start, now_booked.status) == (techs["ana"], MONDAY_NINE, "booked")
        assert days == {"mike": [], "ana": [t]}     # the job is on Ana's day, and off Mike's
        assert notice == [("Ana",)]

    async def test_a_busy_technician_leaves_everything_as_it_was(self, factory):
        a, techs, t = await world(factory)
        async with a.tx() as conn:
            appointment = await book(conn, a, t, techs["mike"])
            other = await ticket(conn, a.id, phone="+14165550102")
            await book(conn, a, other, techs["ana"])
            with pytest.raises(SlotTaken) as caught:
                await workflow.assign_technician(conn, tenant=a.tenant, ticket_id=t, technician_id=techs["ana"],
                                                 now=NOW)
            still = await scheduling.get_appointment(conn, appointment_id=appointment.id)
            after = await get_ticket(conn, ticket_id=t)
        assert caught.value.alternatives and still.technician_id == techs["mike"] == after.technician_id

    @pytest.mark.parametrize("state, target, code", [
        ("in_progress", "ana", "JOB_STARTED"),
        ("scheduled", None, "CANCEL_APPOINTMENT_REQUIRED"),
    ])
    async def test_refused_moves(self, factory, state, target, code):
        a, techs, t = await world(factory)
        async with a.tx() as conn:
            await to_state(conn, a, techs, t, state)
            with pytest.raises(Conflict) as caught:
                await workflow.assign_technician(conn, tenant=a.tenant, ticket_id=t,
                                                 technician_id=techs.get(target), now=NOW)
        assert caught.value.code == code
