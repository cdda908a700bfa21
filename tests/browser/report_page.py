"""Steps on the Report page for the browser tests: open it, fill it, send it, check it with axe."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import axe_playwright_python  # type: ignore[import-untyped]
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request
from reportdesk.core.texts import LANGUAGES as LANGUAGES  # the browser tests run in every language
from reportdesk.intake.challenge import MIN_FILL_SECONDS

from tests.local.local_process import SITE, LocalServer

REPORT_PATH = {"nl": "/report/", "fr": "/fr/report/", "en": "/en/report/"}
# The API persons' page: without the children's quick exit and help bar (docs/inbox.*.md).
INBOX_PATHS = ("/inbox/", "/fr/inbox/", "/en/inbox/")
TITLE_PREFIX = {"nl": "Fout: ", "fr": "Erreur : ", "en": "Error: "}
# axe-core as shipped in the axe-playwright-python package.
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SOLVE_TIMEOUT_MS = 30_000
# Generous: the CI machine is shared, and a slow step is not a failing one.
STEP_TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class FullReport:
    """A report with every field filled in, the way a child could fill the form."""

    message: str
    when: str
    organisation: str
    age_group: str
    name: str
    email: str
    phone: str
    safe_to_leave_message: bool = True


def new_context(browser: Browser, server: LocalServer, **options: Any) -> BrowserContext:
    """A fresh browser context on the local server, with the suite's timeouts."""
    context = browser.new_context(base_url=server.url, **options)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context


def full_report(language: str) -> FullReport:
    return FullReport(
        message=f"[{language}] Iemand op kamp pest mij élke dag — ça fait mal. 😢\nTweede regel.",
        when=f"[{language}] vorige week, tijdens het kamp",
        organisation="tzitemzo",
        age_group="12-15",
        name=f"Kim {language}",
        email=f"kim.{language}@example.org",
        phone="0470 12 34 56",
    )


def open_report_page(page: Page, language: str = "en") -> float:
    """Open the Report page; returns when it was opened (monotonic), for the fill time."""
    opened = time.monotonic()
    page.goto(REPORT_PATH[language])
    return opened


def wait_like_a_person(page: Page, opened: float) -> None:
    """Wait for the background proof of work and the minimum fill time a person always takes."""
    page.wait_for_selector('#report-form[data-altcha="solved"]', timeout=SOLVE_TIMEOUT_MS)
    remaining = opened + MIN_FILL_SECONDS + 1 - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


def fill_full_report(page: Page, report: FullReport) -> None:
    page.fill("#message", report.message)
    page.fill("#when", report.when)
    page.check(f'input[name="organisation"][value="{report.organisation}"]')
    page.check(f'input[name="age_group"][value="{report.age_group}"]')
    page.check("#contact_wants_contact-yes")
    page.fill("#contact_name", report.name)
    page.fill("#contact_email", report.email)
    page.fill("#contact_phone", report.phone)
    page.set_checked("#contact_safe_to_leave_message", report.safe_to_leave_message)


def send_and_wait_for_reference(page: Page) -> str:
    page.click('#report-form button[type="submit"]')
    page.wait_for_selector("#report-reference", timeout=SOLVE_TIMEOUT_MS)
    return page.text_content("#report-reference") or ""


def sent_reports(requests: list[Request]) -> list[dict[str, Any]]:
    """The JSON bodies the page posted to the report API."""
    return [
        json.loads(request.post_data or "{}")
        for request in requests
        if request.method == "POST" and request.url.endswith("/api/reports")
    ]


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page as it is now, one line each."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern: no
    # bypass_csp, so the page runs under its real policy while axe looks at it.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
        + ", ".join(str(node["target"]) for node in violation["nodes"])
        for violation in result["violations"]
    ]


@dataclass
class Recorder:
    """What a page did: every request URL and every console message."""

    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def on_console(self, message: ConsoleMessage) -> None:
        self.console.append(f"{message.type}: {message.text}")

    def csp_violations(self) -> list[str]:
        return [line for line in self.console if "Content Security Policy" in line]


def site_pages() -> list[str]:
    """The URL path of every built page in every language; a placeholder that fails when unbuilt."""
    pages = []
    for index in SITE.rglob("index.html"):
        relative = index.parent.relative_to(SITE).as_posix()
        pages.append("/" if relative == "." else f"/{relative}/")
    # An empty list would make pytest skip the tests silently; the server fixture explains instead.
    return sorted(pages) or ["/site-not-built/"]
