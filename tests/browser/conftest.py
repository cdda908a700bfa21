"""Browser suite fixtures: the local server `make serve` runs, and Debian's Chromium via Playwright.

One server and one browser per session; every test gets a fresh browser context.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    sync_playwright,
)

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
HEADERS = ROOT / "build" / "security-headers.json"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
START_TIMEOUT_S = 60
LANGUAGES = ("nl", "fr", "en")
LANGUAGE_PREFIX = {"nl": "/", "fr": "/fr/", "en": "/en/"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LocalServer:
    """The running `python -m infra.local_server` and where its state lives."""

    url: str
    workdir: Path
    log: Path

    def inbox(self, *args: str) -> Any:
        """`api-inbox --local ... --json` against this server's emulated AWS, parsed."""
        command = [str(Path(sys.executable).with_name("api-inbox")), "--local", *args, "--json"]
        result = subprocess.run(  # noqa: S603 -- our own command line
            command, cwd=self.workdir, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, f"api-inbox {' '.join(args)} failed:\n{result.stderr}"
        return json.loads(result.stdout)

    def outbox(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/_local/outbox.json", timeout=10) as response:  # noqa: S310
            emails: list[dict[str, Any]] = json.load(response)
            return emails


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the local server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/api/challenge", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the local server did not answer within {START_TIMEOUT_S} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """`python -m infra.local_server` on a free port, as `make serve` runs it; stopped after."""
    if not (SITE / "index.html").is_file() or not HEADERS.is_file():
        pytest.fail("site/ or build/security-headers.json is missing: run `make build` first")
    workdir = tmp_path_factory.mktemp("local-server")
    log = workdir / "server.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 -- our own command line
            [
                sys.executable,
                "-m",
                "infra.local_server",
                "--port",
                str(port),
                "--state-dir",
                str(workdir / ".local"),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(url, process, log)
        yield LocalServer(url=url, workdir=workdir, log=log)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium (Playwright's download cannot work here); `make chromium` installs it."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (`make chromium`)")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Recorder:
    """What a page did: every request URL and every console message."""

    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def on_console(self, message: ConsoleMessage) -> None:
        self.console.append(f"{message.type}: {message.text}")

    def csp_violations(self) -> list[str]:
        return [line for line in self.console if "Content Security Policy" in line]


@pytest.fixture
def context(browser: Browser, server: LocalServer) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=server.url)
    # Generous: the CI machine is shared, and a slow step is not a failing one.
    context.set_default_timeout(60_000)
    yield context
    context.close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def page(context: BrowserContext, recorder: Recorder) -> Page:
    page = context.new_page()
    page.on("request", recorder.on_request)
    page.on("console", recorder.on_console)
    return page


def site_pages() -> list[str]:
    """The URL path of every built page in every language; a placeholder that fails when unbuilt."""
    pages = []
    for index in SITE.rglob("index.html"):
        relative = index.parent.relative_to(SITE).as_posix()
        pages.append("/" if relative == "." else f"/{relative}/")
    # An empty list would make pytest skip the tests silently; the server fixture explains instead.
    return sorted(pages) or ["/site-not-built/"]
