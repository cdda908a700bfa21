"""No record, no change: every api-inbox command that changes a report refuses to run without the
access record, as the web inbox does, and leaves the bucket as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest

from infra.local_aws import Resources
from tests.cli.conftest import Inbox, StoreReport


def every_version(resources: Resources) -> list[tuple[str, str]]:
    listing = boto3.client("s3").list_object_versions(Bucket=resources.reports_bucket)
    return sorted((v["Key"], v["VersionId"]) for v in listing.get("Versions", []))


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
