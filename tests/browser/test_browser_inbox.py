"""The API persons' web inbox in a real browser: sign in with the authenticator code, see a report
a child just sent, open it, reply, mark it handled; the child reads the reply with the code. axe
on every state, keyboard only, and nothing left in the browser's storage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from reportdesk.cases import audit
from reportdesk.core.texts import LANGUAGES, text

from infra.local_aws import fresh_totp_code
from tests.browser.report_page import (
    Recorder,
    axe_violations,
    new_context,
    open_report_page,
    send_and_wait_for_reference,
    wait_like_a_person,
)
from tests.inbox.support import s3, send_report
from tests.local.local_process import LocalServer

INBOX_PATH = {"nl": "/inbox/", "fr": "/fr/inbox/", "en": "/en/inbox/"}
MY_REPORT_PATH = "/my-report/"
MESSAGE = (
    "Mijn trainer zegt rare dingen tegen mij na de training.\nIk durf het niet thuis te zeggen."
)
REPLY = "Dank je om dit te melden. Wil je vertellen wanneer het gebeurde?"
# Browser storage a page could keep report text or tokens in, read from the page.
STORAGE_SCRIPT = """async () => ({
  local: Object.keys(localStorage).length,
  session: Object.keys(sessionStorage).length,
  databases: (await indexedDB.databases()).length,
  caches: (await caches.keys()).length,
})"""


@pytest.fixture
def staff(browser: Browser, server: LocalServer) -> Iterator[BrowserContext]:
    """The API person's own browser (another context than the child's)."""
    context = new_context(browser, server)
    yield context
    context.close()


def child_sends_report(page: Page) -> tuple[str, str]:
    """A child sends a report through the form; the reference and the secret code."""
    opened = open_report_page(page, "nl")
    page.fill("#message", MESSAGE)
    wait_like_a_person(page, opened)
    reference = send_and_wait_for_reference(page)
    return reference, page.text_content("#report-followup-code") or ""


def sign_in(page: Page, server: LocalServer, language: str = "nl") -> None:
    settings = server.settings()
    page.goto(INBOX_PATH[language])
    page.fill("#inbox-email", settings["INBOX_USER"])
    page.fill("#inbox-password", settings["INBOX_PASSWORD"])
    page.click('#inbox-signin-form button[type="submit"]')
    page.wait_for_selector("#inbox-totp:not([hidden])")
    page.fill("#inbox-totp-code", fresh_totp_code(settings["INBOX_TOTP_SECRET"]))
    page.click('#inbox-totp-form button[type="submit"]')
    page.wait_for_selector("#inbox-list:not([hidden]) #inbox-rows tr")


def shows_error(page: Page, code: str, language: str) -> None:
    expect(page.locator("#inbox-error-text")).to_have_text(text(f"inbox.error.{code}", language))


def row_of(page: Page, reference: str) -> str:
    return f'#inbox-rows tr:has(button:text-is("{reference}"))'


def test_sign_in_read_reply_and_close_then_the_child_reads_the_reply(
    page: Page, staff: BrowserContext, server: LocalServer
) -> None:
    reference, code = child_sends_report(page)

    inbox = staff.new_page()
    recorder = Recorder()
    inbox.on("console", recorder.on_console)
    sign_in(inbox, server)
    row = row_of(inbox, reference)
    assert "inbox__row--unread" in (inbox.get_attribute(row, "class") or "")
    assert inbox.inner_text(f"{row} td:nth-of-type(4)") == "Nieuw"

    inbox.click(f"{row} button")
    inbox.wait_for_selector("#inbox-report:not([hidden])")
    assert inbox.text_content("#inbox-report-reference") == reference
    assert inbox.inner_text("#inbox-report-message") == MESSAGE
    assert inbox.inner_text("#inbox-report-status") == "Gelezen"
    assert server.settings()["INBOX_USER"] in inbox.inner_text("#inbox-access")

    inbox.fill("#inbox-reply", REPLY)
    inbox.click('#inbox-reply-form button[type="submit"]')
    inbox.wait_for_selector(".inbox__entry--reply")
    assert inbox.inner_text(".inbox__entry--reply [data-field='text']") == REPLY

    inbox.select_option("#inbox-status", "handled")
    inbox.click('#inbox-status-form button[type="submit"]')
    inbox.wait_for_selector("#inbox-report-status:text-is('Afgehandeld')")
    assert "status gewijzigd: Afgehandeld" in inbox.inner_text("#inbox-access")
    assert inbox.is_visible("#inbox-expiry")
    expires = inbox.get_attribute("#inbox-expires-on", "datetime")
    assert inbox.inner_text("#inbox-postpone") == "Met 90 dagen uitstellen"
    inbox.click("#inbox-postpone")
    inbox.wait_for_selector("#inbox-postponed:not([hidden])")
    assert inbox.is_hidden("#inbox-postpone")
    assert inbox.get_attribute("#inbox-expires-on", "datetime") != expires
    assert "verwijderen uitgesteld" in inbox.inner_text("#inbox-access")
    assert recorder.csp_violations() == []

    inbox.click("#inbox-sign-out")
    inbox.wait_for_selector("#inbox-signin:not([hidden])")
    assert MESSAGE.splitlines()[0] not in inbox.content()
    assert REPLY not in inbox.content()
    assert inbox.evaluate(STORAGE_SCRIPT) == {"local": 0, "session": 0, "databases": 0, "caches": 0}
    assert staff.storage_state() == {"cookies": [], "origins": []}

    page.goto(MY_REPORT_PATH)
    page.fill("#code", code)
    page.click('#my-report-read button[type="submit"]')
    page.wait_for_selector(".followup__text")
    assert page.inner_text(".followup__text") == REPLY


def test_reload_signs_out(staff: BrowserContext, server: LocalServer) -> None:
    inbox = staff.new_page()
    sign_in(inbox, server)
    inbox.reload()
    inbox.wait_for_selector("#inbox-signin:not([hidden])")
    assert inbox.is_hidden("#inbox-list")


def test_child_text_is_never_markup_and_invisible_characters_show(
    page: Page, staff: BrowserContext, server: LocalServer
) -> None:
    opened = open_report_page(page, "nl")
    page.fill("#message", "Kijk <img src=x onerror=alert(1)> hier \u202egnp.exe\u200b einde")
    wait_like_a_person(page, opened)
    reference = send_and_wait_for_reference(page)
    inbox = staff.new_page()
    sign_in(inbox, server)
    inbox.click(f"{row_of(inbox, reference)} button")
    inbox.wait_for_selector("#inbox-report:not([hidden])")
    shown = inbox.inner_text("#inbox-report-message")
    shown_controls = "\u27e6U+202E\u27e7gnp.exe\u27e6U+200B\u27e7"
    assert shown == f"Kijk <img src=x onerror=alert(1)> hier {shown_controls} einde"
    assert inbox.locator("#inbox-report-message img").count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_deletion_by_the_retention_shows_as_automatic(
    staff: BrowserContext, server: LocalServer, language: str
) -> None:
    # A retention run that wrote its entry and stopped before the report was gone: the report
    # still shows, and its record says who began to delete it.
    reference = send_report(server, "Een afgesloten melding, voorbij de bewaartermijn.")
    [row] = [row for row in server.inbox("list") if row["reference"] == reference]
    audit.append(
        s3(server),
        server.settings()["AUDIT_BUCKET"],
        "delete",
        row["report_id"],
        reference,
        audit.RETENTION,
        now=datetime.now(UTC),
    )
    inbox = staff.new_page()
    sign_in(inbox, server, language)
    inbox.click(f"{row_of(inbox, reference)} button")
    inbox.wait_for_selector("#inbox-report:not([hidden])")
    shown = inbox.locator("#inbox-access li").all_inner_texts()
    automatic = (
        f"{text('inbox.actor.retention', language)}, {text('inbox.action.delete', language)}"
    )
    assert [entry for entry in shown if entry.endswith(automatic)] == [shown[0]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_inbox_state_has_no_axe_violation(
    page: Page, staff: BrowserContext, server: LocalServer, language: str
) -> None:
    reference, _ = child_sends_report(page)
    settings = server.settings()
    inbox = staff.new_page()
    found: dict[str, list[str]] = {}

    inbox.goto(INBOX_PATH[language])
    inbox.wait_for_selector("#inbox-signin:not([hidden])")
    found["sign-in"] = axe_violations(inbox)

    inbox.click('#inbox-signin-form button[type="submit"]')
    inbox.wait_for_selector("#inbox-errors:not([hidden])")
    found["sign-in, field missing"] = axe_violations(inbox)

    inbox.fill("#inbox-email", settings["INBOX_USER"])
    inbox.fill("#inbox-password", "not the password 1A!")
    inbox.click('#inbox-signin-form button[type="submit"]')
    expect(inbox.locator("#inbox-error-text")).to_have_text(
        text("inbox.error.sign_in_failed", language)
    )
    found["sign-in refused"] = axe_violations(inbox)

    inbox.fill("#inbox-password", settings["INBOX_PASSWORD"])
    inbox.click('#inbox-signin-form button[type="submit"]')
    inbox.wait_for_selector("#inbox-totp:not([hidden])")
    found["authenticator code"] = axe_violations(inbox)

    inbox.fill("#inbox-totp-code", "000000")
    inbox.click('#inbox-totp-form button[type="submit"]')
    expect(inbox.locator("#inbox-error-text")).to_have_text(
        text("inbox.error.wrong_code", language)
    )
    found["wrong code"] = axe_violations(inbox)

    sign_in(inbox, server, language)
    found["list"] = axe_violations(inbox)

    inbox.click(f"{row_of(inbox, reference)} button")
    inbox.wait_for_selector("#inbox-report:not([hidden])")
    found["report"] = axe_violations(inbox)

    inbox.fill("#inbox-delete-confirm", "ZZZZ-ZZZZ")
    inbox.click('#inbox-delete-form button[type="submit"]')
    shows_error(inbox, "confirm", language)
    found["delete, wrong reference"] = axe_violations(inbox)

    inbox.fill("#inbox-delete-confirm", reference.lower().replace("-", ""))
    inbox.click('#inbox-delete-form button[type="submit"]')
    inbox.wait_for_selector("#inbox-list:not([hidden])")
    inbox.wait_for_selector("#inbox-notice:not(:empty)")
    found["deleted"] = axe_violations(inbox)
    assert inbox.locator(row_of(inbox, reference)).count() == 0

    assert {state: v for state, v in found.items() if v} == {}


def test_keyboard_only(page: Page, staff: BrowserContext, server: LocalServer) -> None:
    reference, _ = child_sends_report(page)
    settings = server.settings()
    inbox = staff.new_page()
    inbox.goto(INBOX_PATH["nl"])
    inbox.wait_for_selector("#inbox-signin:not([hidden])")
    inbox.focus("#inbox-email")
    inbox.keyboard.insert_text(settings["INBOX_USER"])
    inbox.keyboard.press("Tab")
    assert inbox.evaluate("document.activeElement.id") == "inbox-password"
    inbox.keyboard.insert_text(settings["INBOX_PASSWORD"])
    inbox.keyboard.press("Enter")
    inbox.wait_for_selector("#inbox-totp:not([hidden])")
    # The new step's heading has the focus; the code field is the next stop.
    assert inbox.evaluate("document.activeElement.id") == "inbox-totp-title"
    inbox.keyboard.press("Tab")
    assert inbox.evaluate("document.activeElement.id") == "inbox-totp-code"
    inbox.keyboard.insert_text(fresh_totp_code(settings["INBOX_TOTP_SECRET"]))
    inbox.keyboard.press("Enter")
    inbox.wait_for_selector(f"#inbox-list:not([hidden]) {row_of(inbox, reference)}")
    for _ in range(40):
        inbox.keyboard.press("Tab")
        if inbox.evaluate("document.activeElement.textContent") == reference:
            break
    inbox.keyboard.press("Enter")
    inbox.wait_for_selector("#inbox-report:not([hidden])")
    assert inbox.evaluate("document.activeElement.id") == "inbox-report-title"
    inbox.focus("#inbox-reply")
    inbox.keyboard.insert_text(REPLY)
    inbox.keyboard.press("Tab")
    inbox.keyboard.press("Enter")
    inbox.wait_for_selector(".inbox__entry--reply")


def test_without_javascript_the_page_says_it_needs_it(
    browser: Browser, server: LocalServer
) -> None:
    context = new_context(browser, server, java_script_enabled=False)
    page = context.new_page()
    page.goto(INBOX_PATH["nl"])
    assert page.is_visible(".inbox__nojs")
    assert "JavaScript" in page.inner_text(".inbox__nojs")
    assert page.is_hidden("#inbox-signin")
    context.close()
