"""The case state: status changes, expiry from closing, postponing once, conditional writes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import boto3
import pytest
from reportdesk.cases import state as cases
from reportdesk.cases.state import CannotPostpone, CaseState

from infra.local_aws import Resources

REPORT_ID = "0123456789abcdef0123456789abcdef"
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_a_report_without_case_object_is_new() -> None:
    assert CaseState().status == "new" and CaseState().history == ()


def test_closing_starts_the_expiry_from_the_belgian_closing_day() -> None:
    # 23:30 UTC on 30 November is already 1 December in Brussels.
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    state = cases.with_status(CaseState(), "handled", late, retention_days=10)
    assert (state.closed_at, state.expires_on) == (late, date(2026, 12, 11))


def test_reopening_stops_the_expiry() -> None:
    closed = cases.with_status(CaseState(), "handled", NOW, retention_days=10)
    reopened = cases.with_status(closed, "in_progress", NOW, retention_days=10)
    assert (reopened.closed_at, reopened.expires_on) == (None, None)
    assert [step.status for step in reopened.history] == ["handled", "in_progress"]


def test_the_same_status_again_changes_nothing() -> None:
    read = cases.with_status(CaseState(), "read", NOW, 10)
    assert cases.with_status(read, "read", NOW, 10) is read


def test_an_expiry_can_be_postponed_once() -> None:
    closed = cases.with_status(CaseState(), "handled", NOW, retention_days=10)
    later = cases.postponed(closed, 30)
    assert later.expires_on == date(2027, 1, 9) and later.postponed
    with pytest.raises(CannotPostpone):
        cases.postponed(later, 30)


def test_an_open_report_has_no_expiry_to_postpone() -> None:
    with pytest.raises(CannotPostpone):
        cases.postponed(cases.with_status(CaseState(), "read", NOW, 10), 30)


def test_the_json_object_is_the_plan_s_shape() -> None:
    state = cases.with_status(CaseState(), "handled", NOW, retention_days=10)
    assert state.to_json() == {
        "schema": 1,
        "status": "handled",
        "history": [{"status": "handled", "at": "2026-11-30T08:00:00Z"}],
        "last_reply_at": None,
        "messages_read_until": None,
        "closed_at": "2026-11-30T08:00:00Z",
        "expires_on": "2026-12-10",
        "postponed": False,
    }
    assert CaseState.from_json(json.loads(json.dumps(state.to_json()))) == state


def test_a_status_change_is_stored_without_kms(resources: Resources) -> None:
    s3 = boto3.client("s3")
    bucket = resources.reports_bucket
    cases.change_status(s3, bucket, REPORT_ID, "read", NOW, 365)
    head = s3.head_object(Bucket=bucket, Key=f"cases/{REPORT_ID}")
    assert head["ServerSideEncryption"] == "AES256"
    assert cases.read_case(s3, bucket, REPORT_ID).state.status == "read"


def test_a_writer_that_lost_the_race_writes_nothing(resources: Resources) -> None:
    s3 = boto3.client("s3")
    bucket = resources.reports_bucket
    stale = cases.read_case(s3, bucket, REPORT_ID)
    cases.change_status(s3, bucket, REPORT_ID, "read", NOW, 365)
    with pytest.raises(s3.exceptions.ClientError):
        cases.write_case(s3, bucket, REPORT_ID, stale, CaseState(status="in_progress"))
    assert cases.read_case(s3, bucket, REPORT_ID).state.status == "read"


def test_postponing_is_stored(resources: Resources) -> None:
    s3 = boto3.client("s3")
    bucket = resources.reports_bucket
    cases.change_status(s3, bucket, REPORT_ID, "handled", NOW, 10)
    cases.postpone_expiry(s3, bucket, REPORT_ID, 30)
    stored = cases.read_case(s3, bucket, REPORT_ID).state
    assert (stored.expires_on, stored.postponed) == (date(2027, 1, 9), True)
    with pytest.raises(CannotPostpone):
        cases.postpone_expiry(s3, bucket, REPORT_ID, 30)
