"""Fixtures of the intake tests: API Gateway HTTP API (payload v2) events and the intake handler
running against the moto environment of `resources`.
"""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import pytest

from infra.local_aws import Resources

# Shorter submitted strings ("nl", "yes", "12-15") are words the logs may contain for other
# reasons; every value a test sends that could be personal is longer than this.
_MIN_CHECKED_LENGTH = 6


@dataclass(frozen=True)
class LambdaContext:
    function_name: str = "intake"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:intake"
    aws_request_id: str = "00000000-0000-4000-8000-000000000000"


def http_event(
    method: str,
    path: str,
    body: str | bytes | None = None,
    headers: dict[str, str] | None = None,
    base64_encoded: bool = False,
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event as the intake function receives it."""
    if isinstance(body, bytes):
        body = base64.b64encode(body).decode("ascii")
        base64_encoded = True
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {k.lower(): v for k, v in (headers or {}).items()},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "example.org",
            "domainPrefix": "example",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "pytest",
            },
            "requestId": "req",
            "routeKey": "$default",
            "stage": "$default",
            "time": "28/Nov/2026:16:00:00 +0000",
            "timeEpoch": 1795881600000,
        },
        "body": body,
        "isBase64Encoded": base64_encoded,
    }


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


Invoke = Callable[..., Answer]


@dataclass
class Telemetry:
    """Everything the function wrote: its JSON logs, metrics (stdout) and other libraries' logs."""

    capsys: pytest.CaptureFixture[str]
    caplog: pytest.LogCaptureFixture
    log_stream: io.StringIO
    _seen: list[str] = field(default_factory=list)
    submitted: set[str] = field(default_factory=set)

    def text(self) -> str:
        captured = self.capsys.readouterr()
        self._seen += [captured.out, captured.err]
        return "".join(self._seen) + self.log_stream.getvalue() + self.caplog.text

    def record_submitted(self, value: Any) -> None:
        """Remember every string in a payload, to check none of them is ever written out."""
        if isinstance(value, str) and len(value.strip()) >= _MIN_CHECKED_LENGTH:
            self.submitted.add(value.strip())
        elif isinstance(value, dict):
            for item in value.values():
                self.record_submitted(item)
        elif isinstance(value, list):
            for item in value:
                self.record_submitted(item)


@pytest.fixture
def telemetry(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> Iterator[Telemetry]:
    """Captures logs and metrics; afterwards checks that no submitted value appears in them."""
    from reportdesk.intake import handler as intake

    caplog.set_level(logging.INFO)
    handler = intake.logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    # Swapped without setStream(): that would flush the previous stream, which pytest may have
    # closed already (the logger was made while an earlier test's capture was active).
    previous, handler.stream = handler.stream, stream
    seen = Telemetry(capsys, caplog, stream)
    try:
        yield seen
    finally:
        handler.stream = previous
    written = seen.text()
    leaked = sorted(value for value in seen.submitted if value in written)
    assert not leaked, "submitted values appear in logs or metrics"


@pytest.fixture
def function_env(resources: Resources) -> Resources:
    """The environment the function runs in; a test module may override it with a lighter one."""
    return resources


@pytest.fixture
def invoke(function_env: object, telemetry: Telemetry) -> Invoke:
    """Call the intake handler with an HTTP request; returns status, headers and the body text.

    Every string submitted is checked, after the test, to appear in no log or metric.
    """
    from reportdesk.intake import handler as intake

    def call(
        method: str,
        path: str,
        body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
        base64_encoded: bool = False,
    ) -> Answer:
        if isinstance(body, str) and body.lstrip().startswith(("{", "[")):
            try:
                telemetry.record_submitted(json.loads(body))
            except ValueError:
                telemetry.record_submitted(body)
        elif isinstance(body, str):
            telemetry.record_submitted([value for _name, value in parse_qsl(body)])
        event = http_event(method, path, body, headers, base64_encoded)
        result = intake.handler(event, LambdaContext())
        text = result.get("body") or ""
        if result.get("isBase64Encoded"):
            text = base64.b64decode(text).decode("utf-8")
        return Answer(result["statusCode"], result.get("headers", {}), text)

    return call


@pytest.fixture
def post_json(invoke: Invoke) -> Callable[..., Answer]:
    def call(payload: Any, headers: dict[str, str] | None = None) -> Answer:
        return invoke(
            "POST",
            "/api/reports",
            json.dumps(payload),
            {"content-type": "application/json", **(headers or {})},
        )

    return call


@pytest.fixture
def post_form(invoke: Invoke) -> Callable[..., Answer]:
    def call(fields: dict[str, str]) -> Answer:
        from urllib.parse import urlencode

        return invoke(
            "POST",
            "/api/reports",
            urlencode(fields),
            {"content-type": "application/x-www-form-urlencoded"},
        )

    return call


@dataclass(frozen=True)
class Bucket:
    """The reports bucket, read the way the API persons' tools read it."""

    resources: Resources

    @property
    def s3(self) -> Any:
        import boto3

        return boto3.client("s3", region_name=self.resources.region)

    def report_versions(self) -> list[dict[str, Any]]:
        """Every stored version of every report object (the bucket is versioned)."""
        pages = self.s3.get_paginator("list_object_versions").paginate(
            Bucket=self.resources.reports_bucket, Prefix="reports/"
        )
        return [version for page in pages for version in page.get("Versions", [])]

    def report_keys(self) -> list[str]:
        return sorted({version["Key"] for version in self.report_versions()})

    def head(self, key: str) -> dict[str, Any]:
        return dict(self.s3.head_object(Bucket=self.resources.reports_bucket, Key=key))

    def ciphertext(self, key: str) -> bytes:
        response = self.s3.get_object(Bucket=self.resources.reports_bucket, Key=key)
        return bytes(response["Body"].read())

    def decrypt(self, key: str) -> dict[str, Any]:
        """Decrypt a report like the reader tool does: its own session, the report id as context."""
        import botocore.session
        from reportdesk.core import crypto

        plaintext = crypto.decrypt(
            self.ciphertext(key),
            key.rsplit("/", 1)[1],
            key_arn=self.resources.kms_key_arn,
            botocore_session=botocore.session.get_session(),
        )
        document: dict[str, Any] = json.loads(plaintext)
        return document


@pytest.fixture
def bucket(resources: Resources) -> Bucket:
    return Bucket(resources)
