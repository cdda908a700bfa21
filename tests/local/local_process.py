"""Starts `python -m infra.local_server` as `make serve` does, for the local and browser tests."""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
HEADERS = ROOT / "build" / "security-headers.json"
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 15


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LocalServer:
    """A running local server: its address, its process and where its state and log live."""

    url: str
    workdir: Path
    log: Path
    process: subprocess.Popen[bytes]

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as response:  # noqa: S310
            body: bytes = response.read()
            return body

    def outbox(self) -> list[dict[str, Any]]:
        emails: list[dict[str, Any]] = json.loads(self.get("/_local/outbox.json"))
        return emails

    def inbox(self, *args: str) -> Any:
        """`api-inbox --local ... --json` against this server's emulated AWS, parsed."""
        command = [str(Path(sys.executable).with_name("api-inbox")), "--local", *args, "--json"]
        result = subprocess.run(  # noqa: S603 -- our own command line
            command, cwd=self.workdir, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, f"api-inbox {' '.join(args)} failed:\n{result.stderr}"
        return json.loads(result.stdout)

    def settings(self) -> dict[str, str]:
        """What `make serve` wrote to `.local/inbox.env`: the emulated AWS, the inbox's user."""
        values = {}
        for line in (self.workdir / ".local" / "inbox.env").read_text().splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["export"]:
                name, _, value = words[1].partition("=")
                values[name] = value
        return values

    def stop(self) -> int:
        """SIGTERM, as a service manager or Ctrl-C would; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def _wait_until_up(server: LocalServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the local server exited:\n{server.log.read_text()}")
        try:
            server.get("/api/challenge")
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail(
        f"the local server did not answer in {START_TIMEOUT_S} s:\n{server.log.read_text()}"
    )


@contextmanager
def local_server(workdir: Path) -> Iterator[LocalServer]:
    """The local server on a free port with its state in `workdir`; always stopped afterwards."""
    if not (SITE / "index.html").is_file() or not HEADERS.is_file():
        pytest.fail("site/ or build/security-headers.json is missing: run `make build` first")
    port = free_port()
    log = workdir / "server.log"
    # No AWS settings from the outside: the server must set up everything itself.
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    command = [sys.executable, "-m", "infra.local_server", "--port", str(port)]
    command += ["--state-dir", str(workdir / ".local")]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 -- our own command line
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    server = LocalServer(f"http://127.0.0.1:{port}", workdir, log, process)
    try:
        _wait_until_up(server)
        yield server
    finally:
        server.stop()
