"""`fieldbook serve --workers N`: each uvicorn worker process builds its own app from the environment.

The parent resolves the database (starting the embedded server, which it keeps for the workers' lifetime)
and hands the URLs down in FIELDBOOK_WORKER_DATABASE; every worker reads the same settings. What makes
several processes correct is in PostgreSQL: turn locks (domain/conversations/turns.py), rate-limit
counters, jobs claimed with FOR UPDATE SKIP LOCKED.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict

from fastapi import FastAPI

from domain.clock import Clock
from fieldbook.runtime import DatabaseUrls, make_database
from fieldbook.settings import load_settings

URLS_VARIABLE = "FIELDBOOK_WORKER_DATABASE"


def hand_down(urls: DatabaseUrls) -> None:
    """Put the resolved database URLs where the worker processes (spawned after this) will find them."""
    os.environ[URLS_VARIABLE] = json.dumps(asdict(urls))


def create_worker_app() -> FastAPI:
    """The app of one worker process (uvicorn's factory)."""
    from fieldbook.app import create_app
    settings = load_settings()
    urls = DatabaseUrls(**json.loads(os.environ[URLS_VARIABLE]))
    return create_app(settings, make_database(urls), Clock(settings.fieldbook_clock))
