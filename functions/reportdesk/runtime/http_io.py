"""HTTP plumbing of the intake and follow-up functions: reading a posted request (JSON or form,
its language, what is wrong with its body), uncached JSON and HTML answers, one-off metric counts.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

from reportdesk.core.texts import DEFAULT_LANGUAGE, Language, is_language

METRICS_NAMESPACE: Final = "Reportdesk"
JSON_TYPE: Final = "application/json; charset=utf-8"
HTML_TYPE: Final = "text/html; charset=utf-8"
# Answers hold a child's reference, a fresh challenge or replies meant for one child: never cache
# them, not even privately.
NO_STORE: Final = {"Cache-Control": "no-store"}


MAX_BODY_BYTES: Final = 32 * 1024
JSON_MEDIA_TYPE: Final = "application/json"
FORM_TYPE: Final = "application/x-www-form-urlencoded"
# The form sends the contact block as flat names: contact_email -> contact.email.
_CONTACT_PREFIX: Final = "contact_"
_MAX_FORM_FIELDS: Final = 50
_REPLACEMENT: Final = "\ufffd"


class RequestProblem(Exception):
    """The request cannot be read as a report at all (400, 413, 415)."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


def media_type(content_type: str | None) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def preferred_language(accept_language: str | None) -> Language:
    """The first of the site's languages named in an Accept-Language header, else the default."""
    for part in (accept_language or "").split(","):
        tag = part.split(";", 1)[0].strip().lower()[:2]
        if is_language(tag):
            return tag
    return DEFAULT_LANGUAGE


def _form_fields(text: str) -> dict[str, Any]:
    """A form body as the JSON the page would send; a repeated name keeps its last value."""
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=_MAX_FORM_FIELDS,
            errors="strict",
        )
    except (ValueError, UnicodeDecodeError) as error:
        raise RequestProblem(400, "malformed") from error
    data: dict[str, Any] = {}
    contact: dict[str, Any] = {}
    for name, value in pairs:
        if name.startswith(_CONTACT_PREFIX):
            contact[name.removeprefix(_CONTACT_PREFIX)] = value
        else:
            data[name] = value
    if contact:
        data["contact"] = contact
    return data


def read_body(raw: bytes, content_type: str | None) -> dict[str, Any]:
    """The submitted fields of a JSON or form body; RequestProblem when it cannot be read."""
    kind = media_type(content_type)
    if kind not in (JSON_MEDIA_TYPE, FORM_TYPE):
        raise RequestProblem(415, "unsupported_media_type")
    if len(raw) > MAX_BODY_BYTES:
        raise RequestProblem(413, "too_large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RequestProblem(400, "not_utf8") from error
    if kind == FORM_TYPE:
        return _form_fields(text)
    if _REPLACEMENT in text:
        # What a decoder leaves of bytes that were not UTF-8 (on our side or on the way): the
        # child's words would be stored changed, so they are refused instead.
        raise RequestProblem(400, "not_utf8")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise RequestProblem(400, "malformed") from error
    # Valid JSON of another shape is read, then refused by validation as `body.invalid`.
    return data if isinstance(data, dict) else {"": data}


def answer_language(data: dict[str, Any], fallback: Language) -> Language:
    """The report's language when it names one of ours, else `fallback`."""
    language = data.get("language")
    return language if is_language(language) else fallback


def raw_body(event: BaseProxyEvent) -> bytes:
    """The body as sent; RequestProblem (400) when its base64 does not decode."""
    body = event.body or ""
    if event.is_base64_encoded:
        try:
            return base64.b64decode(body, validate=True)
        except binascii.Error as error:
            raise RequestProblem(400, "malformed") from error
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
    return media_type(event.headers.get("content-type")) == FORM_TYPE


def read_request(event: BaseProxyEvent) -> Request | Unreadable:
    """A JSON or form post; answered in the language it names, else the Accept-Language one."""
    form = is_form(event)
    language = preferred_language(event.headers.get("accept-language"))
    try:
        data = read_body(raw_body(event), event.headers.get("content-type"))
    except RequestProblem as problem:
        return Unreadable(problem, language, form)
    return Request(data, answer_language(data, language), form)


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
