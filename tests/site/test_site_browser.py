"""The site in a real Chromium under its own security headers: CSP, quick exit, search."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Route, Worker
from site_pages import CONFIG

QUICK_EXIT_URL: str = CONFIG["extra"]["quick_exit_url"]
NEUTRAL_PAGE = "<!doctype html><title>Weather</title><p>Sunny</p>"
# Records violations in the page itself (Playwright's init script is not subject to the CSP).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@pytest.fixture
def context(browser: Browser, served_site: str) -> Iterator[BrowserContext]:
    """A fresh profile; the neutral site is answered locally and every other origin is refused."""
    context = browser.new_context(viewport={"width": 390, "height": 844})

    def outside(route: Route) -> None:
        if route.request.url.startswith(QUICK_EXIT_URL):
            route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE)
        elif route.request.url.startswith(served_site):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", outside)
    context.add_init_script(RECORD_VIOLATIONS)
    yield context
    context.close()


@pytest.fixture
def console() -> list[str]:
    """Console messages of the page and its workers (the search worker reports its own)."""
    return []


@pytest.fixture
def page(context: BrowserContext, console: list[str]) -> Page:
    page = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        console.append(message.text)

    def on_worker(worker: Worker) -> None:
        worker.on("console", on_console)

    page.on("console", on_console)
    page.on("worker", on_worker)
    return page


def csp_problems(page: Page, console: list[str]) -> list[str]:
    reported: list[str] = page.evaluate("window.__violations")
    return [*reported, *(m for m in console if "Content Security Policy" in m)]


@pytest.mark.parametrize("path", ["/", "/fr/report/", "/en/urgent-help/", "/no-such-page/"])
def test_page_loads_without_csp_violations(
    page: Page, console: list[str], served_site: str, path: str
) -> None:
    page.goto(served_site + path)
    page.wait_for_load_state("networkidle")
    assert csp_problems(page, console) == []


def test_search_finds_whole_words_without_csp_violations_or_url_change(
    page: Page, console: list[str], served_site: str
) -> None:
    page.goto(served_site + "/fr/")
    page.wait_for_load_state("networkidle")
    page.locator("label.md-header__button[for=__search]").click()
    page.locator("input.md-search__input").press_sequentially("Ellen")
    page.locator(".md-search-result__item").first.wait_for()
    assert urlsplit(page.url).query == ""
    assert "Ellen" not in page.url
    assert csp_problems(page, console) == []


def test_nothing_is_stored_in_the_browser_after_reading_and_searching(
    page: Page, served_site: str, context: BrowserContext
) -> None:
    page.goto(served_site + "/")
    page.locator("label.md-header__button[for=__search]").click()
    page.locator("input.md-search__input").press_sequentially("politie")
    page.locator(".md-search-result__item").first.wait_for()
    page.goto(served_site + "/en/who/")
    stored = page.evaluate("[localStorage.length, sessionStorage.length, document.cookie]")
    assert stored == [0, 0, ""]
    assert context.cookies() == []


def test_quick_exit_is_the_first_element_reached_with_tab(page: Page, served_site: str) -> None:
    page.goto(served_site + "/what-is-an-api/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-quick-exit')")


def test_skip_link_comes_next_and_moves_focus_to_the_text(page: Page, served_site: str) -> None:
    page.goto(served_site + "/fr/what-the-api-does/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#text"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "text"


def test_quick_exit_hides_the_page_before_the_neutral_site_loads(
    page: Page, served_site: str
) -> None:
    held: list[Route] = []
    page.route(QUICK_EXIT_URL + "**", lambda route: held.append(route))
    page.goto(served_site + "/report/")
    # Click and look in the same task: what a child's screen shows while the neutral site loads.
    display = page.evaluate(
        """() => {
          document.querySelector("[data-quick-exit]").click();
          return getComputedStyle(document.body).display;
        }"""
    )
    assert display == "none"
    page.wait_for_timeout(300)
    assert held, "the neutral site was not requested"
    held[0].fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE)
    page.wait_for_url(QUICK_EXIT_URL)


def test_quick_exit_replaces_the_page_in_the_history(page: Page, served_site: str) -> None:
    page.goto(served_site + "/")
    page.goto(served_site + "/report/")
    page.locator("[data-quick-exit]").click()
    page.wait_for_url(QUICK_EXIT_URL)
    page.go_back()
    assert page.url == served_site + "/"


def test_pressing_shift_three_times_leaves(page: Page, served_site: str) -> None:
    page.goto(served_site + "/fr/who/")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(QUICK_EXIT_URL)


def test_shift_presses_interrupted_by_another_key_do_not_leave(
    page: Page, served_site: str
) -> None:
    page.goto(served_site + "/en/")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("a")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url == served_site + "/en/"


def test_quick_exit_leaves_without_javascript(browser: Browser, served_site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    context.route(
        QUICK_EXIT_URL + "**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE),
    )
    try:
        page = context.new_page()
        page.goto(served_site + "/privacy/")
        page.locator("[data-quick-exit]").click()
        page.wait_for_url(QUICK_EXIT_URL)
    finally:
        context.close()
