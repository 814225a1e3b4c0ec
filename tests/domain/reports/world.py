"""A random business history, written straight into the database, and the report figures computed from it
in plain Python (zoneinfo and arithmetic), independently of the SQL under test."""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from psycopg.types.json import Jsonb

TZ = ZoneInfo("America/Toronto")
UTC = ZoneInfo("UTC")
TIMED = ("open", "scheduled", "in_progress")
REASONS = {"NO_SKILLED_TECHNICIAN": "no_skill", "NO_FREE_TIME": "no_capacity", "OUTSIDE_SERVICE_AREA": "outside_area"}
# minutes to first response, on site, resolution (the defaults of every new business)
POLICIES = {"emergency": (15, 240, 1440), "urgent": (60, 1440, 2880), "normal": (240, 4320, 10080),
            "scheduled": (1440, None, None)}
# technician -> weekday -> shifts; Sunday's early shift spans the 2 a.m. DST change
HOURS = {"Ada": {7: [(time(0), time(6))], **{d: [(time(9), time(17))] for d in range(1, 7)}},
         "Ben": {d: [(time(8), time(12)), (time(13), time(18))] for d in range(1, 8)}}


@dataclass
class Ticket:
    id: UUID
    created_at: datetime
    channel: str
    urgency: str
    conversation: UUID | None
    path: list[tuple[str, datetime]]             # (status, entered at), first entry at created_at
    technician: str | None = None
    appointment: tuple[datetime, datetime, str, datetime, datetime | None] | None = None  # start, end, status, booked, cancelled
    clock_in: datetime | None = None
    waitlist_reason: str | None = None

    @property
    def status(self) -> str:
        return self.path[-1][0]

    def entered(self, status: str) -> datetime | None:
        return next((at for s, at in self.path if s == status), None)


@dataclass
class World:
    start: datetime
    end: datetime
    now: datetime
    conversations: list[tuple[UUID, str, datetime]] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)
    time_off: list[tuple[str, datetime, datetime]] = field(default_factory=list)
    invoices: list[tuple[Decimal, datetime | None, datetime | None, str]] = field(default_factory=list)
    surveys: list[tuple[int, datetime]] = field(default_factory=list)
    gaps: list[tuple[int, datetime]] = field(default_factory=list)


def local(day: date, clock: time) -> datetime:
    """A local wall-clock time as UTC: arithmetic between aware datetimes of one tzinfo ignores DST."""
    return datetime.combine(day, clock, TZ).astimezone(UTC)


def build(seed: int, first: date, last: date, now: datetime | None = None) -> World:
    """About forty requests around the local days first..last, with every kind of outcome."""
    rng = random.Random(seed)
    start, end = local(first, time(0)), local(last + timedelta(days=1), time(0))
    world = World(start=start, end=end, now=now or end + timedelta(days=2))
    span = (end - start).total_seconds()

    def moment(lo: float = -0.3, hi: float = 1.2) -> datetime:
        return (start + timedelta(seconds=int(span * rng.uniform(lo, hi)) // 60 * 60)).astimezone(UTC)

    for _ in range(rng.randint(8, 14)):
        world.conversations.append((uuid4(), rng.choice(["web", "sms"]), moment()))
    busy: dict[str, list[tuple[datetime, datetime]]] = {name: [] for name in HOURS}
    for n in range(rng.randint(30, 45)):
        conv = rng.choice(world.conversations) if rng.random() < 0.6 else None
        created = conv[2] + timedelta(minutes=rng.randint(1, 20)) if conv else moment()
        ticket = Ticket(id=uuid4(), created_at=created, channel=conv[1] if conv else rng.choice(["api", "staff"]),
                        urgency=rng.choice(list(POLICIES)), conversation=conv[0] if conv else None,
                        path=[("open", created)])
        _live(rng, ticket, busy)
        world.tickets.append(ticket)
    for tech in HOURS:
        if rng.random() < 0.8:
            lo = moment(0, 0.9)
            world.time_off.append((tech, lo, lo + timedelta(minutes=rng.randrange(30, 600, 15))))
    for _ in range(rng.randint(3, 8)):
        sent = moment() if rng.random() < 0.8 else None
        paid = sent + timedelta(hours=rng.randint(1, 60)) if sent and rng.random() < 0.5 else None
        status = "paid" if paid else rng.choice(["sent", "void"]) if sent else "draft"
        world.invoices.append((Decimal(rng.randint(5000, 90000)) / 100, sent, paid, status))
    world.surveys = [(rng.randint(1, 5), moment()) for _ in range(rng.randint(2, 9))]
    world.gaps = [(rng.randint(1, 4), moment()) for _ in range(rng.randint(1, 5))]
    return world


def _live(rng: random.Random, t: Ticket, busy: dict[str, list[tuple[datetime, datetime]]]) -> None:
    """The ticket's path: booked or not, reopened, worked, completed or cancelled."""
    at = t.created_at
    if rng.random() < 0.3:
        t.waitlist_reason = rng.choice([*REASONS, None])
        if rng.random() < 0.3:
            t.path.append(("cancelled", at + timedelta(minutes=rng.randint(5, 3000))))
        return
    t.technician = rng.choice(list(HOURS))
    booked = at + timedelta(minutes=rng.randint(1, 2000))
    visit = (booked + timedelta(hours=rng.randint(2, 60))).replace(second=0, microsecond=0)
    visit -= timedelta(minutes=visit.minute % 15)
    length = timedelta(minutes=rng.choice([60, 90, 120, 240]))
    while any(lo < visit + length and visit < hi for lo, hi in busy[t.technician]):   # one visit at a time
        visit += timedelta(minutes=135)
    t.path.append(("scheduled", booked))
    if rng.random() < 0.15:   # the visit fell through and was booked again later
        t.path.append(("open", booked + timedelta(minutes=30)))
        t.path.append(("scheduled", booked + timedelta(minutes=90)))
    outcome = rng.random()
    if outcome < 0.2:
        cancelled = booked + timedelta(minutes=rng.randint(100, 900))
        t.appointment = (visit, visit + length, "cancelled", booked, cancelled)
        t.path.append(("cancelled", cancelled))
    elif outcome < 0.65:
        t.clock_in = visit + timedelta(minutes=rng.randint(0, 40))
        done = t.clock_in + length
        t.appointment = (visit, visit + length, "completed", booked, None)
        t.path += [("in_progress", t.clock_in), ("completed", done)]
    else:
        t.appointment = (visit, visit + length, "booked", booked, None)
    if t.appointment[2] != "cancelled":
        busy[t.technician].append((visit, visit + length))


# ----------------------------------------------------------------------------------------------- seeding

async def seed(conn, tenant_id: UUID, world: World) -> dict[str, UUID]:
    """Writes the world as the admin role (the status trigger is off: the history is written as it happened)."""
    await conn.execute("alter table tickets disable trigger status_history")
    techs = {}
    for name, week in HOURS.items():
        cur = await conn.execute("insert into technicians (tenant_id, name, skills) values (%s, %s, '{HVAC}') returning id",
                                 (tenant_id, name))
        techs[name] = (await cur.fetchone())[0]
        for weekday, shifts in week.items():
            for lo, hi in shifts:
                await conn.execute("insert into working_hours (tenant_id, technician_id, weekday, starts, ends) "
                                   "values (%s, %s, %s, %s, %s)", (tenant_id, techs[name], weekday, lo, hi))
    for name, lo, hi in world.time_off:
        await conn.execute("insert into time_off (tenant_id, technician_id, during) values (%s, %s, tstzrange(%s, %s))",
                           (tenant_id, techs[name], lo, hi))
    for cid, channel, created in world.conversations:
        await conn.execute("insert into conversations (tenant_id, id, channel, created_at) values (%s, %s, %s, %s)",
                           (tenant_id, cid, channel, created))
    for t in world.tickets:
        await _seed_ticket(conn, tenant_id, techs, t)
    for total, sent, paid, status in world.invoices:
        await conn.execute("insert into invoices (tenant_id, number, status, total_amount, sent_at, paid_at) "
                           "values (%s, '', %s, %s, %s, %s)", (tenant_id, status, total, sent, paid))
    completed = [t for t in world.tickets if t.status == "completed"]
    for ticket, (score, answered) in zip(completed, world.surveys):   # one survey per completed visit
        await conn.execute("""insert into satisfaction_surveys (tenant_id, ticket_id, phone, score, sent_at, answered_at)
                              values (%s, %s, '+14165550100', %s, %s, %s)""",
                           (tenant_id, ticket.id, score, answered - timedelta(hours=1), answered))
    for n, (times, last) in enumerate(world.gaps):
        await conn.execute("""insert into kb_gaps (tenant_id, question, normalized, times_asked, first_asked_at, last_asked_at)
                              values (%s, %s, %s, %s, %s, %s)""", (tenant_id, f"Q{n}?", f"q{n}", times, last, last))
    await conn.execute("alter table tickets enable trigger status_history")
    return techs


async def _seed_ticket(conn, tenant_id: UUID, techs: dict[str, UUID], t: Ticket) -> None:
    closed = t.path[-1][1] if t.status in ("completed", "cancelled") else None
    await conn.execute("""
        insert into tickets (tenant_id, id, customer_phone, category, urgency, status, source_channel, conversation_id,
                             technician_id, clock_in_at, clock_out_at, closed_at, created_at)
        values (%s, %s, '+14165550100', 'HVAC', %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
        (tenant_id, t.id, t.urgency, t.status, t.channel, t.conversation, techs.get(t.technician), t.clock_in,
         closed if t.status == "completed" else None, closed, t.created_at))
    previous = None
    for status, at in t.path:
        await conn.execute("""insert into ticket_status_history (tenant_id, ticket_id, status, from_status, changed_at)
                              values (%s, %s, %s, %s, %s)""", (tenant_id, t.id, status, previous, at))
        previous = status
    if t.appointment:
        lo, hi, status, booked, cancelled = t.appointment
        await conn.execute("""insert into appointments (tenant_id, ticket_id, technician_id, during, status, cancelled_at,
                                                        created_at) values (%s, %s, %s, tstzrange(%s, %s), %s, %s, %s)""",
                           (tenant_id, t.id, techs[t.technician], lo, hi, status, cancelled, booked))
    if t.waitlist_reason is not None:
        await conn.execute("""insert into outbox_events (tenant_id, event_type, entity_id, payload, created_at)
                              values (%s, 'ticket.waitlisted', %s, %s, %s)""",
                           (tenant_id, t.id, Jsonb({"reason": t.waitlist_reason}),
                            t.created_at + timedelta(seconds=30)))


# ----------------------------------------------------------------------------------------------- expected

def inside(moment: datetime | None, w: World) -> bool:
    return moment is not None and w.start <= moment < w.end


def overlap(lo: datetime, hi: datetime, a: datetime, b: datetime) -> float:
    """Minutes of [lo, hi) inside [a, b)."""
    return max(0.0, (min(hi, b) - max(lo, a)).total_seconds() / 60)


def expected(w: World) -> dict:
    """The summary's figures, from the world itself."""
    conv_in = [c for c in w.conversations if inside(c[2], w)]
    booked_conv = {t.conversation for t in w.tickets if t.appointment and t.conversation}
    appts = [t for t in w.tickets if t.appointment]
    channels = sorted({c[1] for c in conv_in} | {t.channel for t in appts if inside(t.appointment[3], w)})
    by_channel = {}
    for ch in channels:
        convs = [c for c in conv_in if c[1] == ch]
        booked = sum(1 for c in convs if c[0] in booked_conv)
        by_channel[ch] = {"conversations": len(convs), "booked_conversations": booked,
                          "bookings": sum(1 for t in appts if t.channel == ch and inside(t.appointment[3], w)),
                          "conversion": round(booked / len(convs), 4) if convs else 0}
    first_booked = [(t.entered("scheduled") - t.created_at).total_seconds() / 60
                    for t in w.tickets if inside(t.entered("scheduled"), w)]
    return {
        "conversations": len(conv_in), "bookings": sum(v["bookings"] for v in by_channel.values()),
        "conversion": round(sum(1 for c in conv_in if c[0] in booked_conv) / len(conv_in), 4) if conv_in else 0.0,
        "by_channel": by_channel,
        "median_minutes_to_booked": round(statistics.median(first_booked), 1) if first_booked else None,
        "time_in_status": _time_in_status(w), "utilization": _utilization(w),
        "jobs_completed": sum(1 for t in w.tickets if inside(t.entered("completed"), w)),
        "technicians": _reliability(w), "unbooked": _unbooked(w),
        "revenue": {"invoiced": sum((total for total, sent, _, status in w.invoices if inside(sent, w) and status != "void"),
                                    Decimal(0)),
                    "paid": sum((total for total, _, paid, _ in w.invoices if inside(paid, w)), Decimal(0))},
        "csat": _csat(w), "kb_gaps": {"questions": sum(1 for _, at in w.gaps if inside(at, w)),
                                      "times_asked": sum(n for n, at in w.gaps if inside(at, w))},
        "sla": _sla(w),
    }


def round_half_up(value: Fraction, places: int = 1) -> float:
    """PostgreSQL's numeric round(): halves away from zero, on the exact value."""
    return float((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(1).scaleb(-places),
                                                                                   rounding=ROUND_HALF_UP))


def _time_in_status(w: World) -> dict[str, float]:
    until = min(w.end, w.now)
    totals: dict[str, Fraction] = {s: Fraction(0) for s in TIMED}
    tickets: dict[str, set] = {s: set() for s in TIMED}
    for t in w.tickets:
        for (status, entered), nxt in zip(t.path, [*t.path[1:], None]):
            left = nxt[1] if nxt else max(w.now, entered)
            inside_us = (min(left, until) - max(entered, w.start)) // timedelta(microseconds=1)
            if status in TIMED and inside_us > 0:
                totals[status] += Fraction(inside_us, 60_000_000)
                tickets[status].add(t.id)
    return {s: round_half_up(totals[s] / len(tickets[s])) if tickets[s] else 0.0 for s in TIMED}


def _utilization(w: World) -> dict[str, tuple[float, float]]:
    """technician -> (booked minutes, working minutes)."""
    first, last = w.start.astimezone(TZ).date(), (w.end - timedelta(seconds=1)).astimezone(TZ).date()
    out = {}
    for name, week in HOURS.items():
        working = 0.0
        day = first
        while day <= last:
            for lo, hi in week.get(day.isoweekday(), []):
                shift_lo, shift_hi = local(day, lo), local(day, hi)
                minutes = overlap(shift_lo, shift_hi, w.start, w.end)
                for tech, off_lo, off_hi in w.time_off:
                    if tech == name:   # time off inside this shift, inside the window
                        minutes -= overlap(max(shift_lo, off_lo), min(shift_hi, off_hi), w.start, w.end)
                working += minutes
            day += timedelta(days=1)
        booked = sum(overlap(t.appointment[0], t.appointment[1], w.start, w.end) for t in w.tickets
                     if t.technician == name and t.appointment and t.appointment[2] != "cancelled")
        out[name] = (round(booked, 1), round(working, 4))
    return out


def _reliability(w: World) -> dict[str, tuple[int, int, int]]:
    out = {}
    until = min(w.end, w.now)
    for name in HOURS:
        mine = [t for t in w.tickets if t.technician == name]
        row = (sum(1 for t in mine if inside(t.entered("completed"), w)),
               sum(1 for t in mine if t.appointment and t.appointment[2] == "cancelled" and inside(t.appointment[4], w)),
               sum(1 for t in mine if t.appointment and t.appointment[2] == "booked" and t.clock_in is None
                   and w.start <= t.appointment[1] < until))
        if any(row):
            out[name] = row
    return out


def _unbooked(w: World) -> dict[str, int]:
    out = {r: 0 for r in ("no_skill", "no_capacity", "outside_area", "customer_left")}
    for t in w.tickets:
        if inside(t.created_at, w) and t.appointment is None:
            out[REASONS.get(t.waitlist_reason, "customer_left")] += 1
    return out


def _csat(w: World) -> dict:
    completed = [t for t in w.tickets if t.status == "completed"]
    scores = [score for _, (score, at) in zip(completed, w.surveys) if inside(at, w)]
    return {"responses": len(scores), "average": round(sum(scores) / len(scores), 2) if scores else None,
            "distribution": {str(n): scores.count(n) for n in range(1, 6)}}


def _sla(w: World) -> dict[str, int]:
    out = {"tickets": 0, "first_response": 0, "on_site": 0, "resolution": 0}
    for t in w.tickets:
        if not inside(t.created_at, w):
            continue
        out["tickets"] += 1
        reached = {"first_response": t.entered("scheduled"), "on_site": t.clock_in,
                   "resolution": t.entered("completed")}
        for target, minutes in zip(("first_response", "on_site", "resolution"), POLICIES[t.urgency]):
            if minutes is None:
                continue
            due = t.created_at + timedelta(minutes=minutes)
            late = reached[target] or (w.now if t.status != "cancelled" else None)
            out[target] += bool(late and late > due)
    return out
