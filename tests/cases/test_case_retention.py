"""Retention from closing and the child's view of a case: expiry from the Belgian closing day,
postponing once, the steps the child sees; the case object is readable without KMS."""

from __future__ import annotations

from datetime import UTC, date, datetime

import boto3
import pytest
from reportdesk.cases import retention
from reportdesk.cases import state as casestate
from reportdesk.cases.retention import CannotPostpone
from reportdesk.cases.state import CaseState

from infra.local_aws import Resources

REPORT_ID = "0123456789abcdef0123456789abcdef"
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def closed(when: datetime = NOW, retention_days: int = 10) -> CaseState:
    return CaseState().with_status("handled", when, retention_days)


def test_an_open_report_has_no_expiry() -> None:
    assert retention.expiry_day(CaseState().with_status("in_progress", NOW, 10), 10) is None


def test_closing_starts_the_expiry_from_the_belgian_closing_day() -> None:
    # 23:30 UTC on 30 November is already 1 December in Brussels.
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    assert retention.expiry_day(closed(late), 10) == date(2026, 12, 11)


def test_reopening_stops_the_expiry() -> None:
    reopened = closed().with_status("in_progress", NOW, 10)
    assert retention.expiry_day(reopened, 10) is None


def test_an_expiry_can_be_postponed_once() -> None:
    later = retention.postponed(closed(), 30, 10)
    assert retention.expiry_day(later, 10) == date(2027, 1, 9) and later.postponed
    with pytest.raises(CannotPostpone):
        retention.postponed(later, 30, 10)


def test_an_open_report_has_no_expiry_to_postpone() -> None:
    with pytest.raises(CannotPostpone):
        retention.postponed(CaseState().with_status("read", NOW, 10), 30, 10)


def test_the_child_sees_received_then_each_status_change() -> None:
    received = datetime(2026, 11, 28, 16, 5, tzinfo=UTC)
    state = CaseState().with_status("read", NOW, 10).with_status("handled", NOW, 10)
    assert retention.child_history(state, received) == [
        ("received", received),
        ("read", NOW),
        ("handled", NOW),
    ]


def test_postponing_is_stored(resources: Resources) -> None:
    s3 = boto3.client("s3")
    bucket = resources.reports_bucket
    casestate.update(s3, bucket, REPORT_ID, lambda state: closed())
    retention.postpone_expiry(s3, bucket, REPORT_ID, 30, 10)
    stored = casestate.read(s3, bucket, REPORT_ID)
    assert (stored.expires_on, stored.postponed) == ("2027-01-09", True)
    with pytest.raises(CannotPostpone):
        retention.postpone_expiry(s3, bucket, REPORT_ID, 30, 10)


def test_the_case_object_is_sse_s3_so_readers_need_no_kms(resources: Resources) -> None:
    s3 = boto3.client("s3")
    bucket = resources.reports_bucket
    casestate.update(s3, bucket, REPORT_ID, lambda state: state.with_status("read", NOW, 10))
    head = s3.head_object(Bucket=bucket, Key=f"cases/{REPORT_ID}")
    assert head["ServerSideEncryption"] == "AES256"
