"""Throughput and loss: 1,000 reports through the local server from 16 concurrent clients, 10%
sent twice with the same submission id; then every report is looked for in the bucket, decrypted,
and found announced exactly once (its own e-mail or a digest entry).
"""

from __future__ import annotations

import http.client
import inspect
import json
import os
import queue
import random
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.session
from reportdesk.core import crypto, reference

from bench.common import LocalServer, Row
from infra.local_aws import Resources

REPORTS = 1000
CLIENTS = 16
RETRIED_SHARE = 0.10
# The page retries a 503 or a lost connection with the same submission id; so does this client.
ATTEMPTS = 4
DRAIN_SECONDS = 900
LANGUAGES = ("nl", "fr", "en")
# The local server runs the mailer with the default of the emulated environment.
HOURLY_CAP = inspect.signature(Resources.environment).parameters["hourly_cap"].default


@dataclass
class Sent:
    """What the clients sent and what they were told."""

    payloads: dict[str, dict[str, Any]] = field(default_factory=dict)
    references: dict[str, set[str]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    unanswered: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _payload(n: int) -> dict[str, Any]:
    return {
        "submission_id": str(uuid.uuid4()),
        "language": LANGUAGES[n % 3],
        "message": f"Melding {n}: na de training werd ik uitgescholden en geduwd. " * 4,
        "age_group": "12-15",
        "contact": {"wants_contact": n % 2 == 0, "email": f"kind{n}@example.org"},
        "website": "",
    }


def _client(address: tuple[str, int], jobs: queue.Queue[dict[str, Any]], sent: Sent) -> None:
    connection = http.client.HTTPConnection(*address, timeout=60)
    while True:
        try:
            payload = jobs.get_nowait()
        except queue.Empty:
            break
        body = json.dumps(payload).encode()
        headers = {"content-type": "application/json", "accept-language": payload["language"]}
        for _attempt in range(ATTEMPTS):
            try:
                connection.request("POST", "/api/reports", body, headers)
                answer = connection.getresponse()
                text = answer.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(*address, timeout=60)
                with sent.lock:
                    sent.statuses[0] += 1
                continue
            with sent.lock:
                sent.statuses[answer.status] += 1
                if answer.status == 201:
                    reference = json.loads(text)["reference"]
                    sent.references.setdefault(payload["submission_id"], set()).add(reference)
            if answer.status == 201:
                break
        else:
            with sent.lock:
                sent.unanswered += 1
    connection.close()


def send_all(server: LocalServer) -> tuple[Sent, float]:
    """All reports and their retries from `CLIENTS` threads; returns what happened and seconds."""
    rng = random.Random(9)  # noqa: S311 - a reproducible choice, not a secret
    sent = Sent()
    jobs: list[dict[str, Any]] = []
    for n in range(REPORTS):
        payload = _payload(n)
        sent.payloads[payload["submission_id"]] = payload
        jobs.append(payload)
    jobs += rng.sample(jobs, int(REPORTS * RETRIED_SHARE))
    rng.shuffle(jobs)
    work: queue.Queue[dict[str, Any]] = queue.Queue()
    for job in jobs:
        work.put(job)
    parts = urlsplit(server.url)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    threads = [threading.Thread(target=_client, args=(address, work, sent)) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sent, time.perf_counter() - started


@contextmanager
def _environment(values: dict[str, str]) -> Any:
    """The server's emulated AWS for boto3 and the Encryption SDK in this process, for a while."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _keys(s3: Any, bucket: str, prefix: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def _queue_depth(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(value) for value in attributes.values())


def _outbox(server: LocalServer) -> list[dict[str, Any]]:
    parts = urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
    connection.request("GET", "/_local/outbox.json")
    emails: list[dict[str, Any]] = json.loads(connection.getresponse().read())
    connection.close()
    return emails


def measure(server: LocalServer) -> list[Row]:
    sent, seconds = send_all(server)
    acknowledged = set(sent.references)
    requests = sum(sent.statuses.values())
    with _environment(server.environment):
        env = server.environment
        bucket, key_arn = env["REPORTS_BUCKET"], env["KMS_KEY_ARN"]
        s3 = boto3.client("s3")
        sqs = boto3.client("sqs")
        versions = [
            version
            for page in s3.get_paginator("list_object_versions").paginate(
                Bucket=bucket, Prefix="reports/"
            )
            for version in page.get("Versions", [])
        ]
        stored = {version["Key"].rsplit("/", 1)[1]: version["Key"] for version in versions}
        expected = {reference.report_id_for(sid): sid for sid in acknowledged}
        session = botocore.session.get_session()
        intact = 0
        for report_id, key in stored.items():
            ciphertext = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            document = json.loads(
                crypto.decrypt(ciphertext, report_id, key_arn=key_arn, botocore_session=session)
            )
            submission_id = expected.get(report_id)
            if (
                submission_id is not None
                and document["message"] == sent.payloads[submission_id]["message"].strip()
            ):
                intact += 1

        queue_url = next(url for url in sqs.list_queues()["QueueUrls"] if url.endswith("-notify"))
        dlq_url = next(url for url in sqs.list_queues()["QueueUrls"] if url.endswith("-dlq"))
        deadline = time.monotonic() + DRAIN_SECONDS
        drain_started = time.perf_counter()
        while time.monotonic() < deadline:
            notified = _keys(s3, bucket, "notified/")
            if len(notified) >= len(stored) and _queue_depth(sqs, queue_url) == 0:
                break
            time.sleep(3)
        drain_seconds = time.perf_counter() - drain_started
        notified_ids = {key.rsplit("/", 1)[1] for key in _keys(s3, bucket, "notified/")}
        digest_ids = Counter(key.rsplit("/", 1)[1] for key in _keys(s3, bucket, "digest/"))
        dead_letters = _queue_depth(sqs, dlq_url)
        emails = _outbox(server)
        emailed = Counter(
            ref
            for mail in emails
            for ref in [reference.reference_for(rid) for rid in stored]
            if ref in mail["subject"]
        )
        announced = Counter(
            emailed[reference.reference_for(report_id)] + digest_ids[report_id]
            if report_id in notified_ids
            else 0
            for report_id in stored
        )
        queued = _queue_depth(sqs, queue_url)
    drained = queued == 0 and announced[0] == 0
    twice = sum(n for times, n in announced.items() if times > 1)

    same_reference = all(len(refs) == 1 for refs in sent.references.values())
    lost = len(set(expected) - set(stored))
    return [
        Row(
            f"Throughput: {REPORTS:,} reports, {CLIENTS} clients, {RETRIED_SHARE:.0%} sent twice",
            f"{len(acknowledged) / seconds:.1f} reports/s ({requests / seconds:.1f} requests/s)",
            f"{requests:,} requests: "
            + ", ".join(
                f"{status or 'no answer'}: {n}" for status, n in sorted(sent.statuses.items())
            ),
            note=f"local server (moto over HTTP, mailer running); {seconds:.0f} s wall time",
        ),
        Row(
            "Loss: acknowledged reports stored once, each decrypting to what was sent",
            f"{intact:,} of {len(acknowledged):,} acknowledged; {len(versions):,} object versions",
            f"{REPORTS:,} distinct submissions; {lost} lost; "
            f"retries got the same reference: {'yes' if same_reference else 'no'}",
            target="all, once",
            met=intact == len(acknowledged) == REPORTS == len(versions) and same_reference,
        ),
        Row(
            "Loss: stored reports announced exactly once (own e-mail or digest entry)",
            f"{announced[1]:,} of {len(stored):,} once, {twice} more than once, "
            f"{announced[0]:,} not yet ({sum(emailed.values())} e-mails, "
            f"{sum(digest_ids.values()):,} digest entries)",
            f"hourly e-mail cap {HOURLY_CAP}; {dead_letters} in the dead-letter queue, "
            f"{queued} still queued",
            target="all, once",
            met=announced[1] == len(stored),
            note=(
                f"one mailer consumer; drained {drain_seconds:.0f} s after the last answer"
                if drained
                else f"one mailer consumer; not drained {drain_seconds:.0f} s after the last answer"
            )
            + f" ({(len(stored) - announced[0]) / (seconds + drain_seconds):.1f} reports/s)",
        ),
    ]
