"""The child sees where the report stands on "My report": received, read, in progress, closed,
each with its day in words; nothing else of the API persons' work."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import boto3
import pytest
from reportdesk.cases import state as casestate

from infra.local_aws import Resources
from tests.followup.conftest import Bucket, Post, Run

# Monday 30 November 2026, 09:15 in Brussels.
OPENED = datetime(2026, 11, 30, 8, 15, tzinfo=UTC)
WORKING = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
CLOSED = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
STEPS = {
    "nl": [
        "Lien of Ellen heeft je melding gelezen op maandag 30 november 2026.",
        "Sinds dinsdag 1 december 2026 werken we aan je melding.",
        "Op vrijdag 4 december 2026 hebben we je melding afgesloten.",
    ],
    "fr": [
        "Lien ou Ellen a lu ton signalement le lundi 30 novembre 2026.",
        "Depuis le mardi 1 décembre 2026, nous nous occupons de ton signalement.",
        "Le vendredi 4 décembre 2026, nous avons terminé ton signalement.",
    ],
    "en": [
        "Lien or Ellen read your report on Monday 30 November 2026.",
        "Since Tuesday 1 December 2026 we are working on your report.",
        "On Friday 4 December 2026 we closed your report.",
    ],
}


def _report_id(bucket: Bucket) -> str:
    [key] = bucket.names("reports/")
    return key.rsplit("/", 1)[1]


def _handle(resources: Resources, report_id: str) -> None:
    """What the web inbox does: open, work on it, close."""
    s3 = boto3.client("s3")
    for status, when in (("read", OPENED), ("in_progress", WORKING), ("handled", CLOSED)):
        casestate.update(
            s3,
            resources.reports_bucket,
            report_id,
            lambda state, status=status, when=when: state.with_status(status, when, 365),
        )


def test_a_new_report_is_received_on_the_day_it_was_sent(report: Post, read: Post) -> None:
    code = report().json()["followup_code"]
    body = read(code).json()
    assert body["status"] == "received"
    [step] = body["status_history"]
    assert step["status"] == "received"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", step["at"])


def test_every_step_is_in_the_json_answer(
    report: Post, read: Post, resources: Resources, bucket: Bucket
) -> None:
    code = report().json()["followup_code"]
    _handle(resources, _report_id(bucket))
    body = read(code).json()
    assert body["status"] == "handled"
    assert [(s["status"], s["at"]) for s in body["status_history"][1:]] == [
        ("read", "2026-11-30T08:15:00Z"),
        ("in_progress", "2026-12-01T13:00:00Z"),
        ("handled", "2026-12-04T15:00:00Z"),
    ]
    assert set(body) == {"reference", "status", "status_history", "replies", "messages"}


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_page_without_javascript_tells_each_step_with_its_day(
    report: Post, read: Post, resources: Resources, bucket: Bucket, language: str
) -> None:
    code = report(language=language).json()["followup_code"]
    _handle(resources, _report_id(bucket))
    page = read(code, language=language, form=True).body
    steps = re.findall(r'<li class="followup__step"[^>]*>([^<]*)</li>', page)
    assert steps[1:] == STEPS[language]


def test_a_new_report_shows_only_received_on_the_page(report: Post, read: Post) -> None:
    code = report(language="en").json()["followup_code"]
    page = read(code, language="en", form=True).body
    [step] = re.findall(r'<li class="followup__step"[^>]*>([^<]*)</li>', page)
    assert step.startswith("We got your report on ")


def test_a_status_set_with_api_inbox_reaches_the_child(
    report: Post, read: Post, inbox: Callable[..., Run]
) -> None:
    sent = report().json()
    assert inbox("mark", sent["reference"], "in_progress").code == 0
    assert read(sent["followup_code"]).json()["status"] == "in_progress"

    assert inbox("mark", sent["reference"], "handled").code == 0

    body = read(sent["followup_code"]).json()
    assert body["status"] == "handled"
    assert [step["status"] for step in body["status_history"]] == [
        "received",
        "in_progress",
        "handled",
    ]
