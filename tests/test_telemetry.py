"""Telemetry: off by default; when configured, traces and metrics over OTLP/HTTP and Prometheus text at /metrics."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import fieldbook.demo
from fieldbook.telemetry import configure_telemetry
from jobs.scheduler import JobRunner

OFF_SCRIPT = """
import json, opentelemetry.trace as t, opentelemetry.metrics as m
from fieldbook.settings import load_settings
from fieldbook.telemetry import configure_telemetry
from jobs.scheduler import JobRunner
settings = load_settings(jobs_enabled=False)
telemetry = configure_telemetry(settings)
print(json.dumps({"enabled": telemetry.enabled, "tracer": type(t.get_tracer_provider()).__name__,
                  "meter": type(m.get_meter_provider()).__name__}))
"""


def test_off_by_default():
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}    # nothing configured
    out = subprocess.run([sys.executable, "-c", OFF_SCRIPT], capture_output=True, text=True, env=env, check=True)
    assert json.loads(out.stdout) == {"enabled": False, "tracer": "ProxyTracerProvider",
                                      "meter": "_ProxyMeterProvider"}


class Collector(http.server.BaseHTTPRequestHandler):
    """An OTLP/HTTP receiver: keeps what each path was sent."""
    received: dict[str, list[bytes]] = {}

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["content-length"]))
        self.received.setdefault(self.path, []).append(body)
        assert self.headers["content-type"] == "application/x-protobuf"
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def collector() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def telemetry_on(settings, collector):
    spans = InMemorySpanExporter()
    on = settings.model_copy(update={"otel_exporter_otlp_endpoint": collector, "metrics_token": SecretStr("m" * 24)})
    telemetry = configure_telemetry(on, span_processors=[SimpleSpanProcessor(spans)])
    yield on, telemetry, spans
    telemetry.shutdown()     # the SDK stays installed in this process, silent from here on


async def test_spans_metrics_otlp_and_prometheus(telemetry_on, db, clock):
    from fieldbook.app import create_app
    settings, telemetry, spans = telemetry_on
    await fieldbook.demo.seed_demo(db, allowed_origins=["http://testserver"])
    app = create_app(settings, db, clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        r = await client.post("/api/v1/ai-agent/chat", headers={"X-Widget-Key": fieldbook.demo.WIDGET_KEY},
                              json={"conversation_id": None, "message": "What are your hours?"})
        assert r.status_code == 200
        async def purge_transcripts() -> None:
            raise RuntimeError("disk full")
        await JobRunner._guard(purge_transcripts)()      # a failing run is logged, counted and spanned
        assert (await client.get("/metrics")).status_code == 401
        assert (await client.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 401
        scraped = await client.get("/metrics", headers={"Authorization": f"Bearer {'m' * 24}"})
    assert scraped.status_code == 200 and scraped.headers["content-type"].startswith("text/plain")
    samples = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in scraped.text.splitlines()
               if line and not line.startswith("#")}

    def sample(name: str, **labels: str) -> float:
        return sum(v for k, v in samples.items() if k.startswith(name + "{")
                   and all(f'{label}="{value}"' in k for label, value in labels.items()))

    assert sample("fieldbook_http_requests_total", http_request_method="POST", http_response_status_code="200",
                  http_route="/api/v1/ai-agent/chat") == 1
    assert sample("fieldbook_http_requests_total", http_route="/metrics", http_response_status_code="401") == 2
    assert sample("fieldbook_agent_turns_total", engine="guided") == 1
    assert sample("fieldbook_agent_tool_calls_total", tool="business_info") == 1
    assert sample("fieldbook_jobs_runs_total", job="purge_transcripts", outcome="error") == 1
    assert sample("fieldbook_db_transaction_duration_seconds_count") >= 3
    text = scraped.text
    assert "fieldbook_db_transaction_duration_seconds_bucket" in text
    names = {s.name for s in spans.get_finished_spans()}
    assert {"POST /api/v1/ai-agent/chat", "agent.turn", "job purge_transcripts"} <= names
    turn = next(s for s in spans.get_finished_spans() if s.name == "agent.turn")
    assert turn.attributes["fieldbook.engine"] == "guided"
    assert tuple(turn.attributes["fieldbook.tool_calls"]) == ("business_info",)
    telemetry.flush()
    assert Collector.received.get("/v1/traces") and Collector.received.get("/v1/metrics")
    assert any(b"agent.turn" in body for body in Collector.received["/v1/traces"])
