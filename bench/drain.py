"""Mailer drain: a flood of reports already in the bucket (the notification queue full of their
events), then ONE queue consumer -- the local server's poller and the mailer handler -- empties it.
Measures reports announced per second, and that each was announced exactly once.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections import Counter
from typing import Any

import boto3
from reportdesk.core.reference import reference_for

from bench.common import Row
from infra.local.pollers import QueueConsumer
from infra.local_server import start_aws

FLOOD = 300
TARGET = 20.0
TIMEOUT_SECONDS = 600


def _flood(s3: Any, bucket: str) -> list[str]:
    """`FLOOD` report objects with the metadata the intake writes; a tenth unverified."""
    ids = []
    for n in range(FLOOD):
        report_id = secrets.token_hex(16)
        s3.put_object(
            Bucket=bucket,
            Key=f"reports/2026/11/{report_id}",
            Body=b"ciphertext",
            Metadata={
                "reference": reference_for(report_id),
                "language": "nl",
                "triage": "unverified" if n % 10 == 0 else "verified",
                "received": "2026-11-30T10:00:00+00:00",
                "schema": "1",
            },
        )
        ids.append(report_id)
    return ids


def _depth(sqs: Any, url: str) -> int:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(value) for value in attributes.values())


def _keys(s3: Any, bucket: str, prefix: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def measure() -> list[Row]:
    # As the local server does: werkzeug inside moto would log every AWS call.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    moto, resources = start_aws()
    try:
        s3, sqs = boto3.client("s3"), boto3.client("sqs")
        bucket = resources.reports_bucket
        ids = _flood(s3, bucket)
        queued = _depth(sqs, resources.queue_url)
        stop = threading.Event()
        consumer = QueueConsumer(resources, stop)
        started = time.perf_counter()
        consumer.start()
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while time.monotonic() < deadline and _depth(sqs, resources.queue_url) > 0:
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        stop.set()
        consumer.join(timeout=30)
        notified = Counter(key.rsplit("/", 1)[1] for key in _keys(s3, bucket, "notified/"))
        digest = Counter(key.rsplit("/", 1)[1] for key in _keys(s3, bucket, "digest/"))
        outbox = json.loads(json.dumps(_sent_subjects(resources.region)))
        emailed = Counter(rid for rid in ids for subject in outbox if reference_for(rid) in subject)
        once = sum(1 for rid in ids if notified[rid] == 1 and emailed[rid] + digest[rid] == 1)
    finally:
        moto.stop()
    return [
        Row(
            f"Mailer drain: {FLOOD} reports queued, one consumer",
            f"{FLOOD / seconds:.1f} reports/s ({seconds:.1f} s)",
            f"{queued} queue messages; {once} of {FLOOD} announced exactly once "
            f"({sum(emailed.values())} e-mails, {sum(digest.values())} digest entries)",
            target=f">= {TARGET:.0f} reports/s, all once",
            met=FLOOD / seconds >= TARGET and once == FLOOD,
            note="moto over HTTP in-process, the local server's queue poller and the mailer",
        )
    ]


def _sent_subjects(region: str) -> list[str]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return [m.subject for m in ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages]


if __name__ == "__main__":
    from bench.common import table

    print(table(measure()))
