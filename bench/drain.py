"""Mailer drain: a flood of reports already in the bucket (the notification queue full of their
events), then ONE queue consumer -- the local server's poller and the mailer handler -- empties it.
Measures reports announced per second, the AWS calls and the CPU time (moto included: it runs in
this process) each report costs, and that each was announced exactly once. On a shared machine the
wall-clock rate follows the load; calls and CPU seconds per report do not.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from reportdesk.core.reference import reference_for

from bench.common import HOST, ROOT, Row, free_port
from infra.local.events import MAILER_HANDLER, load_handler
from infra.local.pollers import QueueConsumer
from infra.local_aws import REGION, Resources, create_resources
from infra.local_server import FAKE_CREDENTIALS, start_aws

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


@contextmanager
def _aws(own_process: bool) -> Iterator[Resources]:
    """moto with the environment's resources; this process's AWS settings point at it.

    In its own process, as AWS is to a Lambda function: the consumer's process then does only the
    consumer's work. In this process, as `make serve` runs it: moto's work shares the consumer's
    interpreter lock, so the two take turns on one core.
    """
    if not own_process:
        moto, resources, _ = start_aws()
        try:
            yield resources
        finally:
            moto.stop()
        return
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our interpreter, a fixed probe
        [sys.executable, "-c", _MOTO_SERVER.format(host=HOST, port=port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        os.environ.pop("AWS_PROFILE", None)
        os.environ.update(FAKE_CREDENTIALS)
        os.environ["AWS_ENDPOINT_URL"] = f"http://{HOST}:{port}"
        os.environ["AWS_DEFAULT_REGION"] = REGION
        _wait_for(port)
        resources = create_resources(boto3.Session())
        os.environ.update(resources.environment())
        yield resources
    finally:
        server.terminate()
        server.wait(timeout=20)


# moto's server with S3's conditional writes made atomic, as the local server has them.
_MOTO_SERVER = (
    "from infra.local_aws import make_conditional_writes_atomic; "
    "make_conditional_writes_atomic(); "
    "from moto.server import ThreadedMotoServer; import time; "
    "ThreadedMotoServer(ip_address='{host}', port={port}, verbose=False).start(); "
    "time.sleep(10**6)"
)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("moto did not start")


def drain(own_process: bool) -> Row:
    """Flood the queue, then let one consumer empty it; the row of what it took."""
    # As the local server does: werkzeug inside moto would log every AWS call.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with _aws(own_process) as resources:
        s3, sqs = boto3.client("s3"), boto3.client("sqs")
        bucket = resources.reports_bucket
        ids = _flood(s3, bucket)
        queued = _depth(sqs, resources.queue_url)
        stop = threading.Event()
        consumer = QueueConsumer(resources, stop)
        calls: Counter[str] = Counter()
        subjects: list[str] = []
        _count_calls(calls, subjects, consumer)
        drained = _on_drained(consumer, queued)
        cpu_started = time.process_time()
        started = time.perf_counter()
        consumer.start()
        drained.wait(TIMEOUT_SECONDS)
        seconds = time.perf_counter() - started
        cpu_seconds = time.process_time() - cpu_started
        stop.set()
        consumer.join(timeout=30)
        left = _depth(sqs, resources.queue_url)
        notified = Counter(key.rsplit("/", 1)[1] for key in _keys(s3, bucket, "notified/"))
        digest = Counter(key.rsplit("/", 1)[1] for key in _keys(s3, bucket, "digest/"))
        emailed = Counter(
            rid for rid in ids for subject in subjects if reference_for(rid) in subject
        )
        once = sum(1 for rid in ids if notified[rid] == 1 and emailed[rid] + digest[rid] == 1)
    where = "moto in its own process, as AWS is" if own_process else "moto in the same process"
    cpu = "the consumer's process alone" if own_process else "moto included"
    return Row(
        f"Mailer drain: {FLOOD} reports queued, one consumer ({where})",
        f"{FLOOD / seconds:.1f} reports/s ({seconds:.1f} s)",
        f"{queued} queue messages, {left} left; {once} of {FLOOD} announced exactly once "
        f"({sum(emailed.values())} e-mails, {sum(digest.values())} digest entries)",
        target=f">= {TARGET:.0f} reports/s, all once" if own_process else "all once",
        met=(FLOOD / seconds >= TARGET or not own_process) and once == FLOOD and left == 0,
        note="the local server's queue poller and the mailer handler, moto over HTTP; "
        f"{sum(calls.values()) / FLOOD:.1f} AWS calls a report ("
        + ", ".join(f"{name} {n / FLOOD:.1f}" for name, n in calls.most_common())
        + f"); {cpu_seconds / FLOOD * 1000:.0f} ms of CPU a report, {cpu}",
    )


def measure() -> list[Row]:
    """Both ways, each in a fresh interpreter (the mailer makes its clients once per process)."""
    return [_in_fresh_process(own_process) for own_process in (True, False)]


def _in_fresh_process(own_process: bool) -> Row:
    probe = (
        "import dataclasses, json; from bench import drain; "
        f"drain.FLOOD = {FLOOD}; "
        f"print(json.dumps(dataclasses.asdict(drain.drain(own_process={own_process}))))"
    )
    result = subprocess.run(  # noqa: S603 - our interpreter, a fixed probe
        [sys.executable, "-c", probe],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=TIMEOUT_SECONDS + 120,
    )
    return Row(**json.loads(result.stdout.splitlines()[-1]))


def _on_drained(consumer: QueueConsumer, queued: int) -> threading.Event:
    """Set once the consumer has deleted `queued` messages. Counted from its own delete calls:
    asking the queue for its depth while it drains would load moto, which scans every message
    for each such question, and slow the drain being measured."""
    drained = threading.Event()
    deleted = Counter[str]()

    def count(parsed: Any, **_: Any) -> None:
        deleted["messages"] += len(parsed.get("Successful", []))
        if deleted["messages"] >= queued:
            drained.set()

    consumer._sqs.meta.events.register("after-call.sqs.DeleteMessageBatch", count)
    return drained


def _count_calls(calls: Counter[str], subjects: list[str], consumer: QueueConsumer) -> None:
    """Count every AWS call of the mailer's clients and of the poller, by operation, and keep the
    subject of every e-mail SES accepted."""
    load_handler(MAILER_HANDLER)
    from reportdesk.mailer import handler as mailer

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    def sending(params: Any, context: Any, **_: Any) -> None:
        context["bench_subject"] = params["Content"]["Simple"]["Subject"]["Data"]

    def accepted(http_response: Any, context: Any, **_: Any) -> None:
        if http_response.status_code == 200:
            subjects.append(context["bench_subject"])

    mailer_clients = mailer._aws_clients()
    for client in (mailer_clients.s3, mailer_clients.sesv2, consumer._sqs):
        client.meta.events.register("before-call", count)
    mailer_clients.sesv2.meta.events.register("provide-client-params.sesv2.SendEmail", sending)
    mailer_clients.sesv2.meta.events.register("after-call.sesv2.SendEmail", accepted)


if __name__ == "__main__":
    from bench.common import table

    print(table(measure()))
