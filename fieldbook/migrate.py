"""Schema versions: a fresh database gets schema.sql in one step; an older one is migrated in place.

Version 1 is the released schema (`migrations/0001_initial.sql`, a frozen copy). Every later change ships
twice: in schema.sql, the whole current schema, and as `migrations/NNNN_<what>.sql`, the step from the
version before. `fieldbook migrate` runs each pending step in its own transaction and records it in
`schema_migrations`; `schema_meta.version` holds the version the database is at. tests/test_migrations.py
proves both paths end in the same catalog.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from domain.db import APP_ROLE

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schema.sql"
MIGRATIONS_DIR = ROOT / "migrations"
MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class SchemaMismatch(RuntimeError):
    """The database's schema version is not one this code can serve or migrate."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    def text(self) -> str:
        return self.path.read_text()


def all_migrations() -> list[Migration]:
    """Every numbered step, version 1 (the released schema) first; numbers must run 1, 2, 3 ... without gaps."""
    found = []
    for path in MIGRATIONS_DIR.glob("*.sql"):
        match = MIGRATION_NAME.match(path.name)
        if not match:
            raise SchemaMismatch(f"{path.name}: migration files are named NNNN_lowercase_words.sql")
        found.append(Migration(int(match.group(1)), match.group(2), path))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise SchemaMismatch(f"migrations/ must number its files 1..n without gaps or repeats, found {versions}")
    return found


def schema_version() -> int:
    """The version this code serves: the last migration's number."""
    return all_migrations()[-1].version


def schema_text() -> str:
    return SCHEMA_PATH.read_text()


def ensure_app_role(conn: psycopg.Connection) -> None:
    """The serving role: can log in, owns nothing, not superuser, cannot bypass RLS."""
    exists = conn.execute("select 1 from pg_roles where rolname = %s", (APP_ROLE,)).fetchone()
    if not exists:
        conn.execute(sql.SQL("create role {} login nosuperuser nobypassrls nocreatedb nocreaterole")
                     .format(sql.Identifier(APP_ROLE)))
    # lets a non-superuser owner hand its connections to the serving role with SET ROLE
    conn.execute(sql.SQL("grant {} to current_user").format(sql.Identifier(APP_ROLE)))


def installed_version(conn: psycopg.Connection) -> int | None:
    """The database's schema version, or None for a database without Fieldbook's schema."""
    if conn.execute("select to_regclass('public.schema_meta')").fetchone()[0] is None:
        return None
    return conn.execute("select version from schema_meta").fetchone()[0]


def check_version(found: int | None) -> list[Migration]:
    """The steps that bring a database at `found` to this code's version; refuses a newer database."""
    expected = schema_version()
    if found is not None and found > expected:
        raise SchemaMismatch(
            f"the database holds schema version {found}, newer than this Fieldbook's version {expected}; "
            "run the Fieldbook release that wrote it (or a newer one), or restore a backup taken before the upgrade")
    return [m for m in all_migrations() if found is not None and m.version > found]


def require_current(admin_url: str) -> None:
    """Refuse to serve a database that is empty, older or newer than this code, naming the fix."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        found = installed_version(conn)
    if found is None:
        raise SchemaMismatch("the database has no Fieldbook schema yet: run `fieldbook migrate` first")
    if check_version(found):
        raise SchemaMismatch(
            f"the database is at schema version {found} and this Fieldbook needs version {schema_version()}: "
            "take a backup (`fieldbook backup --out FILE`), then run `fieldbook migrate`")


def migrate(admin_url: str) -> str:
    """Bring the database to this code's schema version; returns what was done."""
    expected = schema_version()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        ensure_app_role(conn)
        found = installed_version(conn)
        pending = check_version(found)
        if found is None:
            _apply_fresh(conn, expected)
            return f"schema version {expected} applied"
        if not pending:
            return f"schema is up to date (version {expected})"
        for step in pending:
            _apply_step(conn, step)
    return f"migrated from schema version {found} to {expected} ({', '.join(f'{m.version:04d}_{m.name}' for m in pending)})"


def _apply_fresh(conn: psycopg.Connection, version: int) -> None:
    with conn.transaction():
        conn.execute(schema_text())
        conn.execute("insert into schema_meta (version) values (%s)", (version,))
        with conn.cursor() as cur:
            cur.executemany("insert into schema_migrations (version, name) values (%s, %s)",
                            [(m.version, m.name) for m in all_migrations()])


def _apply_step(conn: psycopg.Connection, step: Migration) -> None:
    with conn.transaction():
        locked = conn.execute("select version from schema_meta for update").fetchone()[0]
        if locked >= step.version:   # another process ran this step while we waited for the lock
            return
        conn.execute(step.text())
        conn.execute("insert into schema_migrations (version, name) values (%s, %s)", (step.version, step.name))
        conn.execute("update schema_meta set version = %s, applied_at = now()", (step.version,))
