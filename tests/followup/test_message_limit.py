"""A follow-up code may send a limited number of messages a day (issue 16 item 6): messages need
no proof of work, so without a limit one code could fill the API persons' mailbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import botocore.session
import pytest
from reportdesk.core.texts import text
from reportdesk.followup import handler as followup
from reportdesk.followup import store as followup_store

from infra.local_aws import Resources
from tests.followup.conftest import Bucket, Post

MESSAGE = "Het was vorige week, na de training op woensdag."
LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAILY_MESSAGES_PER_CODE", str(LIMIT))


def _report_id(bucket: Bucket) -> str:
    [key] = bucket.names("reports/")
    return key.rsplit("/", 1)[1]


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_past_the_days_limit_a_message_is_refused_429_with_a_message_in_the_childs_language(
    language: str, report: Post, write: Post, bucket: Bucket
) -> None:
    code = report(language=language).json()["followup_code"]
    for _ in range(LIMIT):
        assert write(code, MESSAGE, language=language).status == 201
    answer = write(code, MESSAGE, language=language)
    assert answer.status == 429
    [error] = answer.json()["errors"]
    assert error["field"] == "message"
    assert error["code"] == "too_many"
    assert error["message"] == text("followup.error.message.too_many", language)
    assert len(bucket.names("messages/")) == LIMIT


def test_without_javascript_the_refusal_is_a_page_that_says_so_and_keeps_the_message(
    report: Post, write: Post
) -> None:
    code = report(language="nl").json()["followup_code"]
    for _ in range(LIMIT):
        write(code, MESSAGE, form=True)
    answer = write(code, MESSAGE, form=True)
    assert answer.status == 429
    assert text("followup.error.message.too_many", "nl") in answer.body
    assert f">{MESSAGE}</textarea>" in answer.body


def test_messages_older_than_a_day_no_longer_count(
    report: Post, write: Post, bucket: Bucket, resources: Resources
) -> None:
    code = report().json()["followup_code"]
    for _ in range(LIMIT):
        followup_store.store_entry(
            boto3.client("s3"),
            resources.reports_bucket,
            "message",
            _report_id(bucket),
            MESSAGE,
            key_arn=resources.kms_key_arn,
            botocore_session=botocore.session.get_session(),
            now=datetime.now(UTC) - timedelta(hours=25),
            metadata={},
        )
    assert write(code, MESSAGE).status == 201


def test_the_limit_is_per_code_and_defaults_to_twenty(
    report: Post, write: Post, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = report().json()["followup_code"]
    for _ in range(LIMIT):
        write(first, MESSAGE)
    other = report().json()["followup_code"]
    assert write(other, MESSAGE).status == 201
    monkeypatch.delenv("DAILY_MESSAGES_PER_CODE")
    assert followup._daily_messages() == 20
