"""The child sees where the report stands on "My report", with and without JavaScript, in every
language: received at first; after the API persons open it and close it, those steps and days."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from playwright.sync_api import Browser, Page
from reportdesk.cases import state as casestate
from reportdesk.cli.settings import read_local_env
from reportdesk.core.reference import reference_for
from reportdesk.core.texts import LANGUAGES

from tests.browser.report_page import new_context
from tests.local.local_process import LocalServer

MY_REPORT_PATH = {"nl": "/my-report/", "fr": "/fr/my-report/", "en": "/en/my-report/"}
OPENED = datetime(2026, 11, 30, 8, 15, tzinfo=UTC)
CLOSED = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
RECEIVED = {"nl": "We hebben je melding gekregen op ", "fr": "Nous avons reçu", "en": "We got your"}
STEPS = {
    "nl": [
        "Lien of Ellen heeft je melding gelezen op maandag 30 november 2026.",
        "Op vrijdag 4 december 2026 hebben we je melding afgesloten.",
    ],
    "fr": [
        "Lien ou Ellen a lu ton signalement le lundi 30 novembre 2026.",
        "Le vendredi 4 décembre 2026, nous avons terminé ton signalement.",
    ],
    "en": [
        "Lien or Ellen read your report on Monday 30 November 2026.",
        "On Friday 4 December 2026 we closed your report.",
    ],
}


def send_report(server: LocalServer, language: str) -> dict[str, Any]:
    body = json.dumps(
        {
            "message": f"[{language}] Iemand pest mij.",
            "language": language,
            "submission_id": str(uuid.uuid4()),
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 -- the local server
        f"{server.url}/api/reports", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        sent: dict[str, Any] = json.loads(answer.read())
    return sent


def handle(server: LocalServer, reference: str) -> None:
    """What the web inbox does in the emulated AWS: open the report, later close it."""
    env = read_local_env(server.workdir / ".local" / "inbox.env")
    s3 = boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=env["AWS_DEFAULT_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    bucket = env["REPORTS_BUCKET"]
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="reports/")
    [report_id] = [
        key.rsplit("/", 1)[1]
        for page in pages
        for key in (item["Key"] for item in page.get("Contents", []))
        if reference_for(key.rsplit("/", 1)[1]) == reference
    ]
    casestate.update(s3, bucket, report_id, lambda state: state.with_status("read", OPENED, 365))
    casestate.update(s3, bucket, report_id, lambda state: state.with_status("handled", CLOSED, 365))


def steps(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(".followup__step").all_inner_texts()]


@pytest.fixture
def no_script_page(browser: Browser, server: LocalServer) -> Iterator[Page]:
    context = new_context(browser, server, java_script_enabled=False)
    yield context.new_page()
    context.close()


def read_with_script(page: Page, language: str, code: str) -> None:
    page.goto(MY_REPORT_PATH[language])
    page.fill("#code", code)
    page.click('#my-report-read button[type="submit"]')
    page.wait_for_selector("#my-report-title")


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_with_javascript(page: Page, server: LocalServer, language: str) -> None:
    sent = send_report(server, language)
    read_with_script(page, language, sent["followup_code"])
    [received] = steps(page)
    assert received.startswith(RECEIVED[language])
    assert re.search(r"\d{4}\.$", received)

    handle(server, sent["reference"])
    read_with_script(page, language, sent["followup_code"])
    assert steps(page)[1:] == STEPS[language]
    assert page.locator(".followup__step:last-child").inner_text() == STEPS[language][-1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_without_javascript(
    no_script_page: Page, server: LocalServer, language: str
) -> None:
    page = no_script_page
    sent = send_report(server, language)
    handle(server, sent["reference"])
    page.goto(MY_REPORT_PATH[language])
    page.fill("#code", sent["followup_code"])
    with page.expect_navigation():
        page.click('#my-report-read button[type="submit"]')
    assert steps(page)[0].startswith(RECEIVED[language])
    assert steps(page)[1:] == STEPS[language]
