"""Browser suite fixtures: the local server `make serve` runs, and Debian's Chromium via Playwright.

One server and one browser per session; every test gets a fresh browser context.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    sync_playwright,
)

from tests.browser.report_page import Recorder, new_context
from tests.local.local_process import LocalServer, local_server

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


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """`python -m infra.local_server` on a free port, as `make serve` runs it."""
    with local_server(tmp_path_factory.mktemp("browser-server")) as running:
        yield running


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


@pytest.fixture
def context(browser: Browser, server: LocalServer) -> Iterator[BrowserContext]:
    context = new_context(browser, server)
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
