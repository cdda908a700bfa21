"""Errors after GOV.UK: a focused summary, links to the fields, inline messages, nothing lost."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Page, Route
from reportdesk.core.texts import text
from reportdesk.runtime import rate_limited

from tests.browser.report_page import (
    LANGUAGES,
    REPORT_PATH,
    TITLE_PREFIX,
    new_context,
    open_report_page,
)
from tests.local.local_process import LocalServer

SUMMARY = ".report-form__error-summary"


def too_many(route: Route) -> None:
    route.fulfill(status=429, content_type="application/json", body=rate_limited.json_body())


def send(page: Page) -> None:
    page.click('#report-form button[type="submit"]')
    page.wait_for_selector(SUMMARY)


def focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement.className || document.activeElement.id"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_error_summary_is_an_alert_that_gets_the_focus(page: Page, language: str) -> None:
    page.goto(REPORT_PATH[language])
    send(page)
    assert page.get_attribute(SUMMARY, "role") == "alert"
    assert focused(page) == "report-form__error-summary"


@pytest.mark.parametrize("language", LANGUAGES)
def test_page_title_says_there_is_an_error(page: Page, language: str) -> None:
    page.goto(REPORT_PATH[language])
    title = page.title()
    send(page)
    assert page.title() == TITLE_PREFIX[language] + title


def test_error_summary_links_move_the_focus_to_their_fields(page: Page) -> None:
    open_report_page(page, "en")
    page.check("#contact_wants_contact-yes")
    page.fill("#contact_email", "kim at example")
    send(page)
    links = page.locator(f"{SUMMARY} a")
    assert links.count() == 2
    for index, field in enumerate(("message", "contact_email")):
        links.nth(index).click()
        assert page.evaluate("document.activeElement.id") == field


def test_each_field_with_an_error_shows_the_message_next_to_it(page: Page) -> None:
    open_report_page(page, "en")
    page.fill("#message", "too short")
    send(page)
    message = page.text_content(f"{SUMMARY} a") or ""
    assert "at least 10 characters" in message
    assert page.is_visible("#message-error")
    assert message in (page.text_content("#message-error") or "")
    assert "message-error" in (page.get_attribute("#message", "aria-describedby") or "")
    assert page.get_attribute("#message", "aria-invalid") == "true"


def test_errors_keep_everything_that_was_typed(page: Page) -> None:
    open_report_page(page, "en")
    page.fill("#message", "short")
    page.fill("#when", "yesterday")
    page.check('input[name="organisation"][value="other"]')
    page.check("#contact_wants_contact-yes")
    page.fill("#contact_name", "Kim")
    page.fill("#contact_phone", "12")
    send(page)
    assert page.input_value("#message") == "short"
    assert page.input_value("#when") == "yesterday"
    assert page.is_checked('input[name="organisation"][value="other"]')
    assert page.is_checked("#contact_wants_contact-yes")
    assert page.input_value("#contact_name") == "Kim"
    assert page.input_value("#contact_phone") == "12"


def test_fixing_the_errors_removes_them(page: Page) -> None:
    open_report_page(page, "en")
    title = page.title()
    send(page)
    page.fill("#message", "Someone at camp keeps hurting me.")
    page.click('#report-form button[type="submit"]')
    page.wait_for_selector("#report-reference")
    assert page.title() == title
    assert page.locator(SUMMARY).count() == 0


def test_errors_found_by_the_report_api_are_shown_the_same_way(page: Page) -> None:
    def shorten_the_message(route: Route) -> None:
        # A report the page's own checks let through, but the API refuses (422).
        body = json.loads(route.request.post_data or "{}")
        route.continue_(post_data=json.dumps({**body, "message": "short"}))

    page.route("**/api/reports", shorten_the_message)
    open_report_page(page, "fr")
    title = page.title()
    page.fill("#message", "Quelqu'un me fait peur au camp.")
    send(page)
    assert focused(page) == "report-form__error-summary"
    assert page.title() == TITLE_PREFIX["fr"] + title
    assert page.get_attribute(f"{SUMMARY} a", "href") == "#message"
    assert "au moins 10 caractères" in (page.text_content("#message-error") or "")
    assert page.input_value("#message") == "Quelqu'un me fait peur au camp."


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_waf_rate_limit_is_told_in_the_pages_language(page: Page, language: str) -> None:
    # AWS WAF's 429 (infra/edge.py) carries the error code alone: the page has the words for it.
    page.route("**/api/reports", too_many)
    open_report_page(page, language)
    page.fill("#message", "Iemand op kamp doet mij pijn.")
    send(page)
    assert text(rate_limited.TEXT_KEY, language) in (page.text_content(SUMMARY) or "")
    assert page.input_value("#message") == "Iemand op kamp doet mij pijn."


def test_field_reached_from_the_summary_shows_its_label_below_the_header(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_report_page(page, "nl")
    page.check("#contact_wants_contact-yes")
    page.fill("#message", "Iemand pest mij elke dag op kamp.")
    send(page)
    page.click(f"{SUMMARY} a")
    assert page.evaluate("document.activeElement.id") == "contact_email"
    label_top, header_bottom = page.evaluate(
        """() => [document.querySelector('label[for=contact_email]').getBoundingClientRect().top,
                 document.querySelector('.md-header').getBoundingClientRect().bottom]"""
    )
    assert label_top >= header_bottom


def test_without_javascript_back_from_the_error_page_keeps_the_message(
    browser: Browser, server: LocalServer
) -> None:
    context = new_context(browser, server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(REPORT_PATH["en"])
        page.fill("#message", "short")
        with page.expect_navigation():
            page.click('#report-form button[type="submit"]')
        assert page.title().startswith(TITLE_PREFIX["en"])
        assert page.get_attribute(".report-form__error-summary a", "href") == "/en/report/#message"
        page.go_back()
        assert page.input_value("#message") == "short"
    finally:
        context.close()
