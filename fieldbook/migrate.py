"""Applies schema.sql to an empty database and refuses a database of another schema version."""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
from psycopg import sql

from domain.db import APP_ROLE

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema.sql"


class SchemaMismatch(RuntimeError):
    pass


def schema_text() -> str:
    return SCHEMA_PATH.read_text()


def schema_version() -> int:
    match = re.search(r"insert into schema_meta \(version\) values \((\d+)\)", schema_text())
    assert match, "schema.sql must record its version"
    return int(match.group(1))


def ensure_app_role(conn: psycopg.Connection) -> None:
    """The serving role: can log in, owns nothing, not superuser, cannot bypass RLS."""
    exists = conn.execute("select 1 from pg_roles where rolname = %s", (APP_ROLE,)).fetchone()
    if not exists:
        conn.execute(sql.SQL("create role {} login nosuperuser nobypassrls nocreatedb nocreaterole")
                     .format(sql.Identifier(APP_ROLE)))
    # lets a non-superuser owner hand its connections to the serving role with SET ROLE
    conn.execute(sql.SQL("grant {} to current_user").format(sql.Identifier(APP_ROLE)))


def installed_version(conn: psycopg.Connection) -> int | None:
    if conn.execute("select to_regclass('public.schema_meta')").fetchone()[0] is None:
        return None
    return conn.execute("select version from schema_meta").fetchone()[0]


def migrate(admin_url: str) -> str:
    """Bring the database to this code's schema; returns what was done."""
    expected = schema_version()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        ensure_app_role(conn)
        found = installed_version(conn)
        if found == expected:
            return f"schema is up to date (version {expected})"
        if found is not None:
            raise SchemaMismatch(
                f"the database holds schema version {found}, but this Fieldbook needs version {expected}; "
                "restore it into a fresh database or, for a disposable demo database, delete the data folder")
        with conn.transaction():
            conn.execute(schema_text())
    return f"schema version {expected} applied"
