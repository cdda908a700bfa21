"""Report objects and used-challenge markers in the reports bucket: written once, findable."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from reportdesk.intake import storage

from infra.local_aws import Resources

REPORT_ID = "0123456789abcdef0123456789abcdef"


def metadata(received: datetime) -> storage.ReportMetadata:
    return storage.ReportMetadata(
        reference="0J4F-DBM2",
        language="fr",
        triage="verified",
        contact_wanted=False,
        received=received,
        schema=1,
    )


@pytest.fixture
def s3(resources: Resources) -> Any:
    return boto3.client("s3", region_name=resources.region)


def versions(s3: Any, bucket: str, prefix: str = "reports/") -> list[str]:
    listing = s3.list_object_versions(Bucket=bucket, Prefix=prefix)
    return [version["Key"] for version in listing.get("Versions", [])]


def test_key_is_reports_year_month_report_id_in_utc() -> None:
    received = datetime.fromisoformat("2026-11-28T23:30:00-01:00")
    assert storage.report_key(REPORT_ID, received) == f"reports/2026/11/{REPORT_ID}"


@pytest.mark.parametrize(
    ("received", "month"),
    [
        ("2026-12-01T00:00:00+00:00", "2026/12"),
        ("2026-11-30T23:59:59+00:00", "2026/11"),
        ("2026-12-01T00:30:00+01:00", "2026/11"),
    ],
)
def test_key_month_is_the_utc_month_of_receipt(received: str, month: str) -> None:
    key = storage.report_key(REPORT_ID, datetime.fromisoformat(received))
    assert key == f"reports/{month}/{REPORT_ID}"


def test_metadata_is_written_as_documented() -> None:
    received = datetime(2026, 11, 28, 16, 5, 9, 123, tzinfo=UTC)
    assert metadata(received).as_s3_metadata() == {
        "reference": "0J4F-DBM2",
        "language": "fr",
        "triage": "verified",
        "contact-wanted": "no",
        "received": "2026-11-28T16:05:09+00:00",
        "schema": "1",
    }


def test_second_store_of_a_report_writes_nothing(s3: Any, resources: Resources) -> None:
    received = datetime(2026, 11, 28, 12, tzinfo=UTC)
    first = storage.store_report(
        s3, resources.reports_bucket, REPORT_ID, b"one", metadata(received)
    )
    second = storage.store_report(
        s3, resources.reports_bucket, REPORT_ID, b"two", metadata(received)
    )
    assert (first.created, second.created) == (True, False)
    assert versions(s3, resources.reports_bucket) == [first.key]
    body = s3.get_object(Bucket=resources.reports_bucket, Key=first.key)["Body"].read()
    assert body == b"one"


def test_a_submission_marker_remembers_the_first_time_and_fingerprint(
    s3: Any, resources: Resources
) -> None:
    before = datetime(2026, 11, 30, 23, 59, 58, tzinfo=UTC)
    after = datetime(2026, 12, 1, 0, 0, 3, tzinfo=UTC)
    bucket = resources.reports_bucket
    first = storage.claim_submission(s3, bucket, REPORT_ID, "f" * 64, before)
    retry = storage.claim_submission(s3, bucket, REPORT_ID, "a" * 64, after)
    assert first == storage.Submission(received=before, fingerprint="f" * 64, first=True)
    assert retry == storage.Submission(received=before, fingerprint="f" * 64, first=False)
    assert versions(s3, bucket, "submissions/") == [f"submissions/{REPORT_ID}"]


def test_storing_never_lists_and_reads_only_the_intakes_own_markers(
    s3: Any, resources: Resources
) -> None:
    calls: list[tuple[str, str]] = []

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        calls.append((model.name, params.get("Key", "")))

    s3.meta.events.register("provide-client-params.s3.*", record)
    bucket = resources.reports_bucket
    received = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)
    for _ in range(2):
        storage.claim_submission(s3, bucket, REPORT_ID, "f" * 64, received)
        storage.store_report(s3, bucket, REPORT_ID, b"x", metadata(received))
        storage.claim_challenge(s3, bucket, "c" * 64, "f" * 64)
    assert {name for name, _ in calls} == {"PutObject", "HeadObject"}
    assert all(
        key.startswith(("submissions/", "challenges/"))
        for name, key in calls
        if name == "HeadObject"
    )


def test_every_write_is_conditional(s3: Any, resources: Resources) -> None:
    puts: list[dict[str, Any]] = []
    s3.meta.events.register(
        "provide-client-params.s3.PutObject", lambda params, **_: puts.append(dict(params))
    )
    bucket = resources.reports_bucket
    received = datetime(2026, 11, 28, 12, tzinfo=UTC)
    storage.claim_submission(s3, bucket, REPORT_ID, "f" * 64, received)
    storage.store_report(s3, bucket, REPORT_ID, b"x", metadata(received))
    storage.claim_challenge(s3, bucket, "c" * 64, "f" * 64)
    assert len(puts) == 3
    assert all(put.get("IfNoneMatch") == "*" for put in puts)


def test_concurrent_stores_of_one_report_write_one_version(s3: Any, resources: Resources) -> None:
    received = datetime(2026, 11, 28, 12, tzinfo=UTC)
    created: list[bool] = []
    start = threading.Barrier(20)

    def store() -> None:
        start.wait()
        stored = storage.store_report(
            s3, resources.reports_bucket, REPORT_ID, b"x", metadata(received)
        )
        created.append(stored.created)

    threads = [threading.Thread(target=store) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(created) == [False] * 19 + [True]
    assert len(versions(s3, resources.reports_bucket)) == 1


def test_missing_bucket_is_storage_unavailable(s3: Any) -> None:
    with pytest.raises(storage.StorageUnavailable):
        storage.store_report(s3, "no-such-bucket", REPORT_ID, b"x", metadata(datetime.now(UTC)))


def test_challenge_is_claimed_once(s3: Any, resources: Resources) -> None:
    digest = "c" * 64
    assert storage.claim_challenge(s3, resources.reports_bucket, digest, "a" * 64) is True
    assert storage.claim_challenge(s3, resources.reports_bucket, digest, "b" * 64) is False
    assert versions(s3, resources.reports_bucket, "challenges/") == [f"challenges/{digest}"]


def test_a_challenge_claimed_again_by_the_same_claimant_is_not_a_replay(
    s3: Any, resources: Resources
) -> None:
    digest = "d" * 64
    assert storage.claim_challenge(s3, resources.reports_bucket, digest, "a" * 64) is True
    assert storage.claim_challenge(s3, resources.reports_bucket, digest, "a" * 64) is True


def test_used_challenge_marker_is_not_announced_as_a_report(s3: Any, resources: Resources) -> None:
    storage.claim_challenge(s3, resources.reports_bucket, "e" * 64, "a" * 64)
    sqs = boto3.client("sqs", region_name=resources.region)
    messages = sqs.receive_message(QueueUrl=resources.queue_url, MaxNumberOfMessages=10)
    assert "Messages" not in messages or all(
        "challenges/" not in message["Body"] for message in messages["Messages"]
    )
