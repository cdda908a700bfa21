"""Reliability fixtures: the intake handler called with raw HTTP requests, everything it writes
captured, the reports bucket checked the way the API persons read it, and the mailer fed from
the real (moto) queue the way Lambda's SQS poller feeds it.
"""

from __future__ import annotations

import base64
import functools
import io
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from moto import mock_aws

from infra.local.events import LambdaContext, http_api_event, sqs_event
from infra.local_aws import REGION, Resources, create_resources
from infra.local_server import FAKE_CREDENTIALS

REPORTS_PATH = "/api/reports"
# Said to the child (nl, fr, en) whenever nothing could be stored: try again later.
RETRY_TEXT = {
    "nl": "Probeer het over een paar minuten nog eens.",
    "fr": "Réessaie dans quelques minutes.",
    "en": "Please try again in a few minutes.",
}


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


def call_intake(
    body: bytes | None,
    headers: dict[str, str],
    method: str = "POST",
    path: str = REPORTS_PATH,
    *,
    base64_body: bool | None = None,
) -> Answer:
    """One request through the intake handler, as API Gateway turns it into an event.

    `base64_body` forces how the body arrives (API Gateway chooses by content type otherwise).
    """
    from reportdesk.intake import handler as intake

    event = http_api_event(method, path, headers.items(), body or b"", "192.0.2.1")
    if body is not None and base64_body is not None:
        event["isBase64Encoded"] = base64_body
        event["body"] = (
            base64.b64encode(body).decode() if base64_body else body.decode("utf-8", "replace")
        )
    result = intake.handler(event, LambdaContext("intake"))
    text = result.get("body") or ""
    if result.get("isBase64Encoded"):
        text = base64.b64decode(text).decode("utf-8")
    return Answer(int(result["statusCode"]), dict(result.get("headers") or {}), text)


def post_json(payload: Any, language: str = "nl") -> Answer:
    return call_intake(
        json.dumps(payload).encode(),
        {"content-type": "application/json", "accept-language": language},
    )


@dataclass
class Output:
    """Everything written while capturing: the functions' JSON logs, metrics, library logs."""

    parts: list[io.StringIO] = field(default_factory=list)

    def text(self) -> str:
        return "".join(part.getvalue() for part in self.parts)


@contextmanager
def captured_output() -> Iterator[Output]:
    """Capture the intake's and mailer's logs, stdout/stderr (metrics) and every library's log
    records, for one example at a time (hypothesis cannot use function-scoped capture fixtures).
    """
    from reportdesk.intake import handler as intake
    from reportdesk.mailer import handler as mailer

    output = Output([io.StringIO() for _ in range(5)])
    functions_log, out, err, library_log, mailer_log = output.parts
    handlers = [intake.logger.registered_handler, mailer.logger.registered_handler]
    previous = []
    for handler, stream in zip(handlers, (functions_log, mailer_log), strict=True):
        assert isinstance(handler, logging.StreamHandler)
        previous.append(handler.stream)
        handler.stream = stream
    library = logging.StreamHandler(library_log)
    root = logging.getLogger()
    root.addHandler(library)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            yield output
    finally:
        root.removeHandler(library)
        for handler, stream in zip(handlers, previous, strict=True):
            handler.stream = stream


@dataclass
class Bucket:
    """The reports bucket, read the way api-inbox reads it (its own session, kms:Decrypt)."""

    resources: Resources

    @functools.cached_property
    def s3(self) -> Any:
        return boto3.client("s3", region_name=self.resources.region)

    @functools.cached_property
    def session(self) -> Any:
        """One botocore session, so the Encryption SDK makes its KMS client once."""
        return botocore.session.get_session()

    def versions(self, prefix: str = "reports/") -> list[dict[str, Any]]:
        """Every version of every object under `prefix` (the bucket is versioned)."""
        pages = self.s3.get_paginator("list_object_versions").paginate(
            Bucket=self.resources.reports_bucket, Prefix=prefix
        )
        return [version for page in pages for version in page.get("Versions", [])]

    def keys(self, prefix: str) -> list[str]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.resources.reports_bucket, Prefix=prefix
        )
        return [item["Key"] for page in pages for item in page.get("Contents", [])]

    def report(self, key: str) -> Any:
        """The decrypted report at `key`, validated as a `ReportDocument` (raises otherwise)."""
        from reportdesk.core import crypto
        from reportdesk.core.model import ReportDocument

        report_id = key.rsplit("/", 1)[1]
        ciphertext = self.s3.get_object(Bucket=self.resources.reports_bucket, Key=key)[
            "Body"
        ].read()
        plaintext = crypto.decrypt(
            ciphertext,
            report_id,
            key_arn=self.resources.kms_key_arn,
            botocore_session=self.session,
        )
        document = ReportDocument.model_validate_json(plaintext)
        assert document.report_id == report_id
        return document


@pytest.fixture
def bucket(resources: Resources) -> Bucket:
    return Bucket(resources)


@pytest.fixture(scope="module")
def shared_resources() -> Iterator[Resources]:
    """One emulated environment for a whole module whose tests each check only what their own
    requests changed (setting moto up per hypothesis example or per case would dominate).
    """
    with pytest.MonkeyPatch.context() as patch:
        for name, value in FAKE_CREDENTIALS.items():
            patch.setenv(name, value)
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        patch.delenv("AWS_PROFILE", raising=False)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        with mock_aws():
            created = create_resources(boto3.Session())
            for name, value in created.environment().items():
                patch.setenv(name, value)
            yield created


@pytest.fixture(scope="module")
def shared_bucket(shared_resources: Resources) -> Bucket:
    return Bucket(shared_resources)


@dataclass
class Delivery:
    """What the mailer did with the queue: per round, the failed message count; crashes."""

    rounds: int = 0
    failed: int = 0
    crashes: int = 0


class LambdaCrashed(BaseException):
    """Raised inside the mailer to stop it dead, like a timeout or out-of-memory kill: not an
    `Exception`, so no handler inside the function catches it."""


def deliver(resources: Resources, max_rounds: int = 30) -> Delivery:
    """Feed the notification queue to the mailer like Lambda's SQS poller: batches of up to 10;
    succeeded messages deleted; failed ones (and a crashed batch) become visible again at once,
    as if their visibility timeout had passed; the queue's redrive policy moves a message to the
    dead-letter queue after 5 receives. Stops when the queue is empty or after `max_rounds`.
    """
    from reportdesk.mailer import handler as mailer

    sqs = boto3.client("sqs", region_name=resources.region)
    arn = sqs.get_queue_attributes(QueueUrl=resources.queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    delivery = Delivery()
    while delivery.rounds < max_rounds:
        messages = sqs.receive_message(
            QueueUrl=resources.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"]
        ).get("Messages", [])
        if not messages:
            break
        delivery.rounds += 1
        try:
            result = mailer.handler(sqs_event(messages, arn), LambdaContext("mailer"))
        except LambdaCrashed:
            delivery.crashes += 1
            failed = {m["MessageId"] for m in messages}
        else:
            failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}
        for message in messages:
            if message["MessageId"] in failed:
                delivery.failed += 1
                sqs.change_message_visibility(
                    QueueUrl=resources.queue_url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=0,
                )
            else:
                sqs.delete_message(
                    QueueUrl=resources.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
    return delivery


def dead_letters(resources: Resources) -> list[str]:
    """Bodies of the messages in the dead-letter queue."""
    sqs = boto3.client("sqs", region_name=resources.region)
    bodies: list[str] = []
    while batch := sqs.receive_message(
        QueueUrl=resources.dlq_url, MaxNumberOfMessages=10, VisibilityTimeout=60
    ).get("Messages", []):
        bodies += [m["Body"] for m in batch]
    return bodies


@pytest.fixture
def mailer_clients(resources: Resources) -> Iterator[Any]:
    """The mailer's own clients, made fresh for this test's moto (where faults are injected)."""
    from reportdesk.mailer import handler as mailer

    mailer._aws_clients.cache_clear()
    yield mailer._aws_clients()
    mailer._aws_clients.cache_clear()


@dataclass
class Fault:
    """One injected failure: which calls it hits, and what happens to them."""

    service: str
    operation: str | None
    error: Exception | BaseException | None = None
    sleep: float = 0.0
    # True: the call reaches AWS (moto) and succeeds, then the answer is lost.
    after_call: bool = False
    # Only calls whose parameters satisfy this (e.g. a key prefix); None: every call.
    only: Callable[[dict[str, Any]], bool] | None = None
    # The first `spare` matching calls go through untouched; then `times` calls fail (None: all).
    spare: int = 0
    times: int | None = None
    matched: int = 0

    def applies(self, service: str, operation: str, params: dict[str, Any]) -> bool:
        if service != self.service or self.operation not in (None, operation):
            return False
        if self.only is not None and not self.only(params):
            return False
        self.matched += 1
        failing = self.matched - self.spare
        return failing > 0 and (self.times is None or failing <= self.times)


class Faults:
    """AWS faults injected by wrapping botocore's client call (every client, as when a service
    is down for everyone): errors raised as botocore raises them, delays, lost answers."""

    def __init__(self) -> None:
        self.active: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self.active.append(fault)
        return fault

    def clear(self) -> None:
        self.active.clear()

    def wrap(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def make_api_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
            service = client.meta.service_model.service_name
            for fault in list(self.active):
                if fault.applies(service, operation, params):
                    time.sleep(fault.sleep)
                    if fault.after_call:
                        original(client, operation, params)
                    if fault.error is not None:
                        raise fault.error
            return original(client, operation, params)

        return make_api_call


@pytest.fixture
def faults(resources: Resources, monkeypatch: pytest.MonkeyPatch) -> Faults:
    injected = Faults()
    monkeypatch.setattr(BaseClient, "_make_api_call", injected.wrap(BaseClient._make_api_call))
    return injected


def service_error(code: str, operation: str, status: int = 503) -> ClientError:
    """The ClientError botocore raises for an AWS error answer."""
    return ClientError(
        {
            "Error": {"Code": code, "Message": "injected"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        operation,
    )
