"""Sending a report from the page: with and without JavaScript, by keyboard, and through a failure.

Each report is read back with `api-inbox --local`, as the API persons read it.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, Route

from tests.browser.report_page import (
    LANGUAGES,
    REPORT_PATH,
    fill_full_report,
    full_report,
    new_context,
    open_report_page,
    send_and_wait_for_reference,
    sent_reports,
    wait_like_a_person,
)
from tests.local.local_process import LocalServer


@pytest.mark.parametrize("language", LANGUAGES)
def test_report_sent_with_javascript_is_stored_with_every_field(
    page: Page, server: LocalServer, language: str
) -> None:
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    report = full_report(language)
    opened = open_report_page(page, language)
    fill_full_report(page, report)
    wait_like_a_person(page, opened)
    reference = send_and_wait_for_reference(page)

    (sent,) = sent_reports(requests)
    stored = server.inbox("show", reference)
    assert stored["reference"] == reference
    assert stored["submission_id"] == sent["submission_id"]
    assert uuid.UUID(stored["submission_id"]).version == 4
    assert stored["language"] == language
    assert stored["message"] == report.message
    assert stored["when"] == report.when
    assert stored["organisation"] == report.organisation
    assert stored["age_group"] == report.age_group
    assert stored["contact"] == {
        "wants_contact": True,
        "name": report.name,
        "email": report.email,
        "phone": report.phone,
        "safe_to_leave_message": report.safe_to_leave_message,
    }


def test_report_sent_with_javascript_is_verified(page: Page, server: LocalServer) -> None:
    opened = open_report_page(page, "nl")
    page.fill("#message", "Iemand pest mij elke dag op het kamp.")
    wait_like_a_person(page, opened)
    reference = send_and_wait_for_reference(page)
    assert server.inbox("show", reference)["triage"] == "verified"


def test_report_still_goes_through_unverified_when_the_proof_of_work_fails(
    page: Page, server: LocalServer
) -> None:
    page.route("**/api/challenge", lambda route: route.abort())
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    open_report_page(page, "en")
    page.fill("#message", "Someone at camp keeps hurting me.")
    page.wait_for_selector('#report-form[data-altcha="failed"]')
    reference = send_and_wait_for_reference(page)
    (sent,) = sent_reports(requests)
    assert "altcha" not in sent
    assert server.inbox("show", reference)["triage"] == "unverified"


def test_copy_button_puts_the_reference_on_the_clipboard(
    page: Page, context: BrowserContext
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_report_page(page, "nl")
    page.fill("#message", "Iemand pest mij elke dag op het kamp.")
    reference = send_and_wait_for_reference(page)
    page.click(".report-form__copy button")
    assert page.evaluate("navigator.clipboard.readText()") == reference
    assert page.text_content(".report-form__copied") == "De code is gekopieerd."


def test_report_sent_page_offers_the_urgent_help_numbers_to_call(page: Page) -> None:
    open_report_page(page, "fr")
    page.fill("#message", "Quelqu'un me fait peur au camp.")
    send_and_wait_for_reference(page)
    links = page.locator(".report-form__success a[href^='tel:']")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "tel:112",
        "tel:102",
        "tel:103",
    ]
    assert "112" in (links.first.text_content() or "")


def test_anonymous_report_sends_no_contact_details(page: Page, server: LocalServer) -> None:
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    opened = open_report_page(page, "en")
    fill_full_report(page, full_report("en"))
    page.check("#contact_wants_contact")
    assert page.is_hidden("#contact_email")
    wait_like_a_person(page, opened)
    reference = send_and_wait_for_reference(page)
    (sent,) = sent_reports(requests)
    assert sent["contact"] == {"wants_contact": False}
    stored = server.inbox("show", reference)["contact"]
    assert stored["wants_contact"] is False
    assert not {"name", "email", "phone"} & set(stored)


def test_report_sent_without_javascript_is_answered_with_a_page_and_unverified(
    browser: Browser, server: LocalServer
) -> None:
    context = new_context(browser, server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(REPORT_PATH["fr"])
        # Without JavaScript the contact details are simply visible, under their own heading.
        assert page.is_visible("#contact_email")
        page.fill("#message", "Quelqu'un me fait peur au camp, chaque jour.")
        page.check("#contact_wants_contact-yes")
        page.fill("#contact_phone", "+32 470 12 34 56")
        with page.expect_navigation():
            page.click('#report-form button[type="submit"]')
        reference = page.text_content(".answer__reference strong") or ""
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", reference)
        stored = server.inbox("show", reference)
    finally:
        context.close()
    assert stored["triage"] == "unverified"
    assert stored["language"] == "fr"
    assert stored["message"] == "Quelqu'un me fait peur au camp, chaque jour."
    assert stored["contact"]["phone"] == "+32 470 12 34 56"


def tab_to(page: Page, element_id: str, limit: int = 80) -> None:
    """Press Tab until the element has the focus, as a keyboard user moves through the page."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    pytest.fail(f"#{element_id} never got the focus with Tab")


def focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_report_can_be_sent_with_the_keyboard_only(page: Page, server: LocalServer) -> None:
    opened = open_report_page(page, "en")
    tab_to(page, "message")
    page.keyboard.type("Someone at camp keeps hurting me.")
    page.keyboard.press("Tab")
    page.keyboard.type("last week")
    page.keyboard.press("Tab")
    assert focused(page) == "organisation"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page) == "age_group"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert focused(page) == "contact_wants_contact"
    page.keyboard.press("ArrowDown")
    assert focused(page) == "contact_wants_contact-yes"
    page.keyboard.press("Tab")
    assert focused(page) == "contact_name"
    page.keyboard.press("Tab")
    page.keyboard.type("kim@example.org")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert focused(page) == "contact_safe_to_leave_message"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    wait_like_a_person(page, opened)
    page.keyboard.press("Enter")
    page.wait_for_selector("#report-reference")
    assert focused(page) == "report-form-success"

    stored = server.inbox("show", page.text_content("#report-reference") or "")
    assert stored["message"] == "Someone at camp keeps hurting me."
    assert stored["when"] == "last week"
    assert stored["organisation"] == "kinderrechtencoalitie"
    assert stored["age_group"] == "under-12"
    assert stored["contact"] == {
        "wants_contact": True,
        "email": "kim@example.org",
        "safe_to_leave_message": True,
    }


def test_network_failure_keeps_the_input_and_a_retry_stores_one_report(
    page: Page, server: LocalServer
) -> None:
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))
    stored_first: list[str] = []

    def lose_the_answer(route: Route) -> None:
        # The report reaches the server, but its answer never reaches the page.
        stored_first.append(route.fetch().json()["reference"])
        route.abort()

    page.route("**/api/reports", lose_the_answer, times=1)
    before = len(server.inbox("list"))
    opened = open_report_page(page, "en")
    report = full_report("en")
    fill_full_report(page, report)
    wait_like_a_person(page, opened)
    page.click('#report-form button[type="submit"]')

    page.wait_for_selector(".report-form__error-summary")
    assert "not sent" in (page.text_content(".report-form__error-summary") or "")
    assert page.input_value("#message") == report.message
    assert page.input_value("#contact_email") == report.email

    reference = send_and_wait_for_reference(page)
    first, second = sent_reports(requests)
    assert first["submission_id"] == second["submission_id"]
    assert stored_first == [reference]
    assert len(server.inbox("list")) == before + 1
