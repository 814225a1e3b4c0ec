"""Turns settings into a running database: embedded or external, migrated, with its pools."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from domain.db import APP_ROLE, Database
from fieldbook.embedded import EmbeddedPostgres
from fieldbook.migrate import migrate, require_current
from fieldbook.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class DatabaseUrls:
    admin: str
    app: str
    app_role: str | None  # set when the app URL logs in as a privileged role and must SET ROLE


def database_urls(settings: Settings, embedded: EmbeddedPostgres | None) -> DatabaseUrls:
    if embedded is not None:
        return DatabaseUrls(admin=embedded.url(), app=embedded.url(user=APP_ROLE), app_role=None)
    assert settings.database_url
    if settings.database_app_url:
        return DatabaseUrls(admin=settings.database_url, app=settings.database_app_url, app_role=None)
    return DatabaseUrls(admin=settings.database_url, app=settings.database_url, app_role=APP_ROLE)


def start_embedded(settings: Settings) -> EmbeddedPostgres | None:
    """The embedded server when DATABASE_URL is unset (started now), else None."""
    if not settings.embedded:
        return None
    pg = EmbeddedPostgres(settings.fieldbook_data_dir)
    pg.ensure_database()
    return pg


def prepare_database(settings: Settings, *, migrating: bool = False) -> tuple[DatabaseUrls, EmbeddedPostgres | None]:
    """The database's URLs, the embedded server started if it is the one; migrated to this code's schema
    when `migrating` (the `migrate` and `demo` commands), else refused unless it is already current."""
    embedded = start_embedded(settings)
    urls = database_urls(settings, embedded)
    if migrating:
        log.info(migrate(urls.admin))
    else:
        require_current(urls.admin)
    return urls, embedded


def make_database(urls: DatabaseUrls, **pool_args) -> Database:
    return Database(urls.app, urls.admin, app_role=urls.app_role, **pool_args)


@asynccontextmanager
async def open_database(urls: DatabaseUrls, max_size: int = 2) -> AsyncIterator[Database]:
    """A small opened Database for one command (seeding, administration, the terminal chat)."""
    db = make_database(urls, min_size=1, max_size=max_size)
    await db.open()
    try:
        yield db
    finally:
        await db.close()
