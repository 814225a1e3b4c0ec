"""The FastAPI application: routers of every surface, error format, lifespan of the pools."""

from __future__ import annotations

import logging
import secrets
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.answers import contract_openapi
from api.errors import install_error_handlers
from api.text_guard import TextGuard
from api.widget_cors import WidgetCors
from agent.routing import route_models
from agent.runner import AgentRunner
from api.routes import agent as agent_routes
from api.routes import admin as admin_routes
from api.routes import (catalog, catalog_setup, contact_details, contacts, conversations, equipment, health, kb,
                        messages, metrics, privacy, records, reports, scheduling, team, technicians_setup, tickets,
                        webhooks)
from domain.attachments.storage import LocalStorage
from domain.clock import Clock
from domain.db import Database
from domain.live import Notifier
from domain.live_postgres import PostgresNotifier
from fieldbook import __version__
from fieldbook.jobs_setup import build_job_runner
from fieldbook.request_log import RequestLogMiddleware
from fieldbook.settings import Settings
from fieldbook.telemetry import configure_telemetry
from staff import install_staff
from sms import routes as sms_routes
from web_widget import downloads as widget_downloads
from web_widget import pages as widget_pages
from web_widget import ws as widget_ws

log = logging.getLogger(__name__)

ROUTERS = [health.router, contacts.router, contact_details.router, equipment.router, tickets.router, catalog.router,
           records.router, scheduling.router, messages.router, webhooks.router, privacy.router, widget_pages.router,
           widget_ws.router, widget_downloads.router, sms_routes.router, agent_routes.router, kb.router,
           reports.router, metrics.router, conversations.router, technicians_setup.router, catalog_setup.router,
           team.router, admin_routes.router]


def build_runner(settings: Settings, db: Database, clock: Clock, live: Notifier | None = None) -> AgentRunner:
    """The agent runner with the model chain of the settings (the guided engine when none is configured)."""
    # without SECRET_KEY (tests, `migrate`) codes are keyed by a per-process secret: valid until restart
    secret = (settings.secret_key.get_secret_value().encode() if settings.secret_key
              else secrets.token_bytes(32))
    return AgentRunner(db, clock, route_models(settings), secret, live)


def create_app(settings: Settings, db: Database, clock: Clock | None = None) -> FastAPI:
    """The app over an (unopened) Database; the lifespan opens and closes its pools."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await db.open()
        await app.state.live.start()
        log.info("agent engine: %s", app.state.agent_engine)
        jobs = build_job_runner(settings, db, app.state.clock) if settings.jobs_enabled else None
        if jobs is not None:
            jobs.start()
        try:
            yield
        finally:
            if jobs is not None:
                await jobs.stop()
            await app.state.live.stop()
            await db.close()
            app.state.telemetry.flush()

    app = FastAPI(title="Fieldbook", version=__version__, lifespan=lifespan, docs_url="/docs")
    app.state.settings = settings
    app.state.telemetry = configure_telemetry(settings)
    app.state.db = db
    app.state.clock = clock or Clock(settings.fieldbook_clock)
    app.state.live = PostgresNotifier(db.app_pool.conninfo)   # staff replies reach widgets on every process
    app.state.agent_runner = build_runner(settings, db, app.state.clock, app.state.live)
    app.state.agent_engine = app.state.agent_runner.engine
    # job photos: local disk under the data folder (domain/attachments/storage.py is the interface)
    app.state.storage = LocalStorage(settings.fieldbook_data_dir / "files")
    install_error_handlers(app)
    app.add_middleware(TextGuard)         # innermost: its refusals are logged like any answer
    app.add_middleware(RequestLogMiddleware)
    app.add_middleware(WidgetCors)
    for router in ROUTERS:
        app.include_router(router)
    install_staff(app)
    app.openapi = contract_openapi(app)
    if settings.bench_routes:
        app.add_api_websocket_route("/widget/echo", widget_ws.echo)
    return app
