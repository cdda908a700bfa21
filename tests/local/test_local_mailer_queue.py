"""The local server's queue consumer: like Lambda's SQS poller, it deletes only what succeeded."""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest

from infra.local.pollers import QueueConsumer
from infra.local_aws import Resources


def queued_counts(resources: Resources) -> tuple[int, int]:
    attributes = boto3.client("sqs").get_queue_attributes(
        QueueUrl=resources.queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return (
        int(attributes["ApproximateNumberOfMessages"]),
        int(attributes["ApproximateNumberOfMessagesNotVisible"]),
    )


def new_report_object(resources: Resources) -> None:
    boto3.client("s3").put_object(
        Bucket=resources.reports_bucket, Key="reports/2026/11/abc", Body=b"x"
    )


def test_mailer_receives_the_s3_event_and_handled_messages_are_deleted(
    resources: Resources,
) -> None:
    new_report_object(resources)
    events: list[dict[str, Any]] = []

    def mailer(event: dict[str, Any], context: Any) -> dict[str, Any]:
        events.append(event)
        return {"batchItemFailures": []}

    QueueConsumer(resources, threading.Event()).poll_once(mailer)

    records = [record for event in events for record in event["Records"]]
    keys = [
        unquote_plus(s3_record["s3"]["object"]["key"])
        for record in records
        for s3_record in json.loads(record["body"]).get("Records", [])
    ]
    # S3 URL-encodes keys in event records, as the real service does.
    assert keys == ["reports/2026/11/abc"]
    assert all(record["eventSource"] == "aws:sqs" for record in records)
    assert queued_counts(resources) == (0, 0)


def test_failed_messages_stay_on_the_queue_for_redelivery(resources: Resources) -> None:
    new_report_object(resources)

    def failing_mailer(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {
            "batchItemFailures": [
                {"itemIdentifier": record["messageId"]} for record in event["Records"]
            ]
        }

    QueueConsumer(resources, threading.Event()).poll_once(failing_mailer)

    # Invisible until the visibility timeout ends, then delivered again.
    assert queued_counts(resources)[1] >= 1


def test_a_mailer_that_fails_leaves_the_whole_batch_for_redelivery(resources: Resources) -> None:
    new_report_object(resources)

    def broken_mailer(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("SES is down")

    with pytest.raises(RuntimeError):
        QueueConsumer(resources, threading.Event()).poll_once(broken_mailer)

    assert queued_counts(resources)[1] >= 1
