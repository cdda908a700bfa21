"""The case state (`cases/<report_id>`): statuses and their history, closing and reopening, and
conditional writes that never lose a concurrent change."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from reportdesk.cases import state
from reportdesk.cases.state import CaseState

from infra.local_aws import Resources

REPORT_ID = "0123456789abcdef0123456789abcdef"
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.fixture
def s3(resources: Resources) -> Any:
    return boto3.client("s3", region_name=resources.region)


def stored(s3: Any, resources: Resources) -> dict[str, Any]:
    body = s3.get_object(Bucket=resources.reports_bucket, Key=f"cases/{REPORT_ID}")["Body"]
    document: dict[str, Any] = json.loads(body.read())
    return document


def test_a_report_without_a_case_object_is_new(s3: Any, resources: Resources) -> None:
    case = state.read(s3, resources.reports_bucket, REPORT_ID)
    assert (case.status, case.history, case.etag) == ("new", (), None)


def test_handling_closes_the_case_and_sets_when_it_expires() -> None:
    case = CaseState().with_status("read", NOW, 365).with_status("handled", NOW, 365)
    assert [c.status for c in case.history] == ["read", "handled"]
    assert (case.closed_at, case.expires_on) == ("2026-11-30T10:00:00Z", "2027-11-30")


def test_reopening_clears_the_closing() -> None:
    closed = CaseState().with_status("handled", NOW, 365)
    reopened = closed.with_status("in_progress", NOW, 365)
    assert (reopened.closed_at, reopened.expires_on) == (None, None)


def test_the_same_status_again_changes_nothing() -> None:
    case = CaseState().with_status("read", NOW, 365)
    assert case.with_status("read", NOW, 365) is case


def test_update_writes_the_documented_object(s3: Any, resources: Resources) -> None:
    state.update(
        s3, resources.reports_bucket, REPORT_ID, lambda c: c.with_status("handled", NOW, 30)
    )
    assert stored(s3, resources) == {
        "schema": 1,
        "status": "handled",
        "history": [{"status": "handled", "at": "2026-11-30T10:00:00Z"}],
        "last_reply_at": None,
        "messages_read_until": None,
        "closed_at": "2026-11-30T10:00:00Z",
        "expires_on": "2026-12-30",
        "postponed": False,
    }


def test_a_change_made_meanwhile_is_kept(s3: Any, resources: Resources) -> None:
    """Someone else writes between our read and our write: our write loses, we read again."""
    bucket = resources.reports_bucket
    state.update(s3, bucket, REPORT_ID, lambda c: c.with_status("read", NOW, 30))
    interfered = False

    def change(case: CaseState) -> CaseState:
        nonlocal interfered
        if not interfered:
            interfered = True
            state.update(s3, bucket, REPORT_ID, lambda c: c.with_status("in_progress", NOW, 30))
        return case.with_status("handled", NOW, 30)

    final = state.update(s3, bucket, REPORT_ID, change)
    assert [c.status for c in final.history] == ["read", "in_progress", "handled"]
    assert [c["status"] for c in stored(s3, resources)["history"]] == [
        "read",
        "in_progress",
        "handled",
    ]


def test_a_damaged_object_reads_as_new(s3: Any, resources: Resources) -> None:
    s3.put_object(Bucket=resources.reports_bucket, Key=f"cases/{REPORT_ID}", Body=b"not json")
    assert state.read(s3, resources.reports_bucket, REPORT_ID).status == "new"
