"""Deleting a report leaves nothing that names it (issue 16, item 7): no key and no metadata of any
version under any prefix holds its report id or its reference; other reports keep theirs."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from reportdesk.core import layout
from reportdesk.core.reference import reference_for

from infra.local_aws import Resources
from tests.followup.conftest import Bucket, Post
from tests.mailer.support import LambdaContext, queue_event


def _deliver(resources: Resources) -> None:
    """Run the mailer on what the bucket announced, as Lambda would."""
    from reportdesk.mailer import handler as mailer

    assert mailer.handler(queue_event(resources), LambdaContext("mailer")) == {
        "batchItemFailures": []
    }


def traces(resources: Resources, *names: str) -> list[str]:
    """Every version and delete marker, under every prefix, whose key, metadata or body holds a
    name (a code mapping's body is its report id; a ciphertext's header holds its context)."""
    s3 = boto3.client("s3", region_name=resources.region)
    bucket = resources.reports_bucket
    found: list[str] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for item in page.get("DeleteMarkers", []):
            if any(name in item["Key"] for name in names):
                found.append(f"delete marker {item['Key']}")
        for item in page.get("Versions", []):
            got = s3.get_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])
            body = got["Body"].read().decode("utf-8", "replace")
            seen = item["Key"] + json.dumps(got.get("Metadata", {})) + body
            if any(name in seen for name in names):
                found.append(item["Key"])
    return found


@pytest.fixture
def one_email_an_hour(monkeypatch: pytest.MonkeyPatch, resources: Resources) -> None:
    """With one e-mail an hour, the second announcement goes into the hour's digest."""
    monkeypatch.setenv("MAIL_HOURLY_CAP", "1")


def _report_with_every_trace(report: Post, write: Post, inbox: Any, resources: Resources) -> str:
    """A report announced by e-mail or digest, with a reply, a message (announced too) and case
    state: every kind of object that names a report. Returns its reference."""
    sent = report().json()
    _deliver(resources)
    assert inbox("reply", sent["reference"], "--message", "Dank je, we lezen mee.").code == 0
    write(sent["followup_code"], "Het gebeurde weer, gisteren na de training.")
    _deliver(resources)
    return str(sent["reference"])


def _report_id(resources: Resources, reference: str) -> str:
    s3 = boto3.client("s3", region_name=resources.region)
    listing = s3.list_objects_v2(Bucket=resources.reports_bucket, Prefix=layout.REPORTS_PREFIX)
    ids = [layout.report_id_from_key(item["Key"]) for item in listing["Contents"]]
    [report_id] = [i for i in ids if i and reference_for(i) == reference]
    return report_id


@pytest.mark.usefixtures("one_email_an_hour")
def test_delete_leaves_no_object_that_names_the_report(
    report: Post, write: Post, inbox: Any, bucket: Bucket, resources: Resources
) -> None:
    kept = _report_with_every_trace(report, write, inbox, resources)
    doomed = _report_with_every_trace(report, write, inbox, resources)
    doomed_id, kept_id = _report_id(resources, doomed), _report_id(resources, kept)
    # The case state the web inbox and api-inbox keep (not encrypted, names the report).
    boto3.client("s3", region_name=resources.region).put_object(
        Bucket=resources.reports_bucket,
        Key=layout.case_key(doomed_id),
        Body=json.dumps({"schema": 1, "status": "read"}).encode(),
    )
    names = (doomed_id, doomed)
    before = traces(resources, *names)
    prefixes = {key.split("/")[0] for key in before}
    # The test means something only if the report left traces under every such prefix.
    assert {"reports", "submissions", "notified", "notifying", "digest", "replies"} <= prefixes
    assert {"messages", "followup", "followup-index", "cases"} <= prefixes

    deleted = inbox("delete", doomed, "--yes")

    assert deleted.code == 0, deleted.err
    assert traces(resources, *names) == []
    assert traces(resources, kept_id, kept)


@pytest.mark.usefixtures("one_email_an_hour")
def test_purge_leaves_no_object_that_names_a_purged_report(
    report: Post, write: Post, inbox: Any, resources: Resources
) -> None:
    doomed = _report_with_every_trace(report, write, inbox, resources)
    doomed_id = _report_id(resources, doomed)
    assert inbox("mark", doomed, "handled").code == 0
    purged = inbox("purge", "--handled-older-than", "0")
    assert purged.code == 0, purged.err
    assert traces(resources, doomed_id, doomed) == []
