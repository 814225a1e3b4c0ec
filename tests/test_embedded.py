"""The embedded PostgreSQL stops with the process that started it: Ctrl-C, SIGTERM, and after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.live import free_port

pytestmark = pytest.mark.slow


def postgres_on(pgdata: Path) -> list[psutil.Process]:
    """The postmaster processes serving this data folder."""
    found = []
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and str(pgdata) in cmdline:
            found.append(proc)
    return found


class Demo:
    """`fieldbook demo` as a child process over its own data folder, with a clean environment."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(data_dir),
               "FIELDBOOK_DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING"}
        self.proc = subprocess.Popen([sys.executable, "-m", "fieldbook.cli", "demo", "--port", str(self.port)],
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.wait_healthy()

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"demo exited early:\n{self.proc.stdout.read()}"
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError("demo did not become healthy")

    def stop(self, sig: int) -> str:
        self.proc.send_signal(sig)
        output, _ = self.proc.communicate(timeout=60)
        return output


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
    demo = Demo(data_dir)
    assert len(postgres_on(data_dir / "pgdata")) == 1
    demo.stop(sig)
    assert postgres_on(data_dir / "pgdata") == []


def test_after_a_crash_the_next_start_runs_one_server_and_stops_it(data_dir):
    first = Demo(data_dir)
    first.stop(signal.SIGKILL)
    leftover = postgres_on(data_dir / "pgdata")
    assert len(leftover) == 1   # a killed process cannot stop anything

    second = Demo(data_dir)
    assert postgres_on(data_dir / "pgdata") == leftover   # reused, not a second one
    second.stop(signal.SIGTERM)
    assert postgres_on(data_dir / "pgdata") == []
