"""The follow-up Lambda (`reportdesk.followup.handler.handler`): `POST /api/followup/read` and
`POST /api/followup/messages`, JSON or form posts; the work is in `followup.store`.

The child's code is a secret: it is never logged, never put in a metric, never stored.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from reportdesk.cases import retention
from reportdesk.cases import state as casestate
from reportdesk.core import routes
from reportdesk.core.clock import utc_iso
from reportdesk.core.crypto import DecryptionFailed, EncryptionUnavailable
from reportdesk.core.model import MESSAGE_MAX, MESSAGE_MIN, Text
from reportdesk.core.reference import reference_for
from reportdesk.core.s3 import StorageUnavailable
from reportdesk.core.texts import Language, text
from reportdesk.followup import page as followup_page
from reportdesk.followup import store as followup_store
from reportdesk.runtime import aws, http_io
from reportdesk.runtime.function import entry, handle_errors, http_function
from reportdesk.runtime.http_io import Request
from reportdesk.runtime.settings import Settings, secret_id

_MESSAGE_CODES: Final = {
    "missing": "required",
    "required": "required",
    # The length is checked after `Text`'s validator: pydantic's generic names, not string_*.
    "too_short": "too_short",
    "too_long": "too_long",
}

# Messages need no proof of work: without a limit per code, one code could fill the API persons'
# mailbox and the thread. A day is counted as the last 24 hours (no calendar edge to wait for).
DEFAULT_DAILY_MESSAGES: Final = 20
_MESSAGES_WINDOW: Final = timedelta(days=1)

app, logger, metrics = http_function("followup")


class Unavailable(Exception):
    """Our side failed (secret, S3, KMS): nothing can be said about the code."""


class ReadIn(BaseModel):
    """`{code, language}`: which report's thread to show."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, defer_build=True)

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


def _settings() -> Settings:
    try:
        return Settings.from_environment()
    except KeyError as error:
        raise Unavailable("settings_missing") from error


def _secret() -> str:
    try:
        return aws.secret(secret_id("FOLLOWUP_SECRET_ID"), _settings().region)
    except aws.SECRET_FAILURES as error:
        raise Unavailable("secret_unavailable") from error


def _s3() -> Any:
    return aws.clients(_settings().region).s3


def _bucket() -> str:
    return _settings().bucket


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


def _daily_messages() -> int:
    return int(os.environ.get("DAILY_MESSAGES_PER_CODE") or DEFAULT_DAILY_MESSAGES)


def _too_many(message: MessageIn, request: Request) -> Response[str]:
    """429: this code sent its day's messages. Said plainly, with the message kept in the form."""
    key = "followup.error.message.too_many"
    http_io.count("FollowupRejected", "reason", "too_many_messages")
    if request.form:
        page = followup_page.message_problem_page(
            key, message.code, message.message, request.language
        )
        return http_io.html_answer(429, page)
    return http_io.json_answer(429, _errors("message", "too_many", key, request.language))


def _find_report(code: str) -> str | None:
    return followup_store.find_report(_s3(), _bucket(), _secret(), code)


def _status_steps(s3: Any, report_id: str) -> list[tuple[str, datetime]]:
    """The child's view of the case state: received, read, in progress, handled, with days."""
    state = casestate.read(s3, _bucket(), report_id)
    received = followup_store.received_at(s3, _bucket(), report_id) or datetime.now(UTC)
    return retention.child_history(state, received)


@app.post(routes.FOLLOWUP_READ_PATH)
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
    settings = _settings()
    clients = aws.clients(settings.region)
    session, s3, key_arn = clients.session, clients.s3, settings.key_arn
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
            "status_history": [{"status": status, "at": utc_iso(at)} for status, at in steps],
            "replies": [{"date": utc_iso(sent), "text": reply} for sent, reply in replies],
            "messages": [{"date": utc_iso(sent)} for sent in messages],
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


@app.post(routes.FOLLOWUP_MESSAGES_PATH)
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
    settings = _settings()
    clients = aws.clients(settings.region)
    session, s3 = clients.session, clients.s3
    now = datetime.now(UTC)
    # Concurrent sends may pass together and exceed the limit by a few: a bound, not a count.
    if followup_store.messages_since(s3, _bucket(), report_id, now - _MESSAGES_WINDOW) >= (
        _daily_messages()
    ):
        logger.info("message refused", outcome="too_many_messages", report_id=report_id)
        return _too_many(message, request)
    entry = followup_store.store_entry(
        s3,
        _bucket(),
        "message",
        report_id,
        message.message,
        key_arn=settings.key_arn,
        botocore_session=session,
        now=now,
        metadata={"reference": reference_for(report_id), "language": message.language},
    )
    http_io.count("FollowupMessage", "outcome", "stored")
    logger.info("message stored", outcome="stored", report_id=report_id)
    if request.form:
        return http_io.html_answer(201, followup_page.sent_page(request.language))
    return http_io.json_answer(
        201, {"reference": reference_for(report_id), "date": utc_iso(entry.sent_at)}
    )


def _unknown_route(language: Language) -> Response[str]:
    return http_io.json_answer(
        404, _errors("request", "not_found", "error.request.not_found", language)
    )


def _log_failure(error: Exception) -> None:
    # Only the type: an exception's message might quote a code or a message.
    expected = (Unavailable, StorageUnavailable, EncryptionUnavailable, DecryptionFailed)
    logger.error(
        "follow-up failed",
        outcome="unavailable",
        error=type(error).__name__,
        expected=isinstance(error, expected),
    )


handle_errors(
    app,
    not_found=_unknown_route,
    unavailable=lambda language, form: _problem(503, "followup.error.unavailable", language, form),
    log_failure=_log_failure,
)
handler = entry(app, logger, metrics)
