"""A submission id used again (issue 16, item 5): the same content is a retry, stored once, and gets
a new follow-up code only within 15 minutes of the first store; other content is a report of its
own, never dropped. The answer never echoes the submission id."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from reportdesk.intake import challenge

from tests.intake.conftest import Answer, Bucket

PostJson = Callable[..., Answer]
START = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
MESSAGE = "Op het kamp werd ik uitgelachen en geduwd."


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(challenge, "utc_now", fake)
    return fake


def report(submission_id: str, **changes: Any) -> dict[str, Any]:
    return {"submission_id": submission_id, "language": "nl", "message": MESSAGE, **changes}


def test_the_answer_does_not_echo_the_submission_id(post_json: PostJson) -> None:
    body = post_json(report(str(uuid.uuid4()))).json()
    assert set(body) == {"reference", "followup_code"}


def test_a_retry_within_15_minutes_gets_the_same_reference_and_a_new_code(
    post_json: PostJson, bucket: Bucket, clock: Clock
) -> None:
    submission_id = str(uuid.uuid4())
    first = post_json(report(submission_id)).json()
    clock.now += timedelta(minutes=14, seconds=59)
    retry = post_json(report(submission_id)).json()
    assert retry["reference"] == first["reference"]
    assert retry["followup_code"] is not None
    assert retry["followup_code"] != first["followup_code"]
    assert len(bucket.report_versions()) == 1


def test_a_retry_after_15_minutes_gets_no_new_code(
    post_json: PostJson, bucket: Bucket, clock: Clock
) -> None:
    submission_id = str(uuid.uuid4())
    first = post_json(report(submission_id)).json()
    clock.now += timedelta(minutes=15, seconds=1)
    late = post_json(report(submission_id))
    assert late.status == 201
    assert late.json() == {"reference": first["reference"], "followup_code": None}
    mappings = bucket.s3.list_objects_v2(
        Bucket=bucket.resources.reports_bucket, Prefix="followup/"
    ).get("KeyCount")
    assert mappings == 1
    assert len(bucket.report_versions()) == 1


def test_other_content_under_a_used_submission_id_is_stored_as_a_report_of_its_own(
    post_json: PostJson, bucket: Bucket
) -> None:
    submission_id = str(uuid.uuid4())
    first = post_json(report(submission_id)).json()
    changed_message = "Op het kamp werd ik uitgelachen, geduwd en opgesloten."
    changed = post_json(report(submission_id, message=changed_message))
    assert changed.status == 201
    assert changed.json()["reference"] != first["reference"]
    assert changed.json()["followup_code"] is not None
    messages = sorted(bucket.decrypt(key)["message"] for key in bucket.report_keys())
    assert messages == sorted([MESSAGE, changed_message])


def test_other_contact_details_under_a_used_submission_id_are_not_dropped(
    post_json: PostJson, bucket: Bucket
) -> None:
    submission_id = str(uuid.uuid4())
    post_json(report(submission_id))
    contact = {"wants_contact": True, "email": "noor.elamrani@example.be"}
    post_json(report(submission_id, contact=contact))
    stored = [bucket.decrypt(key)["contact"] for key in bucket.report_keys()]
    assert {"wants_contact": True, "email": "noor.elamrani@example.be"} in [
        {k: v for k, v in c.items() if k != "safe_to_leave_message"} for c in stored
    ]


def test_a_retry_of_changed_content_is_stored_once_with_its_own_reference(
    post_json: PostJson, bucket: Bucket
) -> None:
    submission_id = str(uuid.uuid4())
    post_json(report(submission_id))
    changed = report(submission_id, message="Iets anders gebeurde daarna op het kamp.")
    first = post_json(changed).json()
    again = post_json(changed).json()
    assert again["reference"] == first["reference"]
    assert len(bucket.report_versions()) == 2


def test_a_retry_across_midnight_at_the_end_of_a_month_is_stored_once_under_the_first_month(
    post_json: PostJson, bucket: Bucket, clock: Clock
) -> None:
    clock.now = datetime(2026, 11, 30, 23, 59, 58, tzinfo=UTC)
    submission_id = str(uuid.uuid4())
    post_json(report(submission_id))
    clock.now = datetime(2026, 12, 1, 3, 0, 0, tzinfo=UTC)
    post_json(report(submission_id))
    [key] = bucket.report_keys()
    assert key.startswith("reports/2026/11/")


def test_the_submission_marker_holds_no_personal_data(post_json: PostJson, bucket: Bucket) -> None:
    submission_id = str(uuid.uuid4())
    post_json(report(submission_id))
    [marker] = [
        item["Key"]
        for item in bucket.s3.list_objects_v2(
            Bucket=bucket.resources.reports_bucket, Prefix="submissions/"
        )["Contents"]
    ]
    head = bucket.head(marker)
    assert head["ContentLength"] == 0
    assert set(head["Metadata"]) == {"received", "fingerprint"}
    assert MESSAGE not in str(head["Metadata"])
    assert submission_id not in str(head["Metadata"]) + marker
