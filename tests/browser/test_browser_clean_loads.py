"""No failing request and no console error on any page, in any language (issue 17).

Material's language selector used to ask for <page>/sitemap.xml next to every hreflang link, three
404s on every page; these tests catch that, and anything like it, again.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, Response

from tests.browser.report_page import site_pages

NOT_FOUND = ["/no-such-page/", "/fr/no-such-page/", "/en/who/no-such-page/"]


def _visit(page: Page, path: str) -> tuple[Response | None, list[str]]:
    """Open `path` and wait until the network is quiet; every failure seen on the way."""
    failures: list[str] = []

    def on_response(response: Response) -> None:
        if response.status >= 400:
            failures.append(f"{response.status} {response.url}")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            failures.append(f"console: {message.text}")

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("requestfailed", lambda request: failures.append(f"failed {request.url}"))
    page.on("pageerror", lambda error: failures.append(f"script error: {error}"))
    page.on("worker", lambda worker: worker.on("console", on_console))
    response = page.goto(path)
    page.wait_for_load_state("networkidle")
    return response, failures


@pytest.mark.parametrize("path", site_pages())
def test_page_loads_without_failing_requests_or_console_errors(page: Page, path: str) -> None:
    response, failures = _visit(page, path)
    assert response is not None and response.status == 200
    assert failures == []


@pytest.mark.parametrize("path", NOT_FOUND)
def test_not_found_page_fails_only_itself(page: Page, path: str) -> None:
    response, failures = _visit(page, path)
    assert response is not None and response.status == 404
    # The one 404 is the answer for the missing page itself, as it must be.
    own = f"404 {response.url}"
    assert [f for f in failures if f != own and "status of 404" not in f] == []
    assert failures.count(own) == 1


@pytest.mark.parametrize("path", ["/", "/fr/", "/en/"])
def test_search_loads_its_language_files_without_failures(page: Page, path: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    _, failures = _visit(page, path)
    page.locator("label.md-header__button[for=__search]").click()
    page.locator("input.md-search__input").press_sequentially("API")
    page.locator(".md-search-result__item").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert failures == []
