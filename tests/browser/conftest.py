"""Browser suite fixtures: the local server `make serve` runs, and Debian's Chromium via Playwright.

One server and one browser per session; every test gets a fresh browser context.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.browser.report_page import Recorder, new_context
from tests.local.local_process import LocalServer, local_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    """`python -m infra.local_server` on a free port, as `make serve` runs it."""
    with local_server(tmp_path_factory.mktemp("browser-server")) as running:
        yield running


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
