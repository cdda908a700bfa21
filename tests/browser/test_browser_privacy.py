"""The browser talks to the site's own origin only, nothing breaks the CSP, and nothing is kept.

Each walk (every page; one report) runs once per module and is recorded; the tests read the record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from tests.browser.report_page import (
    Recorder,
    fill_full_report,
    full_report,
    new_context,
    open_report_page,
    send_and_wait_for_reference,
    site_pages,
)
from tests.local.local_process import LocalServer


@dataclass
class ReportWalk:
    recorder: Recorder
    storage: list[int]
    state: Any


@pytest.fixture(scope="module")
def all_pages(browser: Browser, server: LocalServer) -> Iterator[Recorder]:
    """Every page of the site and the 404 page, loaded until the network is idle."""
    recorder = Recorder()
    context = new_context(browser, server)
    page = context.new_page()
    page.on("request", recorder.on_request)
    page.on("console", recorder.on_console)
    for path in [*site_pages(), "/no-such-page/"]:
        page.goto(path, wait_until="networkidle")
    yield recorder
    context.close()


@pytest.fixture(scope="module")
def report_walk(browser: Browser, server: LocalServer) -> Iterator[ReportWalk]:
    """One report sent with every field filled in, from opening the page to the reference."""
    recorder = Recorder()
    context = new_context(browser, server)
    page = context.new_page()
    page.on("request", recorder.on_request)
    page.on("console", recorder.on_console)
    open_report_page(page, "en")
    fill_full_report(page, full_report("en"))
    send_and_wait_for_reference(page)
    page.wait_for_load_state("networkidle")
    storage = page.evaluate("[localStorage.length, sessionStorage.length]")
    yield ReportWalk(recorder, storage, context.storage_state())
    context.close()


def foreign(requests: list[str], server: LocalServer) -> list[str]:
    own = urlsplit(server.url).netloc
    return [url for url in requests if urlsplit(url).netloc != own]


def test_page_loads_request_only_the_sites_own_origin(
    all_pages: Recorder, server: LocalServer
) -> None:
    assert len(all_pages.requests) > len(site_pages())
    assert foreign(all_pages.requests, server) == []


def test_page_loads_cause_no_content_security_policy_violation(all_pages: Recorder) -> None:
    assert all_pages.csp_violations() == []


def test_report_flow_requests_only_the_sites_own_origin(
    report_walk: ReportWalk, server: LocalServer
) -> None:
    assert any(url.endswith("/api/reports") for url in report_walk.recorder.requests)
    assert any(url.endswith("/api/challenge") for url in report_walk.recorder.requests)
    assert foreign(report_walk.recorder.requests, server) == []


def test_report_flow_causes_no_content_security_policy_violation(
    report_walk: ReportWalk,
) -> None:
    assert report_walk.recorder.csp_violations() == []


def test_report_flow_leaves_no_cookie_or_web_storage(report_walk: ReportWalk) -> None:
    assert report_walk.storage == [0, 0]
    assert report_walk.state == {"cookies": [], "origins": []}
