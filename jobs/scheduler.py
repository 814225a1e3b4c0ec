"""The background jobs of a server process on APScheduler 3 (AsyncIOScheduler).

Every job claims its work in the database (FOR UPDATE SKIP LOCKED), so several server processes may
run these side by side; within one process, coalesce and max_instances=1 keep a slow run from piling up.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import httpx
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from opentelemetry import metrics, trace

from domain.clock import Clock
from domain.db import Database
from jobs.retention import purge_expired_transcripts
from jobs.sender import SenderConfig, send_due_messages
from jobs.transports import MailTransport, SmsTransport
from jobs.webhooks import WebhookConfig, deliver_webhooks

log = logging.getLogger(__name__)
tracer = trace.get_tracer("fieldbook.jobs")
_meter = metrics.get_meter("fieldbook.jobs")
job_runs = _meter.create_counter("fieldbook.jobs.runs", unit="{run}", description="Job runs by job and outcome")
job_seconds = _meter.create_histogram("fieldbook.jobs.duration", unit="s", description="Job run time")


@dataclass
class JobsConfig:
    interval_seconds: float
    sender: SenderConfig
    webhooks: WebhookConfig | None   # None when SECRET_KEY is unset: nothing can be signed
    retention_interval_seconds: float = 3600.0


class JobRunner:
    """Owns the scheduler, the HTTP client for webhooks, and the transports for messages."""

    def __init__(self, db: Database, clock: Clock, *, sms: SmsTransport, mail: MailTransport,
                 config: JobsConfig) -> None:
        self.db, self.clock, self.sms, self.mail, self.config = db, clock, sms, mail, config
        self.http: httpx.AsyncClient | None = None
        self.scheduler: AsyncIOScheduler | None = None

    async def send_messages(self):
        return await send_due_messages(self.db, clock=self.clock, sms=self.sms, mail=self.mail,
                                       config=self.config.sender)

    async def deliver_webhooks(self):
        if self.config.webhooks is None:
            return None
        return await deliver_webhooks(self.db, clock=self.clock, http=self._http(), config=self.config.webhooks)

    async def purge_transcripts(self):
        return await purge_expired_transcripts(self.db, clock=self.clock)

    def _http(self) -> httpx.AsyncClient:
        if self.http is None:
            self.http = httpx.AsyncClient()
        return self.http

    def start(self) -> None:
        """Schedules the jobs on the running event loop."""
        scheduler = AsyncIOScheduler(job_defaults={"coalesce": True, "max_instances": 1,
                                                   "misfire_grace_time": 60})
        every = self.config.interval_seconds
        scheduler.add_job(self._guard(self.send_messages), "interval", seconds=every, id="send_messages")
        scheduler.add_job(self._guard(self.deliver_webhooks), "interval", seconds=every, id="deliver_webhooks")
        scheduler.add_job(self._guard(self.purge_transcripts), "interval",
                          seconds=self.config.retention_interval_seconds, id="purge_transcripts")
        scheduler.start()
        self.scheduler = scheduler
        log.info("jobs started (every %ss)", every)

    async def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if self.http is not None:
            await self.http.aclose()
            self.http = None

    @staticmethod
    def _guard(job):
        """A failing run is logged and retried on the next tick instead of killing the job; each run is a span."""
        async def run() -> None:
            started, outcome = time.perf_counter(), "ok"
            with tracer.start_as_current_span(f"job {job.__name__}"):
                try:
                    await job()
                except Exception:
                    outcome = "error"
                    log.exception("job %s failed", job.__name__)
            job_runs.add(1, {"job": job.__name__, "outcome": outcome})
            job_seconds.record(time.perf_counter() - started, {"job": job.__name__})
        run.__name__ = job.__name__
        return run
