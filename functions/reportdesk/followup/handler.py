"""The follow-up Lambda (`reportdesk.followup.handler`): `POST /api/followup/read` and
`POST /api/followup/messages`, JSON or form posts; the work is in `followup_store`.

The child's code is a secret: it is never logged, never put in a metric, never stored.
"""

from __future__ import annotations

import functools
import os
from datetime import UTC, datetime
from typing import Annotated, Any, Final

import boto3
import botocore.session
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from reportdesk.cases import retention
from reportdesk.cases import state as casestate
from reportdesk.core.crypto import DecryptionFailed, EncryptionUnavailable
from reportdesk.core.model import MESSAGE_MAX, MESSAGE_MIN, Language, Text
from reportdesk.core.reference import reference_for
from reportdesk.core.texts import text
from reportdesk.followup import page as followup_page
from reportdesk.followup import store as followup_store
from reportdesk.intake import submission
from reportdesk.intake.storage import StorageUnavailable
from reportdesk.runtime import http_io
from reportdesk.runtime.http_io import Request

READ_PATH: Final = "/api/followup/read"
MESSAGES_PATH: Final = "/api/followup/messages"
_CLIENT_CONFIG: Final = Config(
    connect_timeout=3, read_timeout=8, retries={"mode": "standard", "max_attempts": 3}
)
_MESSAGE_CODES: Final = {
    "missing": "required",
    "required": "required",
    # The length is checked after `Text`'s validator: pydantic's generic names, not string_*.
    "too_short": "too_short",
    "too_long": "too_long",
}

app = APIGatewayHttpResolver(debug=False)
logger = Logger(service="followup")
metrics = Metrics(namespace=http_io.METRICS_NAMESPACE, service="followup")


class Unavailable(Exception):
    """Our side failed (secret, S3, KMS): nothing can be said about the code."""


class ReadIn(BaseModel):
    """`{code, language}`: which report's thread to show."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    code: str = ""
    language: Language = "nl"


class MessageIn(ReadIn):
    """`{code, language, message}`: the child writes back (validated like a report's message)."""

    message: Annotated[Text, Field(min_length=MESSAGE_MIN, max_length=MESSAGE_MAX)]

    @field_validator("message", mode="before")
    @classmethod
    def _message_given(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise PydanticCustomError("required", "message needed")
        return value.strip() if isinstance(value, str) else value


@functools.cache
def _clients(region: str) -> tuple[Any, Any, Any]:
    """The botocore session and the S3 and Secrets Manager clients, made once per container."""
    session = botocore.session.get_session()
    boto = boto3.Session(botocore_session=session, region_name=region)
    return (
        session,
        boto.client("s3", config=_CLIENT_CONFIG),
        boto.client("secretsmanager", config=_CLIENT_CONFIG),
    )


@functools.cache
def _cached_secret(secret_id: str, region: str) -> str:
    value = _clients(region)[2].get_secret_value(SecretId=secret_id)["SecretString"]
    return str(value)


def _secret() -> str:
    try:
        return _cached_secret(os.environ["FOLLOWUP_SECRET_ID"], os.environ["AWS_DEFAULT_REGION"])
    except (BotoCoreError, ClientError, KeyError) as error:
        raise Unavailable("secret_unavailable") from error


def _s3() -> Any:
    return _clients(os.environ["AWS_DEFAULT_REGION"])[1]


def _bucket() -> str:
    return os.environ["REPORTS_BUCKET"]


def _request() -> Request | Response[str]:
    """The request's fields, or the answer to a body that cannot be read (400, 413, 415)."""
    request = http_io.read_request(app.current_event)
    if isinstance(request, http_io.Unreadable):
        return _problem(
            request.problem.status, "followup.error.request", request.language, request.form
        )
    return request


def _errors(field: str, code: str, key: str, language: Language) -> dict[str, Any]:
    return {"errors": [{"field": field, "code": code, "message": text(key, language)}]}


def _problem(status: int, key: str, language: Language, form: bool) -> Response[str]:
    """One problem with the whole request; `field` is `request` and `code` the text's last word."""
    code = key.rsplit(".", 1)[1]
    http_io.count("FollowupRejected", "reason", code)
    if form:
        return http_io.html_answer(
            status, followup_page.problem_page("followup.error.title", [key], language)
        )
    return http_io.json_answer(status, _errors("request", code, key, language))


def _not_found(language: Language, form: bool) -> Response[str]:
    """The one answer for an unknown, malformed or deleted code: it must not tell them apart."""
    http_io.count("FollowupRejected", "reason", "unknown_code")
    if form:
        page = followup_page.problem_page(
            "followup.error.not_found_title", ["followup.error.not_found"], language
        )
        return http_io.html_answer(404, page)
    return http_io.json_answer(
        404, _errors("code", "not_found", "followup.error.not_found", language)
    )


def _find_report(code: str) -> str | None:
    return followup_store.find_report(_s3(), _bucket(), _secret(), code)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _status_steps(s3: Any, report_id: str) -> list[tuple[str, datetime]]:
    """The child's view of the case state: received, read, in progress, handled, with days."""
    state = casestate.read(s3, _bucket(), report_id)
    received = followup_store.received_at(s3, _bucket(), report_id) or datetime.now(UTC)
    return retention.child_history(state, received)


@app.post(READ_PATH)
def read() -> Response[str]:
    request = _request()
    if isinstance(request, Response):
        return request
    try:
        wanted = ReadIn.model_validate(request.data)
    except ValidationError:
        return _problem(400, "followup.error.request", request.language, request.form)
    report_id = _find_report(wanted.code)
    if report_id is None:
        return _not_found(request.language, request.form)
    session, s3, _ = _clients(os.environ["AWS_DEFAULT_REGION"])
    key_arn = os.environ["KMS_KEY_ARN"]
    replies = [
        (
            entry.sent_at,
            followup_store.read_entry(
                s3, _bucket(), entry, key_arn=key_arn, botocore_session=session
            ),
        )
        for entry in followup_store.entries(s3, _bucket(), "reply", report_id)
    ]
    messages = [
        entry.sent_at for entry in followup_store.entries(s3, _bucket(), "message", report_id)
    ]
    reference = reference_for(report_id)
    steps = _status_steps(s3, report_id)
    http_io.count("FollowupRead", "replies", "yes" if replies else "no")
    logger.info("thread read", outcome="read", report_id=report_id, replies=len(replies))
    if request.form:
        page = followup_page.thread_page(
            reference, steps, replies, messages, wanted.code, request.language
        )
        return http_io.html_answer(200, page)
    return http_io.json_answer(
        200,
        {
            "reference": reference,
            "status": steps[-1][0],
            "status_history": [{"status": status, "at": _iso(at)} for status, at in steps],
            "replies": [{"date": _iso(sent), "text": reply} for sent, reply in replies],
            "messages": [{"date": _iso(sent)} for sent in messages],
        },
    )


def _message_problem(error: ValidationError, request: Request) -> Response[str]:
    language, form = request.language, request.form
    problems = error.errors(include_input=False, include_url=False, include_context=False)
    for problem in problems:
        if problem["loc"][:1] == ("message",):
            code = _MESSAGE_CODES.get(problem["type"], "invalid")
            key = f"followup.error.message.{code}"
            http_io.count("FollowupRejected", "reason", f"message_{code}")
            if form:
                sent = {name: request.data.get(name) for name in ("code", "message")}
                page = followup_page.message_problem_page(
                    key,
                    sent["code"] if isinstance(sent["code"], str) else "",
                    sent["message"] if isinstance(sent["message"], str) else "",
                    language,
                )
                return http_io.html_answer(422, page)
            return http_io.json_answer(422, _errors("message", code, key, language))
    return _problem(400, "followup.error.request", language, form)


@app.post(MESSAGES_PATH)
def write_message() -> Response[str]:
    request = _request()
    if isinstance(request, Response):
        return request
    try:
        message = MessageIn.model_validate(request.data)
    except ValidationError as error:
        return _message_problem(error, request)
    report_id = _find_report(message.code)
    if report_id is None:
        return _not_found(request.language, request.form)
    session, s3, _ = _clients(os.environ["AWS_DEFAULT_REGION"])
    entry = followup_store.store_entry(
        s3,
        _bucket(),
        "message",
        report_id,
        message.message,
        key_arn=os.environ["KMS_KEY_ARN"],
        botocore_session=session,
        now=datetime.now(UTC),
        metadata={"reference": reference_for(report_id), "language": message.language},
    )
    http_io.count("FollowupMessage", "outcome", "stored")
    logger.info("message stored", outcome="stored", report_id=report_id)
    if request.form:
        return http_io.html_answer(201, followup_page.sent_page(request.language))
    return http_io.json_answer(
        201, {"reference": reference_for(report_id), "date": _iso(entry.sent_at)}
    )


@app.not_found
def not_found(_error: NotFoundError) -> Response[str]:
    language = submission.preferred_language(app.current_event.headers.get("accept-language"))
    return http_io.json_answer(
        404, _errors("request", "not_found", "error.request.not_found", language)
    )


# Powertools leaves this decorator untyped; the function itself is fully typed.
@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def unexpected(error: Exception) -> Response[str]:
    # Only the type: an exception's message might quote a code or a message.
    expected = (Unavailable, StorageUnavailable, EncryptionUnavailable, DecryptionFailed)
    logger.error(
        "follow-up failed",
        outcome="unavailable",
        error=type(error).__name__,
        expected=isinstance(error, expected),
    )
    language = submission.preferred_language(app.current_event.headers.get("accept-language"))
    form = http_io.is_form(app.current_event)
    return _problem(503, "followup.error.unavailable", language, form)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
