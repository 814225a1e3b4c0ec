"""Scheduling verbs over a connection: find options, book, reschedule, cancel.

The exclusion constraint `appointments_no_overlap` is the guarantee against double booking; the
availability check before each write is only a hint that gives better errors. Every verb runs in
the caller's transaction and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import psycopg
from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from domain.db import fetch_all, fetch_one, fetch_value
from domain.errors import Conflict, Invalid, NotFound
from domain.outbox.service import NewEvent, emit_event, events_param, insert_events_sql
from domain.scheduling import tickets
from domain.messages.service import (appointment_messages, cancel_appointment_messages, insert_messages_sql,
                                     move_appointment_messages, tell_customer)
from domain.scheduling.availability import (GRID, SLOT_SQL, SlotCheck, epoch, fetch_schedules, pick_options,
                                            slot_check_of, slot_params)
from domain.scheduling.errors import SlotTaken, SlotUnavailable
from domain.scheduling.models import Appointment, AppointmentOption, TicketOptions
from domain.tenants.models import Tenant
from domain.tickets.lifecycle import (ensure_schedulable, schedule_events, schedule_sql, schedule_ticket,
                                     unschedule_ticket, waitlist_ticket)
from domain.tickets.service import get_ticket

MAX_LIST_DAYS = 92

APPOINTMENT_SQL = """
select a.id, a.ticket_id, t.code as ticket_code, a.technician_id, te.name as technician_name,
       lower(a.during) as start, upper(a.during) as "end", a.status, a.booked_by, a.cancelled_at, a.created_at
  from appointments a
  join tickets t on t.tenant_id = a.tenant_id and t.id = a.ticket_id
  join technicians te on te.tenant_id = a.tenant_id and te.id = a.technician_id
"""


# Everything a booking writes, in one statement (one round trip, one plan): the appointment and, only if
# it went in, the ticket scheduled (domain/tickets), the events (domain/outbox), the confirmation and
# reminder (domain/messages). DO NOTHING on a conflict keeps the transaction usable without a savepoint;
# the exclusion constraint still decides the race (a concurrent overlapping insert waits for the other
# transaction, then conflicts) and then no row comes back.
BOOKED = "exists (select from booked)"
BOOK_SQL = f"""
with booked as (
    insert into appointments (tenant_id, id, ticket_id, technician_id, during, booked_by)
    values (%(tenant)s, %(appointment)s, %(ticket)s, %(technician)s, tstzrange(%(start)s, %(end)s), %(booked_by)s)
    on conflict do nothing
    returning created_at
),
scheduled as ({schedule_sql(BOOKED)}),
events as ({insert_events_sql(BOOKED)}),
messages as ({insert_messages_sql(BOOKED)})
select created_at from booked
"""


def horizon_end(tenant: Tenant, now: datetime) -> datetime:
    return now + timedelta(days=tenant.booking_horizon_days)


async def find_options(conn: AsyncConnection, *, tenant: Tenant, category: str, duration_minutes: int,
                       earliest: datetime, latest: datetime, now: datetime,
                       preferred_technician: UUID | None = None,
                       customer_busy: Sequence[tuple[int, int]] = (), limit: int = 3,
                       spread: UUID | None = None) -> list[AppointmentOption]:
    """Up to `limit` bookable, mutually non-overlapping options, best first.

    Candidates are the active technicians with skill `category`. An option starts on the 15-minute
    grid in [earliest, latest) (clamped to now and the booking horizon) and fits entirely in the
    technician's working hours, outside time off and at least the tenant's buffer away from other
    appointments. Ranking: `preferred_technician` (the customer's previous one) first, then the
    earliest start, then the least-loaded technician: the most free time left that local day.
    `customer_busy` (epoch-second intervals) are times the customer is already booked. `spread` (a
    ticket id) varies the tie-break between equally loaded technicians from one ticket to the next.
    Starts and ends are UTC-aware datetimes.
    """
    lo, hi = max(epoch(earliest), epoch(now)), min(epoch(latest), epoch(horizon_end(tenant, now)))
    duration = duration_minutes * 60
    if lo >= hi or duration <= 0:
        return []
    schedules = await fetch_schedules(
        conn, tz=tenant.tz, start=datetime.fromtimestamp(lo, tenant.tz),
        end=datetime.fromtimestamp(hi + duration, tenant.tz), buffer_minutes=tenant.buffer_minutes,
        category=category)
    # Free time is swept lazily: the search reads each technician's days only as far as it needs.
    free_times = [s.free_time(lo, hi + duration, customer_busy) for s in schedules]
    return pick_options(free_times, duration=duration, earliest=lo, latest=hi, tz=tenant.tz, limit=limit,
                        preferred=preferred_technician, spread=spread)


async def find_options_for_ticket(conn: AsyncConnection, *, tenant: Tenant, ticket_id: UUID, now: datetime,
                                  limit: int = 3) -> TicketOptions:
    """Options for a ticket in its urgency window (or the customer's preferred time).

    Nothing in the window: the earliest options in the booking horizon instead. Nothing in the
    horizon either (no skilled technician, or no free time): the ticket stays open and unassigned
    and is marked waitlisted, so the request is never lost.
    """
    ctx = await tickets.ticket_context(conn, ticket_id=ticket_id, now=now)
    ensure_schedulable(ctx.ticket)
    tickets.check_not_booked(ctx)
    start, end = ctx.window(now, horizon_end(tenant, now))
    search = dict(tenant=tenant, category=ctx.category, duration_minutes=ctx.duration_minutes, now=now,
                  preferred_technician=ctx.previous_technician_id, customer_busy=ctx.customer_busy, limit=limit,
                  spread=ctx.id)
    result = TicketOptions(ticket_id=ctx.id, category=ctx.category, duration_minutes=ctx.duration_minutes,
                           window_start=max(start, now), window_end=end, options=[], within_window=True,
                           waitlisted=ctx.ticket.waitlisted)
    result.options = await find_options(conn, earliest=start, latest=end, **search)
    if result.options:
        return result
    result.within_window = False
    result.options = await find_options(conn, earliest=now, latest=horizon_end(tenant, now), **search)
    if result.options:
        result.reason = "OUTSIDE_WINDOW"
        return result
    result.reason = "NO_FREE_TIME" if await _has_skilled(conn, ctx.category) else "NO_SKILLED_TECHNICIAN"
    result.waitlisted = True
    if await waitlist_ticket(conn, ticket_id=ctx.id):
        await emit_event(conn, tenant_id=tenant.id, event_type="ticket.waitlisted", entity_id=ctx.id,
                         payload={"ticket_id": ctx.id, "code": ctx.code, "reason": result.reason})
    return result


async def _has_skilled(conn: AsyncConnection, category: str) -> bool:
    return bool(await fetch_value(conn, "select exists (select 1 from technicians where active and %s = any(skills))",
                                  (category,)))


async def book(conn: AsyncConnection, *, tenant: Tenant, ticket_id: UUID, technician_id: UUID,
               start: datetime, duration_minutes: int, now: datetime, booked_by: str) -> Appointment:
    """Book the ticket with a technician at `start`: appointment, ticket scheduled, outbox event, messages.

    Raises SlotTaken (with the next three options) when the time overlaps another appointment,
    even one committed a moment ago; SlotUnavailable outside working hours, in time off or past
    the horizon; Invalid for a start off the grid or in the past; Conflict when the ticket cannot be
    scheduled. Queues the confirmation (to the ticket's phone) and the day-before reminder.
    """
    end = start + timedelta(minutes=duration_minutes)
    ctx, check = await _read_for_write(conn, tenant=tenant, ticket_id=ticket_id, technician_id=technician_id,
                                       start=start, end=end, now=now)
    ensure_schedulable(ctx.ticket)
    tickets.check_not_booked(ctx)
    name = await _judge_slot(conn, tenant=tenant, ctx=ctx, check=check, start=start, end=end, now=now)
    appointment, params = booking_writes(tenant=tenant, ctx=ctx, technician_id=technician_id, technician_name=name,
                                         start=start, end=end, now=now, booked_by=booked_by)
    cur = await conn.execute(BOOK_SQL, params)
    row = await cur.fetchone()
    if row is None:   # the ticket is locked and has no live appointment, so the conflict is an overlap
        raise SlotTaken(await _alternatives(conn, tenant, ctx, start, now, _minutes(start, end)))
    appointment.created_at = row[0]
    return appointment


def booking_writes(*, tenant: Tenant, ctx: tickets.TicketContext, technician_id: UUID, technician_name: str,
                   start: datetime, end: datetime, now: datetime, booked_by: str) -> tuple[Appointment, dict]:
    """The appointment a booking makes and BOOK_SQL's parameters for it: the ticket's events and messages too."""
    appointment = Appointment(
        id=uuid4(), ticket_id=ctx.id, ticket_code=ctx.code, technician_id=technician_id,
        technician_name=technician_name, start=start, end=end, status="booked", booked_by=booked_by,
        cancelled_at=None, created_at=now)
    events = [*schedule_events(ctx.ticket),
              NewEvent(event_type="appointment.booked", entity_id=appointment.id, payload=_event_payload(appointment))]
    messages = appointment_messages(
        tenant=tenant, appointment_id=appointment.id, ticket_id=ctx.id, technician_name=technician_name,
        starts_at=start, ends_at=end, to_phone=ctx.ticket.customer_phone, contact_id=ctx.ticket.contact_id,
        now=now, ticket_code=ctx.code)
    return appointment, {
        "tenant": tenant.id, "appointment": appointment.id, "ticket": ctx.id, "technician": technician_id,
        "start": start, "end": end, "booked_by": booked_by,
        "events": events_param(events), "messages": Jsonb(messages)}


async def reschedule(conn: AsyncConnection, *, tenant: Tenant, appointment_id: UUID, start: datetime,
                     now: datetime, technician_id: UUID | None = None) -> Appointment:
    """Move a booked appointment (same duration); the old time is released only if the new one is booked.

    The row is updated in place, so the exclusion constraint checks the new time against every
    other appointment and a failure leaves the old one exactly as it was. The reminder moves with it.
    """
    old = await _lock_booked(conn, appointment_id)
    technician_id = technician_id or old.technician_id
    end = start + (old.end - old.start)
    ctx, check = await _read_for_write(conn, tenant=tenant, ticket_id=old.ticket_id, technician_id=technician_id,
                                       start=start, end=end, now=now, ignore=old.id)
    await _judge_slot(conn, tenant=tenant, ctx=ctx, check=check, start=start, end=end, now=now)
    try:
        async with conn.transaction():
            await conn.execute("""
                update appointments set during = tstzrange(%s, %s), technician_id = %s where id = %s""",
                (start, end, technician_id, old.id))
    except psycopg.errors.ExclusionViolation as exc:
        if exc.diag.constraint_name != "appointments_no_overlap":
            raise
        raise SlotTaken(await _alternatives(conn, tenant, ctx, start, now, _minutes(start, end))) from None
    if technician_id != old.technician_id:
        await schedule_ticket(conn, tenant_id=tenant.id, ticket=ctx.ticket, technician_id=technician_id)
    new = await get_appointment(conn, appointment_id=old.id)
    await emit_event(conn, tenant_id=tenant.id, event_type="appointment.rescheduled", entity_id=new.id,
                     payload=_event_payload(new) | {"previous": {
                         "technician_id": old.technician_id, "start": old.start, "end": old.end}})
    await move_appointment_messages(
        conn, tenant=tenant, appointment_id=new.id, new_starts_at=new.start, new_ends_at=new.end, now=now,
        technician_name=new.technician_name if technician_id != old.technician_id else None)
    if (new.start, new.technician_id) != (old.start, old.technician_id):
        await tell_customer(conn, tenant=tenant, appointment_id=new.id, message_type="appointment_moved", now=now,
                            payload={"starts_at": new.start, "ends_at": new.end,
                                     "technician_name": new.technician_name, "ticket_code": new.ticket_code})
    return new


async def cancel(conn: AsyncConnection, *, tenant: Tenant, appointment_id: UUID, now: datetime) -> Appointment:
    """Cancel a booked appointment: its ticket goes back to open and unassigned (see `release`)."""
    appointment = await release(conn, tenant=tenant, appointment_id=appointment_id, now=now)
    await unschedule_ticket(conn, tenant_id=tenant.id,
                            ticket=await get_ticket(conn, ticket_id=appointment.ticket_id, lock=True))
    return appointment


async def release(conn: AsyncConnection, *, tenant: Tenant, appointment_id: UUID, now: datetime) -> Appointment:
    """Cancel a booked appointment and nothing more of its ticket (the caller decides what the ticket becomes).

    Its pending messages are cancelled; a customer who was told of the visit is told it is off.
    """
    old = await _lock_booked(conn, appointment_id)
    await conn.execute("update appointments set status = 'cancelled', cancelled_at = %s where id = %s",
                       (now, old.id))
    await cancel_appointment_messages(conn, appointment_id=old.id)
    await tell_customer(conn, tenant=tenant, appointment_id=old.id, message_type="appointment_cancelled", now=now,
                        payload={"starts_at": old.start, "technician_name": old.technician_name,
                                 "ticket_code": old.ticket_code})
    appointment = await get_appointment(conn, appointment_id=old.id)
    await emit_event(conn, tenant_id=tenant.id, event_type="appointment.cancelled", entity_id=appointment.id,
                     payload=_event_payload(appointment))
    return appointment


async def get_appointment(conn: AsyncConnection, *, appointment_id: UUID) -> Appointment:
    appointment = await fetch_one(conn, Appointment, APPOINTMENT_SQL + " where a.id = %s", (appointment_id,))
    if appointment is None:
        raise NotFound("Appointment not found.")
    return appointment


async def list_appointments(conn: AsyncConnection, *, start: datetime, end: datetime,
                            technician_id: UUID | None = None, include_cancelled: bool = False) -> list[Appointment]:
    """Appointments overlapping [start, end), by start time; the window ends at most MAX_LIST_DAYS after its start
    (a longer one is cut there: the caller pages on from the last day), and one that ends before it starts is empty."""
    if end <= start:
        return []
    end = min(end, start + timedelta(days=MAX_LIST_DAYS))
    return await fetch_all(conn, Appointment, APPOINTMENT_SQL + """
         where a.during && tstzrange(%(start)s, %(end)s)
           and (%(tech)s::uuid is null or a.technician_id = %(tech)s)
           and (%(cancelled)s or a.status <> 'cancelled')
         order by lower(a.during), te.name, a.id""",
        {"start": start, "end": end, "tech": technician_id, "cancelled": include_cancelled})


async def _lock_booked(conn: AsyncConnection, appointment_id: UUID) -> Appointment:
    status = await fetch_value(conn, "select status from appointments where id = %s for update", (appointment_id,))
    if status is None:
        raise NotFound("Appointment not found.")
    if status != "booked":
        raise Conflict(f"This appointment is {status}; only a booked appointment can change.",
                      code="APPOINTMENT_NOT_BOOKED")
    return await get_appointment(conn, appointment_id=appointment_id)


# What a booking reads first, in one statement: the locked ticket, its scheduling context, the slot check.
READ_FOR_WRITE_SQL = tickets.context_sql(lock=True, extra_sql=SLOT_SQL)


def read_for_write_params(*, tenant: Tenant, ticket_id: UUID, technician_id: UUID, start: datetime, end: datetime,
                          now: datetime, ignore: UUID | None = None) -> dict:
    return {"id": ticket_id, "now": now} | slot_params(
        tz=tenant.tz, technician_id=technician_id, start=start, end=end, buffer_minutes=tenant.buffer_minutes,
        ignore_appointment=ignore)


async def _read_for_write(conn: AsyncConnection, *, tenant: Tenant, ticket_id: UUID, technician_id: UUID,
                          start: datetime, end: datetime, now: datetime,
                          ignore: UUID | None = None) -> tuple[tickets.TicketContext, SlotCheck]:
    """The locked ticket, its scheduling context and the slot check, in one statement."""
    ctx, row = await tickets.context_from(conn, READ_FOR_WRITE_SQL, read_for_write_params(
        tenant=tenant, ticket_id=ticket_id, technician_id=technician_id, start=start, end=end, now=now,
        ignore=ignore))
    return ctx, slot_check_of(row)


async def _judge_slot(conn: AsyncConnection, *, tenant: Tenant, ctx: tickets.TicketContext, check: SlotCheck,
                      start: datetime, end: datetime, now: datetime) -> str:
    """The hint before the write (on the grid, ahead, in the horizon, in free time); returns the technician's name."""
    if start.tzinfo is None:
        raise Invalid("The start needs a timezone offset.", code="NAIVE_DATETIME")
    if epoch(start) % GRID or epoch(end) % GRID:
        raise Invalid("Appointments start and end on the 15-minute grid.", code="OFF_GRID")
    if start < now:
        raise Invalid("That time is in the past.", code="START_IN_PAST")
    if start >= horizon_end(tenant, now):
        raise SlotUnavailable(f"Bookings open {tenant.booking_horizon_days} days ahead.",
                              await _alternatives(conn, tenant, ctx, now, now, _minutes(start, end)))
    if not check.exists:
        raise NotFound("Technician not found.")
    if not check.qualified(ctx.category):
        raise Invalid(f"This technician does not take {ctx.category} work.", code="TECHNICIAN_NOT_QUALIFIED")
    if check.free:
        return check.name
    alternatives = await _alternatives(conn, tenant, ctx, start, now, _minutes(start, end))
    if check.taken:
        raise SlotTaken(alternatives)
    raise SlotUnavailable("The technician is not working at that time.", alternatives)


async def _alternatives(conn: AsyncConnection, tenant: Tenant, ctx: tickets.TicketContext, after: datetime,
                        now: datetime, duration_minutes: int) -> list[AppointmentOption]:
    """The next three options for the ticket from `after` on, across its skilled technicians."""
    return await find_options(conn, tenant=tenant, category=ctx.category, duration_minutes=duration_minutes,
                              earliest=max(after, now), latest=horizon_end(tenant, now), now=now,
                              preferred_technician=ctx.previous_technician_id, customer_busy=ctx.customer_busy,
                              spread=ctx.id)


def _minutes(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds()) // 60


def _event_payload(appointment: Appointment) -> dict:
    return {"appointment_id": appointment.id, "ticket_id": appointment.ticket_id,
            "ticket_code": appointment.ticket_code, "technician_id": appointment.technician_id,
            "start": appointment.start, "end": appointment.end, "status": appointment.status}


async def booked_appointment_for_ticket(conn: AsyncConnection, *, ticket_id: UUID) -> Appointment | None:
    """The ticket's live (booked) appointment, if it has one."""
    return await fetch_one(conn, Appointment, APPOINTMENT_SQL + " where a.ticket_id = %(ticket)s and a.status = 'booked'",
                           {"ticket": ticket_id})
