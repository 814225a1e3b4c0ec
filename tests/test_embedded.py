"""The embedded PostgreSQL stops with the process that started it: Ctrl-C, SIGTERM, and after a crash."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import psutil
import pytest

from tests.processes import FieldbookProcess

pytestmark = pytest.mark.slow


def postgres_on(pgdata: Path) -> list[psutil.Process]:
    """The postmaster processes serving this data folder."""
    found = []
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and str(pgdata) in cmdline:
            found.append(proc)
    return found


def start_demo(data_dir: Path) -> FieldbookProcess:
    return FieldbookProcess("demo", data_dir)


@pytest.fixture
def data_dir(tmp_path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    os.chmod(tmp_path, 0o755)   # as root, the embedded server runs as its own user and must reach the folder
    yield path
    for proc in postgres_on(path / "pgdata"):   # never leave a server behind, even when a test fails
        proc.kill()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_stopping_the_demo_stops_its_postgres(data_dir, sig):
    demo = start_demo(data_dir)
    assert len(postgres_on(data_dir / "pgdata")) == 1
    demo.stop(sig)
    assert postgres_on(data_dir / "pgdata") == []


def test_after_a_crash_the_next_start_runs_one_server_and_stops_it(data_dir):
    first = start_demo(data_dir)
    first.stop(signal.SIGKILL)
    leftover = postgres_on(data_dir / "pgdata")
    assert len(leftover) == 1   # a killed process cannot stop anything

    second = start_demo(data_dir)
    assert postgres_on(data_dir / "pgdata") == leftover   # reused, not a second one
    second.stop(signal.SIGTERM)
    assert postgres_on(data_dir / "pgdata") == []
