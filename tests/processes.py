"""`fieldbook` commands as child processes with a clean environment: what an operator runs, for real."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.live import free_port


class FieldbookProcess:
    """`python -m fieldbook.cli <command> --port P`, healthy before the constructor returns."""

    def __init__(self, command: str, data_dir: Path, *, env: dict[str, str] | None = None,
                 args: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        clean = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(data_dir),
                 "FIELDBOOK_DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING"} | (env or {})
        self.proc = subprocess.Popen([sys.executable, "-m", "fieldbook.cli", command, "--port", str(self.port), *args],
                                     env=clean, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.wait_healthy()

    def wait_healthy(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"fieldbook exited early:\n{self.proc.stdout.read()}"
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise AssertionError("fieldbook did not become healthy")

    def stop(self, sig: int) -> str:
        self.proc.send_signal(sig)
        output, _ = self.proc.communicate(timeout=60)
        return output
