"""The quick exit leaves for the neutral site configured in mkdocs.yml, by click and by Shift x3."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.utils.yaml import yaml_load
from playwright.sync_api import Page, Route

ROOT = Path(__file__).resolve().parents[2]
NEUTRAL_URL = str(yaml_load((ROOT / "mkdocs.yml").read_text())["extra"]["quick_exit_url"])


@pytest.fixture
def neutral_site(page: Page) -> list[str]:
    """Answers every request to another origin locally, so nothing leaves the machine."""
    left: list[str] = []

    def answer(route: Route) -> None:
        left.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>neutral</title>")

    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), answer)
    return left


def press_shift_three_times(page: Page) -> None:
    for _ in range(3):
        page.keyboard.press("Shift")


def test_quick_exit_button_leaves_for_the_neutral_site(page: Page, neutral_site: list[str]) -> None:
    page.goto("/en/report/")
    page.fill("#message", "something private")
    page.click("[data-quick-exit]")
    page.wait_for_url(NEUTRAL_URL)
    assert neutral_site == [NEUTRAL_URL]


def test_pressing_shift_three_times_leaves_for_the_neutral_site(
    page: Page, neutral_site: list[str]
) -> None:
    page.goto("/fr/")
    press_shift_three_times(page)
    page.wait_for_url(NEUTRAL_URL)
    assert neutral_site == [NEUTRAL_URL]


def test_quick_exit_leaves_no_way_back_to_the_page(page: Page, neutral_site: list[str]) -> None:
    page.goto("/")
    page.goto("/en/report/")
    page.click("[data-quick-exit]")
    page.wait_for_url(NEUTRAL_URL)
    page.go_back()
    assert not page.url.endswith("/en/report/")


def test_shift_three_times_does_not_leave_the_staff_inbox(
    page: Page, neutral_site: list[str]
) -> None:
    # The API persons type capitals; the inbox has no quick exit (test_browser_help_bar.py).
    page.goto("/en/inbox/")
    press_shift_three_times(page)
    page.wait_for_timeout(500)
    assert page.url.endswith("/en/inbox/")
    assert neutral_site == []
