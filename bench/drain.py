"""Mailer drain: a flood of reports already in the bucket (the notification queue full of their
events), then ONE queue consumer -- the local server's poller and the mailer handler -- empties it.
Measures reports announced per second, the AWS calls and the CPU time (moto included: it runs in
this process) each report costs, and that each was announced exactly once. On a shared machine the
wall-clock rate follows the load; calls and CPU seconds per report do not.
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
from infra.local.events import MAILER_HANDLER, load_handler
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
    moto, resources, _ = start_aws()
    try:
        s3, sqs = boto3.client("s3"), boto3.client("sqs")
        bucket = resources.reports_bucket
        ids = _flood(s3, bucket)
        queued = _depth(sqs, resources.queue_url)
        stop = threading.Event()
        consumer = QueueConsumer(resources, stop)
        calls: Counter[str] = Counter()
        _count_calls(calls, consumer)
        cpu_started = time.process_time()
        started = time.perf_counter()
        consumer.start()
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while time.monotonic() < deadline and _depth(sqs, resources.queue_url) > 0:
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
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
            note="moto over HTTP in-process, the local server's queue poller and the mailer; "
            f"{sum(calls.values()) / FLOOD:.1f} AWS calls a report ("
            + ", ".join(f"{name} {n / FLOOD:.1f}" for name, n in calls.most_common())
            + f"); {cpu_seconds / FLOOD * 1000:.0f} ms of CPU a report, moto included "
            f"({FLOOD / cpu_seconds:.1f} reports per CPU second)",
        )
    ]


def _count_calls(calls: Counter[str], consumer: QueueConsumer) -> None:
    """Count every AWS call of the mailer's clients and of the poller, by operation."""
    load_handler(MAILER_HANDLER)
    from reportdesk.mailer import handler as mailer

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    mailer_clients = mailer._aws_clients()
    for client in (mailer_clients.s3, mailer_clients.sesv2, consumer._sqs):
        client.meta.events.register("before-call", count)


def _sent_subjects(region: str) -> list[str]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return [m.subject for m in ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages]


if __name__ == "__main__":
    from bench.common import table

    print(table(measure()))
