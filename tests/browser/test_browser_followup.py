"""The anonymous follow-up in a real browser: a child reports and gets a secret code, an API person
replies with `api-inbox --local reply`, the child reads the reply on "My report" with the code and
writes back, and the API person sees the message in `api-inbox show`. With and without JavaScript.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from reportdesk.core.texts import text
from reportdesk.runtime import rate_limited

from tests.browser.report_page import (
    LANGUAGES,
    REPORT_PATH,
    axe_violations,
    new_context,
    open_report_page,
    send_and_wait_for_reference,
    wait_like_a_person,
)
from tests.local.local_process import LocalServer

MY_REPORT_PATH = {"nl": "/my-report/", "fr": "/fr/my-report/", "en": "/en/my-report/"}
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")
REPLY = {
    "nl": "Dank je. Wil je vertellen wanneer het gebeurde?\nJe mag ook niets zeggen.",
    "fr": "Merci. Veux-tu dire quand c'est arrivé ?\nTu peux aussi ne rien dire.",
    "en": "Thank you. Do you want to tell us when it happened?\nYou may also say nothing.",
}
MESSAGE = {
    "nl": "Het was op woensdag, na de training in de sporthal.",
    "fr": "C'était mercredi, après l'entraînement au gymnase.",
    "en": "It was on Wednesday, after training in the sports hall.",
}


def api_inbox(server: LocalServer, *args: str) -> str:
    """`api-inbox --local ...` as an API person runs it against the local stack; its output."""
    command = [str(Path(sys.executable).with_name("api-inbox")), "--local", *args]
    result = subprocess.run(  # noqa: S603 -- our own command line
        command, cwd=server.workdir, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"api-inbox {args[0]} failed:\n{result.stderr}"
    return result.stdout


@pytest.fixture
def no_script_page(browser: Browser, server: LocalServer) -> Iterator[Page]:
    context = new_context(browser, server, java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_followup_with_javascript(page: Page, server: LocalServer, language: str) -> None:
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    opened = open_report_page(page, language)
    page.fill("#message", f"[{language}] Iemand op kamp pest mij elke dag.")
    wait_like_a_person(page, opened)
    reference = send_and_wait_for_reference(page)
    code = page.text_content("#report-followup-code") or ""
    assert CODE.fullmatch(code)

    api_inbox(server, "reply", reference, "--message", REPLY[language])

    page.goto(MY_REPORT_PATH[language])
    page.fill("#code", code.lower().replace("-", " "))
    page.click('#my-report-read button[type="submit"]')
    page.wait_for_selector("#my-report-title")
    assert reference in (page.text_content("#my-report-title") or "")
    assert page.inner_text(".followup__text") == REPLY[language]
    # The code left the form once it was in the script's memory.
    assert page.input_value("#code") == ""

    page.fill("#message", MESSAGE[language])
    page.click('.my-report__write button[type="submit"]')
    page.wait_for_selector(".followup__messages li")
    assert page.locator(".followup__messages li").count() == 1

    shown = api_inbox(server, "show", reference)
    assert shown.index(REPLY[language].splitlines()[0]) < shown.index(MESSAGE[language])
    assert not [url for url in urls if code in url or code.replace("-", "") in url.upper()]
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.evaluate("document.cookie") == ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_followup_without_javascript(
    no_script_page: Page, server: LocalServer, language: str
) -> None:
    page = no_script_page
    page.goto(REPORT_PATH[language])
    page.fill("#message", f"[{language}] Iemand op kamp pest mij elke dag, zonder script.")
    with page.expect_navigation():
        page.click('#report-form button[type="submit"]')
    reference = page.text_content(".answer__reference strong") or ""
    code = page.text_content(".answer__followup-code strong") or ""
    assert CODE.fullmatch(code)

    api_inbox(server, "reply", reference, "--message", REPLY[language])

    page.goto(MY_REPORT_PATH[language])
    page.fill("#code", code)
    with page.expect_navigation():
        page.click('#my-report-read button[type="submit"]')
    assert page.url.endswith("/api/followup/read")
    assert page.inner_text(".followup__text") == REPLY[language]

    page.fill("#message", MESSAGE[language])
    with page.expect_navigation():
        page.click('.followup-form button[type="submit"]')
    assert page.url.endswith("/api/followup/messages")
    assert page.locator(".answer__panel--success").count() == 1

    shown = api_inbox(server, "show", reference)
    assert MESSAGE[language] in shown


def test_wrong_code_is_told_plainly_on_the_page(page: Page) -> None:
    page.goto(MY_REPORT_PATH["en"])
    page.fill("#code", "ABCD-EFGH-JKMN")
    page.click('#my-report-read button[type="submit"]')
    page.wait_for_selector("#code-error:not([hidden])")
    assert "We cannot find a report with this code." in (page.text_content("#code-error") or "")
    assert page.is_hidden("#my-report-thread")


def test_the_waf_rate_limit_is_told_in_the_pages_language(page: Page) -> None:
    # AWS WAF's 429 (infra/edge.py) carries the error code alone: the page has the words for it.
    page.route(
        "**/api/followup/read",
        lambda route: route.fulfill(
            status=429, content_type="application/json", body=rate_limited.json_body()
        ),
    )
    page.goto(MY_REPORT_PATH["fr"])
    page.fill("#code", "ABCD-EFGH-JKMN")
    page.click('#my-report-read button[type="submit"]')
    page.wait_for_selector("#code-error:not([hidden])")
    assert text(rate_limited.TEXT_KEY, "fr") in (page.text_content("#code-error") or "")


def test_thread_view_and_thread_page_have_no_accessibility_violations(
    page: Page, server: LocalServer
) -> None:
    opened = open_report_page(page, "en")
    page.fill("#message", "Someone at camp is mean to me every day.")
    wait_like_a_person(page, opened)
    reference = send_and_wait_for_reference(page)
    code = page.text_content("#report-followup-code") or ""
    api_inbox(server, "reply", reference, "--message", REPLY["en"])

    page.goto(MY_REPORT_PATH["en"])
    page.fill("#code", code)
    page.click('#my-report-read button[type="submit"]')
    page.wait_for_selector("#my-report-title")
    assert axe_violations(page) == []

    # The page the API answers a form post with (axe needs JavaScript to run, so the form is
    # posted natively: form.submit() bypasses the page script's submit handler).
    page.goto(MY_REPORT_PATH["en"])
    page.fill("#code", code)
    with page.expect_navigation():
        page.evaluate("document.getElementById('my-report-read').submit()")
    assert page.url.endswith("/api/followup/read")
    assert axe_violations(page) == []
