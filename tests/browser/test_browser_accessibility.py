"""axe-core finds no WCAG 2.2 AA violation on any page in any language, nor in the form's states."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.report_page import (
    LANGUAGES,
    REPORT_PATH,
    axe_violations,
    full_report,
    new_context,
    open_report_page,
    send_and_wait_for_reference,
    site_pages,
)
from tests.local.local_process import LocalServer


@pytest.mark.parametrize("path", site_pages())
def test_page_has_no_accessibility_violations(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)


def test_not_found_page_has_no_accessibility_violations(page: Page) -> None:
    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_form_with_errors_has_no_accessibility_violations(page: Page, language: str) -> None:
    page.goto(REPORT_PATH[language])
    page.check("#contact_wants_contact-yes")
    page.fill("#contact_email", "not an address")
    page.click('#report-form button[type="submit"]')
    page.wait_for_selector(".report-form__error-summary")
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_report_sent_page_has_no_accessibility_violations(page: Page, language: str) -> None:
    open_report_page(page, language)
    page.fill("#message", full_report(language).message)
    send_and_wait_for_reference(page)
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("message", ["", "Someone at camp keeps hurting me."])
def test_answer_pages_of_the_form_without_its_script_have_no_accessibility_violations(
    page: Page, message: str
) -> None:
    # Without the form's script the browser posts the form itself and the API answers with a
    # page (the no-JavaScript path); axe itself still needs JavaScript in the page.
    page.route("**/report-form.js", lambda route: route.abort())
    page.goto(REPORT_PATH["en"])
    page.fill("#message", message)
    with page.expect_navigation():
        page.click('#report-form button[type="submit"]')
    assert page.url.endswith("/api/reports")
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)


def test_form_with_errors_on_a_phone_has_no_accessibility_violations(
    browser: Browser, server: LocalServer
) -> None:
    context = new_context(
        browser, server, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(REPORT_PATH["nl"])
        page.check("#contact_wants_contact-yes")
        page.click('#report-form button[type="submit"]')
        page.wait_for_selector(".report-form__error-summary")
        violations = axe_violations(page)
    finally:
        context.close()
    assert not violations, "\n".join(violations)
