"""`api-inbox delete` and `purge`: removing reports for good (`mark`: test_cli_status.py)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from reportdesk.cases import audit
from reportdesk.cases import state as casestate

from infra.local_aws import Resources
from tests.cli.conftest import Inbox, StoreReport


def versions_left(resources: Resources, key: str) -> int:
    listing = boto3.client("s3").list_object_versions(Bucket=resources.reports_bucket, Prefix=key)
    return len(listing.get("Versions", [])) + len(listing.get("DeleteMarkers", []))


def test_delete_with_yes_removes_every_version_and_delete_marker(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()
    s3 = boto3.client("s3")
    bucket = resources.reports_bucket
    # History of a versioned object: deleted once (a delete marker), then restored (a new version).
    first = s3.list_object_versions(Bucket=bucket, Prefix=report.key)["Versions"][0]
    s3.delete_object(Bucket=bucket, Key=report.key)
    s3.copy_object(
        Bucket=bucket,
        Key=report.key,
        CopySource={"Bucket": bucket, "Key": report.key, "VersionId": first["VersionId"]},
    )
    assert versions_left(resources, report.key) == 3

    result = inbox("delete", report.reference, "--yes")

    assert result.code == 0
    assert versions_left(resources, report.key) == 0


def test_delete_removes_the_case_state_and_the_mailers_markers(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()
    s3 = boto3.client("s3")
    bucket = resources.reports_bucket
    now = datetime.now(UTC)
    casestate.update(s3, bucket, report.report_id, lambda s: s.with_status("handled", now, 365))
    for key in (f"notified/{report.report_id}", f"digest/2026-11-28T16Z/{report.report_id}"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"")

    inbox("delete", report.reference, "--yes")

    for prefix in ("cases/", "notified/", "digest/"):
        assert versions_left(resources, prefix) == 0


def test_delete_leaves_other_reports_alone(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    deleted = store_report()
    kept = store_report()

    inbox("delete", deleted.reference, "--yes")

    assert versions_left(resources, kept.key) == 1


def test_delete_asks_and_deletes_on_yes(
    store_report: StoreReport, inbox: Inbox, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = store_report()
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))

    result = inbox("delete", report.reference)

    assert result.code == 0
    assert f"Delete report {report.reference}" in result.out
    assert versions_left(resources, report.key) == 0


def test_delete_keeps_the_report_unless_confirmed(
    store_report: StoreReport, inbox: Inbox, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = store_report()
    monkeypatch.setattr("sys.stdin", io.StringIO("no\n"))

    result = inbox("delete", report.reference)

    assert result.code == 1
    assert "Nothing deleted." in result.out
    assert versions_left(resources, report.key) == 1


def test_purge_deletes_only_handled_reports_past_the_age(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=400)
    old_handled = store_report(received=long_ago)
    old_open = store_report(received=long_ago)
    recent_handled = store_report(received=datetime.now(UTC) - timedelta(days=10))
    inbox("mark", old_handled.reference, "handled")
    inbox("mark", recent_handled.reference, "handled")

    result = inbox("purge", "--handled-older-than", "365")

    assert result.code == 0
    assert versions_left(resources, old_handled.key) == 0
    assert versions_left(resources, old_open.key) == 1
    assert versions_left(resources, recent_handled.key) == 1


def test_purge_prints_what_it_deleted(store_report: StoreReport, inbox: Inbox) -> None:
    report = store_report(received=datetime.now(UTC) - timedelta(days=40))
    inbox("mark", report.reference, "handled")

    out = inbox("purge", "--handled-older-than", "30").out.splitlines()

    assert out[0].startswith(f"Deleted {report.reference} (received ")
    assert out[1].startswith("Deleted 1 handled report(s) received before ")


def test_purge_dry_run_deletes_nothing(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report(received=datetime.now(UTC) - timedelta(days=40))
    inbox("mark", report.reference, "handled")

    result = inbox("purge", "--handled-older-than", "30", "--dry-run")

    assert result.out.startswith(f"Would delete {report.reference}")
    assert versions_left(resources, report.key) == 1


def test_purge_reads_a_received_time_without_zone_as_utc(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report(received=datetime.now(UTC) - timedelta(days=40))
    s3 = boto3.client("s3")
    bucket = resources.reports_bucket
    metadata = s3.head_object(Bucket=bucket, Key=report.key)["Metadata"]
    s3.copy_object(
        Bucket=bucket,
        Key=report.key,
        CopySource={"Bucket": bucket, "Key": report.key},
        Metadata={**metadata, "received": "2025-01-01T10:00:00"},
        MetadataDirective="REPLACE",
    )
    inbox("mark", report.reference, "handled")

    result = inbox("purge", "--handled-older-than", "30")

    assert result.code == 0, result.err
    assert versions_left(resources, report.key) == 0


def test_purge_puts_every_deletion_on_the_access_record(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    reports = [store_report(received=datetime.now(UTC) - timedelta(days=40)) for _ in range(2)]
    for report in reports:
        inbox("mark", report.reference, "handled")

    inbox("purge", "--handled-older-than", "30")

    deleted = [
        e for e in audit.entries(boto3.client("s3"), resources.audit_bucket) if e.action == "delete"
    ]
    assert sorted(e.report_id for e in deleted) == sorted(r.report_id for r in reports)
