"""HTTP plumbing of the intake and follow-up functions: reading a posted request, uncached JSON
and HTML answers, and one-off metric counts.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Final

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

from reportdesk.core.texts import Language
from reportdesk.intake import submission
from reportdesk.intake.submission import FORM_TYPE, RequestProblem

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


@dataclass(frozen=True)
class Request:
    """What every route needs to answer: the fields, the language and the answer's form."""

    data: dict[str, Any]
    language: Language
    form: bool


@dataclass(frozen=True)
class Unreadable:
    """A body that cannot be read (400, 413, 415), and the language and form of the answer."""

    problem: RequestProblem
    language: Language
    form: bool


def is_form(event: BaseProxyEvent) -> bool:
    """A form post (the page without JavaScript) is answered with a page, not with JSON."""
    return submission.media_type(event.headers.get("content-type")) == FORM_TYPE


def read_request(event: BaseProxyEvent) -> Request | Unreadable:
    """A JSON or form post; answered in the language it names, else the Accept-Language one."""
    form = is_form(event)
    language = submission.preferred_language(event.headers.get("accept-language"))
    try:
        data = submission.read_body(raw_body(event), event.headers.get("content-type"))
    except RequestProblem as problem:
        return Unreadable(problem, language, form)
    return Request(data, submission.answer_language(data, language), form)


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
