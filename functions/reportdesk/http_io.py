"""HTTP plumbing of the intake and follow-up functions: the raw request body, uncached JSON and
HTML answers, and one-off metric counts.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Final

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

METRICS_NAMESPACE: Final = "Reportdesk"
JSON_TYPE: Final = "application/json; charset=utf-8"
HTML_TYPE: Final = "text/html; charset=utf-8"
# Answers hold a child's reference, a fresh challenge or replies meant for one child: never cache
# them, not even privately.
NO_STORE: Final = {"Cache-Control": "no-store"}


def raw_body(event: BaseProxyEvent) -> bytes:
    """The body as sent; base64 that does not decode becomes bytes that are not UTF-8."""
    body = event.body or ""
    if event.is_base64_encoded:
        try:
            return base64.b64decode(body, validate=True)
        except binascii.Error:
            return b"\xff"  # not UTF-8: answered as a malformed request
    return body.encode("utf-8", "surrogatepass")


def json_answer(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type=JSON_TYPE,
        body=json.dumps(body, ensure_ascii=False),
        headers={**NO_STORE, **(headers or {})},
    )


def html_answer(status: int, page: str) -> Response[str]:
    return Response(status_code=status, content_type=HTML_TYPE, body=page, headers=NO_STORE)


def count(metric: str, dimension: str, value: str) -> None:
    """One metric on its own, so that its dimension never mixes with another metric's."""
    with single_metric(
        name=metric, unit=MetricUnit.Count, value=1, namespace=METRICS_NAMESPACE
    ) as single:
        single.add_dimension(name=dimension, value=value)
