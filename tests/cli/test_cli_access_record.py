"""The access record: every api-inbox command that opens or changes a report adds the web inbox's
entry first, under the reader's AWS identity; no record, no change. `audit` shows them, and the
automatic retention's deletions too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from reportdesk.cases import audit
from reportdesk.cases.retention import delete_expired

from infra.local_aws import Resources
from tests.cli.conftest import Inbox, StoreReport


def every_version(resources: Resources) -> list[tuple[str, str]]:
    listing = boto3.client("s3").list_object_versions(Bucket=resources.reports_bucket)
    return sorted((v["Key"], v["VersionId"]) for v in listing.get("Versions", []))


@pytest.mark.parametrize(
    ("command", "action", "detail"),
    [
        (["show", "{reference}"], "open", None),
        (["mark", "{reference}", "handled"], "status", "handled"),
        (["reply", "{reference}", "--message", "We lezen mee."], "reply", None),
        (["delete", "{reference}", "--yes"], "delete", None),
    ],
)
def test_each_command_adds_the_web_inbox_entry(
    store_report: StoreReport,
    inbox: Inbox,
    resources: Resources,
    command: list[str],
    action: str,
    detail: str | None,
) -> None:
    report = store_report()

    result = inbox(*(word.format(reference=report.reference) for word in command))

    assert result.code == 0, result.err
    # The record outlives a deleted report.
    [entry] = audit.entries(boto3.client("s3"), resources.audit_bucket, report.report_id)
    assert (entry.action, entry.detail, entry.reference) == (action, detail, report.reference)
    assert (entry.actor.via, entry.actor.id[:8]) == ("api-inbox", "arn:aws:")


@pytest.mark.parametrize(
    "command",
    [
        ["mark", "{reference}", "handled"],
        ["reply", "{reference}", "--message", "We lezen mee."],
        ["delete", "{reference}", "--yes"],
        ["purge", "--handled-older-than", "30"],
    ],
)
def test_without_an_access_record_nothing_changes(
    store_report: StoreReport,
    inbox: Inbox,
    resources: Resources,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    report = store_report(received=datetime.now(UTC) - timedelta(days=40))
    inbox("mark", report.reference, "handled")  # for purge
    before = every_version(resources)
    monkeypatch.delenv("AUDIT_BUCKET")

    result = inbox(*(word.format(reference=report.reference) for word in command))

    assert result.code == 1
    assert "no access record configured" in result.err
    assert every_version(resources) == before


def test_audit_shows_a_deletion_by_the_retention_as_automatic(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()
    s3 = boto3.client("s3")
    # What the daily run does with an expired report.
    delete_expired(
        s3,
        resources.reports_bucket,
        resources.audit_bucket,
        report.key,
        report.reference,
        datetime.now(UTC),
    )

    result = inbox("audit", report.reference)

    assert result.code == 0, result.err
    [line] = result.out.splitlines()
    assert line.endswith(f"  {report.reference}  delete  automatically (retention period over)")
