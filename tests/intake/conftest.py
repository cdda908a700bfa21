"""Fixtures of the intake tests: API Gateway HTTP API (payload v2) events and the intake handler
running against the moto environment of `resources`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from infra.local_aws import Resources


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


@pytest.fixture
def invoke(resources: Resources) -> Invoke:
    """Call the intake handler with an HTTP request; returns status, headers and the body text."""
    from reportdesk import intake

    def call(
        method: str,
        path: str,
        body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
        base64_encoded: bool = False,
    ) -> Answer:
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
