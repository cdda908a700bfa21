"""The events Lambda gets, made locally: API Gateway HTTP API (payload 2.0) requests and
answers, SQS batches, the hourly schedule; and the functions loaded as Lambda loads them."""

from __future__ import annotations

import base64
import importlib
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from moto.core.models import DEFAULT_ACCOUNT_ID

from infra.local_aws import REGION

# The functions as Lambda runs them (module:function), imported only once the environment is set.
MAILER_HANDLER = "reportdesk.mailer.handler:handler"
DIGEST_HANDLER = "reportdesk.mailer.handler:digest_handler"
INTAKE_HANDLER = "reportdesk.intake.handler:handler"
FOLLOWUP_HANDLER = "reportdesk.followup.handler:handler"
# Content types API Gateway HTTP APIs pass as text; every other body arrives base64-encoded.
TEXT_CONTENT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")

HOST = "127.0.0.1"

log = logging.getLogger("local_server")

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object that the functions and Powertools read."""

    function_name: str
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT_ID}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def load_handler(spec: str) -> Handler:
    """Import `module:function` (after the environment is set, as Lambda does).

    A Lambda instance serves one request at a time, and Powertools keeps the current request in
    module state: the returned handler runs one call at a time too.
    """
    module_name, _, attribute = spec.partition(":")
    handler: Handler = getattr(importlib.import_module(module_name), attribute)
    lock = threading.Lock()

    def one_at_a_time(event: dict[str, Any], context: Any) -> Any:
        with lock:
            return handler(event, context)

    return one_at_a_time


# --- API Gateway --------------------------------------------------------------------------------


def is_utf8(body: bytes) -> bool:
    """A text body that is not UTF-8 is passed on as bytes (base64), never with its bytes
    replaced: the function must see what was sent, and refuse it."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def is_text(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith(TEXT_CONTENT_TYPES) or media_type.endswith("+json")


def http_api_event(
    method: str, target: str, headers: Iterable[tuple[str, str]], body: bytes, source_ip: str
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload format 2.0) event for one request."""
    parts = urlsplit(target)
    lowered: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
    cookies = [c.strip() for c in lowered.pop("cookie", "").split(";") if c.strip()]
    now = datetime.now(UTC)
    text_body = is_text(lowered.get("content-type", "")) and is_utf8(body)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": unquote(parts.path),
        "rawQueryString": parts.query,
        "headers": lowered,
        "requestContext": {
            "accountId": DEFAULT_ACCOUNT_ID,
            "apiId": "local",
            "domainName": lowered.get("host", HOST),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": unquote(parts.path),
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": bool(body) and not text_body,
    }
    if cookies:
        event["cookies"] = cookies
    if parts.query:
        event["queryStringParameters"] = {
            name: ",".join(values)
            for name, values in parse_qs(parts.query, keep_blank_values=True).items()
        }
    if body:
        event["body"] = body.decode("utf-8") if text_body else base64.b64encode(body).decode()
    return event


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def http_api_response(result: Any) -> HttpResponse:
    """Turn a payload 2.0 handler result into an HTTP response, as API Gateway does."""
    if not isinstance(result, dict) or "statusCode" not in result:
        # API Gateway's rule for a bare result: 200 with the result as JSON.
        return HttpResponse(
            200, [("content-type", "application/json")], json.dumps(result).encode()
        )
    headers = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), str(v)) for v in values)
    headers.extend(("set-cookie", str(c)) for c in result.get("cookies") or [])
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
    return HttpResponse(int(result["statusCode"]), headers, body)


# --- the outbox ---------------------------------------------------------------------------------


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """An SQS event source mapping batch, as Lambda delivers it."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


def scheduled_event() -> dict[str, Any]:
    """An EventBridge scheduled event, as the hourly rule delivers it."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": DEFAULT_ACCOUNT_ID,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{DEFAULT_ACCOUNT_ID}:rule/local-digest"],
        "detail": {},
    }
