"""One log line per request without personal data: no query strings, no bodies, the route template.

The same measurement feeds telemetry: a span per request and the request counter and duration
histogram, labelled by method, route template and status (never the raw path, which carries ids).
"""

from __future__ import annotations

import logging
import time

from opentelemetry import metrics, trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("fieldbook.requests")
tracer = trace.get_tracer("fieldbook.http")
meter = metrics.get_meter("fieldbook.http")
requests_total = meter.create_counter("fieldbook.http.requests", unit="{request}",
                                      description="HTTP requests by method, route template and status")
request_seconds = meter.create_histogram("fieldbook.http.duration", unit="s", description="HTTP request time")


class RequestLogMiddleware:
    """Logs method, route template (e.g. /api/v1/contacts/{contact_id}), status and duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with tracer.start_as_current_span(f"{scope['method']}", kind=trace.SpanKind.SERVER) as span:
            try:
                await self.app(scope, receive, send_with_status)
            finally:
                route = scope.get("route")
                path = getattr(route, "path", None) or "(unmatched)"
                elapsed = time.perf_counter() - started
                labels = {"http.request.method": scope["method"], "http.route": path,
                          "http.response.status_code": status}
                span.update_name(f"{scope['method']} {path}")
                span.set_attributes(labels)
                requests_total.add(1, labels)
                request_seconds.record(elapsed, labels)
                log.info("%s %s %s %.1fms", scope["method"], path, status, elapsed * 1000)
