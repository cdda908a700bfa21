"""The emulated environment has what the functions expect."""

from __future__ import annotations

import json
from urllib.parse import unquote_plus

import boto3

from infra.local_aws import Resources


def test_only_new_report_objects_are_announced_on_the_queue(resources: Resources) -> None:
    s3 = boto3.client("s3")
    sqs = boto3.client("sqs")
    s3.put_object(Bucket=resources.reports_bucket, Key="reports/2026/11/abc", Body=b"x")
    s3.put_object(Bucket=resources.reports_bucket, Key="notified/abc", Body=b"")
    messages = sqs.receive_message(QueueUrl=resources.queue_url, MaxNumberOfMessages=10)["Messages"]
    # S3 URL-encodes keys in event records, as the real service does.
    keys = [
        unquote_plus(record["s3"]["object"]["key"])
        for message in messages
        for record in json.loads(message["Body"]).get("Records", [])
    ]
    assert keys == ["reports/2026/11/abc"]
