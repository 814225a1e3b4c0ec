"""`fieldbook bench channels --out FILE.json`: the customer channels under load, against a bare baseline.

A fresh embedded PostgreSQL and a real server process (`fieldbook serve`) with the guided engine. In one
run it measures: a bare websocket echo on the same server (the baseline); 200 concurrent widget
conversations, each played through to a booking as fast as the server answers (closed loop), with the
server process's CPU time per turn; the same number of conversations again in an open loop, customers
who pause 2-5 s before each message the way people type; and signed Twilio webhook requests per second.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import psutil
import psycopg
import websockets
from psycopg import sql
from psycopg.conninfo import make_conninfo
from twilio.request_validator import RequestValidator

from domain.db import Database, admin_tx, fetch_value, tenant_tx
from domain.technicians.models import TechnicianCreate, WorkingSpan
from domain.technicians.service import create_technician
from domain.tenants.models import TenantCreate
from domain.tenants.service import create_tenant
from fieldbook.bench.customer import answer
from fieldbook.migrate import migrate

DATABASE = "fieldbook_bench_channels"
CLOCK = datetime(2025, 11, 6, 9, 30, tzinfo=ZoneInfo("America/Toronto"))
WIDGET_KEY = "bench-widget-key"
SMS_NUMBER = "+15005550006"
TWILIO_TOKEN = "bench-twilio-token-0123456789abcdef"
TURN_LIMIT = 14
PAUSE_S = (2.0, 5.0)   # open loop: how long a customer takes to read a reply and type the next message

PROFILES = [
    ("My furnace is making a loud banging noise", "HVAC",
     {"problem": "loud banging when it starts", "when": "next week", "address": "12 Elm Street, Toronto"}),
    ("My kitchen drain is clogged", "Plumbing",
     {"problem": "kitchen sink drains very slowly", "when": "next week", "address": "40 Pine Road, Toronto"}),
    ("I need three new outlets in the basement", "Electrical",
     {"problem": "add three outlets in the basement", "when": "next week", "address": "7 Birch Lane, Toronto"}),
    ("Can someone trim my hedges?", "Landscaping",
     {"problem": "hedges along the driveway", "when": "next week", "address": "99 Cedar Ave, Toronto"}),
]


def run(*, out: Path, conversations: int, sms_requests: int, open_conversations: int) -> int:
    with tempfile.TemporaryDirectory(prefix="fieldbook-bench-channels-") as tmp:
        from fieldbook.embedded import EmbeddedPostgres
        pg = EmbeddedPostgres(Path(tmp))
        try:
            admin_url = _fresh_database(pg.server_url)
            migrate(admin_url)
            port = _free_port()
            asyncio.run(_seed(admin_url, origin=f"http://127.0.0.1:{port}"))
            server = _server(admin_url, Path(tmp), port)
            with server as base:
                result = asyncio.run(_measure(base, admin_url, psutil.Process(server.process.pid),
                                              conversations, sms_requests, open_conversations))
        finally:
            pg.stop()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    for key, value in result.items():
        if key != "failed_transcripts":
            print(f"{key:22} {value}")
    print(f"written to {out}")
    completed = result["bookings_completed"] == conversations and result["open_bookings_completed"] == open_conversations
    return 0 if completed else 1


def _fresh_database(server_url: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(DATABASE)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(DATABASE)))
    return make_conninfo(server_url, dbname=DATABASE)


async def _seed(admin_url: str, *, origin: str) -> None:
    """A business with ten technicians per category, working Monday to Friday 08:00-20:00."""
    db = Database(admin_url, admin_url, app_role="fieldbook_app", max_size=2)
    await db.open()
    try:
        async with admin_tx(db) as conn:
            tenant = await create_tenant(conn, TenantCreate(
                name="Bench Home Services", slug="bench", timezone="America/Toronto", phone_region="CA",
                widget_public_key=WIDGET_KEY, sms_number=SMS_NUMBER, widget_allowed_origins=[origin]))
        hours = [WorkingSpan(weekday=d, starts=clock_time(8), ends=clock_time(20)) for d in range(1, 6)]
        async with tenant_tx(db.app_pool, tenant.id, "bench") as conn:
            for _, category, _ in PROFILES:
                for i in range(10):
                    await create_technician(conn, tenant_id=tenant.id, data=TechnicianCreate(
                        name=f"{category} Tech {i}", skills=[category], working_hours=hours))
    finally:
        await db.close()


class _server:
    """`fieldbook serve` in its own process, so the load generator does not share its CPU time slices."""

    def __init__(self, admin_url: str, tmp: Path, port: int) -> None:
        self.admin_url, self.tmp, self.port = admin_url, tmp, port
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> str:
        env = dict(os.environ, DATABASE_URL=self.admin_url, SECRET_KEY="bench-secret-" + "x" * 40,
                   PUBLIC_BASE_URL=self.base, FIELDBOOK_CLOCK=CLOCK.isoformat(), JOBS_ENABLED="false",
                   BENCH_ROUTES="true", TWILIO_AUTH_TOKEN=TWILIO_TOKEN, LOG_LEVEL="WARNING",
                   FIELDBOOK_DATA_DIR=str(self.tmp / "data"))
        for key in ("DATABASE_APP_URL", "LLM_LOCAL_BASE_URL", "LLM_REMOTE_PROVIDER", "TWILIO_ACCOUNT_SID", "SMTP_HOST"):
            env.pop(key, None)
        self.process = subprocess.Popen([sys.executable, "-m", "fieldbook.cli", "serve", "--port", str(self.port)],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/health", timeout=1).status_code == 200:
                    return self.base
            except httpx.HTTPError:
                time.sleep(0.2)
        self.process.kill()
        raise RuntimeError("the server did not start:\n" + self.process.stderr.read().decode()[-2000:])

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ms(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


async def _measure(base: str, admin_url: str, server: psutil.Process, conversations: int, sms_requests: int,
                   open_conversations: int) -> dict:
    ws_base = base.replace("http://", "ws://")
    echo = await _echo_round_trips(ws_base, base, sockets=conversations, messages=8)
    started, cpu_before = time.perf_counter(), _cpu_seconds(server)
    outcomes = await asyncio.gather(*(_conversation(ws_base, base, i) for i in range(conversations)))
    conversation_seconds, turn_cpu = time.perf_counter() - started, _cpu_seconds(server) - cpu_before
    turns = [t for latencies, _ in outcomes for t in latencies]
    booked_in_db = await _booked_count(admin_url)
    # the open loop: new customers (other phone numbers), each pausing between messages
    pacing = random.Random(7)
    open_outcomes = await asyncio.gather(*(
        _conversation(ws_base, base, conversations + i, pause=lambda: pacing.uniform(*PAUSE_S), start=i * 0.05)
        for i in range(open_conversations)))
    open_turns = [t for latencies, _ in open_outcomes for t in latencies]
    sms_per_s, sms_latencies = await _sms_throughput(base, sms_requests)
    turn_p50, echo_p50 = _ms(turns, 0.5), _ms(echo, 0.5)
    return {
        "conversations": conversations, "turns": len(turns),
        "turn_p50_ms": turn_p50, "turn_p99_ms": _ms(turns, 0.99),
        "bookings_completed": sum(1 for _, booked in outcomes if booked), "appointments_in_database": booked_in_db,
        "conversation_phase_s": round(conversation_seconds, 1),
        "turn_cpu_ms": round(turn_cpu * 1000 / len(turns), 2) if turns else None,
        "open_conversations": open_conversations, "open_turns": len(open_turns),
        "open_turn_p50_ms": _ms(open_turns, 0.5) if open_turns else None,
        "open_turn_p99_ms": _ms(open_turns, 0.99) if open_turns else None,
        "open_bookings_completed": sum(1 for _, booked in open_outcomes if booked),
        "echo_p50_ms": echo_p50, "echo_p99_ms": _ms(echo, 0.99),
        "turn_vs_echo": round(turn_p50 / echo_p50, 1) if echo_p50 else None,
        "sms_requests": sms_requests, "sms_requests_per_s": sms_per_s, "sms_p50_ms": _ms(sms_latencies, 0.5),
        "load_average": os.getloadavg()[0], "cpus": os.cpu_count(),
        "failed_transcripts": FAILED_TRANSCRIPTS,
    }


async def _echo_round_trips(ws_base: str, origin: str, *, sockets: int, messages: int) -> list[float]:
    async def one() -> list[float]:
        samples = []
        async with websockets.connect(ws_base + "/widget/echo", origin=origin) as ws:
            for i in range(messages):
                t = time.perf_counter()
                await ws.send(json.dumps({"type": "message", "text": f"ping {i}"}))
                await ws.recv()
                samples.append(time.perf_counter() - t)
        return samples
    return [s for batch in await asyncio.gather(*(one() for _ in range(sockets))) for s in batch]


FAILED_TRANSCRIPTS: list[list[str]] = []


async def _conversation(ws_base: str, origin: str, i: int, *, pause=None, start: float = 0.0
                        ) -> tuple[list[float], bool]:
    """One customer from opening to booking card; returns the turn latencies and whether it booked.
    With `pause`, the customer waits that many seconds before each message (after `start` seconds)."""
    opening, _, profile = PROFILES[i % len(PROFILES)]
    profile = dict(profile, phone=f"+1416555{i:04d}", name=f"Customer {i}")
    latencies, message, transcript = [], opening, []
    await asyncio.sleep(start)
    booked = await _play(ws_base, origin, opening, profile, latencies, transcript, pause)
    if not booked and len(FAILED_TRANSCRIPTS) < 3:
        FAILED_TRANSCRIPTS.append(transcript)
    return latencies, booked


async def _play(ws_base: str, origin: str, message: str, profile: dict, latencies: list[float],
                transcript: list[str], pause=None) -> bool:
    async with websockets.connect(ws_base + f"/widget/ws?key={WIDGET_KEY}", origin=origin, open_timeout=60) as ws:
        await ws.send(json.dumps({"type": "hello"}))
        while json.loads(await ws.recv())["type"] != "welcome":
            pass
        for _ in range(TURN_LIMIT):
            if pause is not None:
                await asyncio.sleep(pause())
            t = time.perf_counter()
            await ws.send(json.dumps({"type": "message", "text": message}))
            reply = await _frame(ws, "reply", "error")
            latencies.append(time.perf_counter() - t)
            transcript += [f"customer: {message}", f"agent: {reply.get('text') or reply.get('message')}"]
            if reply["type"] == "error":
                return False
            try:
                booking = await asyncio.wait_for(_frame(ws, "booking"), 0.3)
            except TimeoutError:
                booking = None
            if booking:
                return True
            message = answer(reply["text"], profile)
            if "just taken" in reply["text"]:   # after a lost race people pick among the offered times
                message = str(1 + (len(latencies) + int(profile["phone"][-4:])) % 3)
            if not message:
                return False
    return False


async def _frame(ws, *types: str) -> dict:
    while True:
        frame = json.loads(await ws.recv())
        if frame["type"] in types:
            return frame


async def _booked_count(admin_url: str) -> int:
    async with await psycopg.AsyncConnection.connect(admin_url) as conn:
        return await fetch_value(conn, "select count(*) from appointments where status = 'booked'")


async def _sms_throughput(base: str, total: int, concurrency: int = 16) -> tuple[float, list[float]]:
    """Signed webhook requests, each a new customer's first text (a full agent turn), `concurrency` at a time."""
    validator = RequestValidator(TWILIO_TOKEN)
    latencies: list[float] = []
    queue = list(range(total))

    async def worker(http: httpx.AsyncClient) -> None:
        while queue:
            i = queue.pop()
            params = {"MessageSid": f"SM{i:032d}", "From": f"+1905555{i:04d}", "To": SMS_NUMBER,
                      "Body": "My kitchen drain is clogged, can someone come next week?"}
            signature = validator.compute_signature(base + "/sms/twilio", params)
            t = time.perf_counter()
            response = await http.post("/sms/twilio", data=params, headers={"X-Twilio-Signature": signature})
            response.raise_for_status()
            latencies.append(time.perf_counter() - t)

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
    return round(total / (time.perf_counter() - started), 1), latencies
