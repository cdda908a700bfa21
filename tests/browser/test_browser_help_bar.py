"""One tap to help: every page, in every language, on a phone and on a desktop, shows a link to the
report form and one to urgent help without opening a menu (issue 17). They stay in view while the
page scrolls, clear of the quick exit, and neither they nor anything reached with Tab is hidden
behind the sticky header and help bar (WCAG 2.2, 2.4.11 focus not obscured).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page

from tests.browser.report_page import INBOX_PATHS, axe_violations, new_context, site_pages
from tests.local.local_process import LocalServer

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
HOME = {"nl": "/", "fr": "/fr/", "en": "/en/"}
NOT_FOUND = "/no-such-page/"
# What covers the point at the middle of `element`, and the rectangles that matter.
_GEOMETRY = """(element) => {
  const box = (e) => { const r = e.getBoundingClientRect();
                       return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  const r = element.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {
    box: box(element),
    onTop: top !== null && (top === element || element.contains(top)),
    exit: box(document.querySelector('[data-quick-exit]')),
    bar: box(document.querySelector('[data-help-bar]')),
    viewport: {width: innerWidth, height: innerHeight},
  };
}"""


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and (b["top"] < a["bottom"])
    )


def _check_in_reach(link: Locator) -> None:
    geometry: dict[str, Any] = link.evaluate(_GEOMETRY)
    box, viewport = geometry["box"], geometry["viewport"]
    assert link.is_visible()
    assert box["top"] >= 0 and box["bottom"] <= viewport["height"], box
    assert box["left"] >= 0 and box["right"] <= viewport["width"], box
    assert box["bottom"] - box["top"] >= 24 and box["right"] - box["left"] >= 24, box
    assert geometry["onTop"], "something covers the link"
    assert not _overlap(box, geometry["exit"]), "the link touches the quick exit"


@pytest.fixture(params=list(SIZES))
def sized_page(request: pytest.FixtureRequest, browser: Browser, server: LocalServer) -> Page:
    context = new_context(browser, server, viewport=SIZES[request.param])
    request.addfinalizer(context.close)
    return context.new_page()


# Every page a child may see: not the API persons' inbox, which has neither bar nor quick exit.
CHILDREN_PAGES = [path for path in site_pages() if path not in INBOX_PATHS]


@pytest.mark.parametrize("path", [*CHILDREN_PAGES, NOT_FOUND])
def test_report_form_and_urgent_help_are_one_tap_away(sized_page: Page, path: str) -> None:
    page = sized_page
    page.goto(path)
    language = page.evaluate("document.documentElement.lang")
    links = page.locator("[data-help-bar] a")
    assert links.count() == 2
    targets = [
        page.evaluate("(a) => new URL(a.href).pathname", links.nth(n).element_handle())
        for n in range(2)
    ]
    assert targets == [HOME[language] + "report/", HOME[language] + "urgent-help/"]
    for n in range(2):
        _check_in_reach(links.nth(n))
    # Still there at the end of the page: the bar sticks under the header.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(100)
    for n in range(2):
        link = links.nth(n)
        link.focus()
        assert link.evaluate("(a) => a === document.activeElement")
        _check_in_reach(link)


@pytest.mark.parametrize("size", list(SIZES))
def test_help_bar_links_work_without_javascript(
    browser: Browser, server: LocalServer, size: str
) -> None:
    context = new_context(browser, server, viewport=SIZES[size], java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/fr/who/")
        link = page.locator("[data-help-bar] a").first
        _check_in_reach(link)
        link.click()
        page.wait_for_url("**/fr/report/")
        assert page.locator("#report-form").count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/privacy/", "/fr/urgent-help/", "/en/who/"])
def test_nothing_reached_with_tab_hides_behind_the_header_or_help_bar(
    browser: Browser, server: LocalServer, path: str
) -> None:
    context = new_context(browser, server, viewport=SIZES["phone"])
    try:
        page = context.new_page()
        page.goto(path)
        # Start at the end of the page and go backwards: every link of the text then has to come
        # into view from below the sticky bars.
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.locator(".md-footer a").last.focus()
        checked = 0
        for _ in range(40):
            page.keyboard.press("Shift+Tab")
            inside_text, top, bar_bottom = page.evaluate(
                """() => [document.activeElement.closest('article') !== null,
                          document.activeElement.getBoundingClientRect().top,
                          document.querySelector('[data-help-bar]').getBoundingClientRect().bottom]"""
            )
            if inside_text:
                checked += 1
                assert top >= bar_bottom, f"{page.evaluate('document.activeElement.outerHTML')}"
        assert checked >= 2
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/fr/who/", "/en/report/", NOT_FOUND])
def test_help_bar_passes_axe_at_both_sizes(sized_page: Page, path: str) -> None:
    sized_page.goto(path)
    violations = axe_violations(sized_page)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("path", INBOX_PATHS)
def test_the_staff_inbox_has_neither_the_help_bar_nor_the_quick_exit(page: Page, path: str) -> None:
    page.goto(path)
    page.locator('[data-module="inbox"]').wait_for(state="attached")
    assert page.locator("[data-help-bar]").count() == 0
    assert page.locator("[data-quick-exit], .quick-exit__hint").count() == 0
    # The skip link stays.
    assert page.locator('a.md-skip[href="#text"]').count() == 1
