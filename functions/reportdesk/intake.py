"""The intake Lambda (`reportdesk.intake.handler`): HTTP in and out for `POST /api/reports` and
`GET /api/challenge` (README, "Report API"); the work is in `submission` and `challenge`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any, Final

import boto3
import botocore.session
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from reportdesk import answer_page, challenge, followup_store, submission
from reportdesk.crypto import EncryptionUnavailable
from reportdesk.model import FieldError
from reportdesk.storage import StorageUnavailable
from reportdesk.submission import FORM_TYPE, Invalid, RequestProblem
from reportdesk.texts import Language, text

REPORTS_PATH: Final = "/api/reports"
CHALLENGE_PATH: Final = "/api/challenge"
_ALLOWED: Final = {REPORTS_PATH: "POST", CHALLENGE_PATH: "GET"}
_JSON: Final = "application/json; charset=utf-8"
_HTML: Final = "text/html; charset=utf-8"
# Answers hold a child's reference or a fresh challenge: never cache them, not even privately.
_NO_STORE: Final = {"Cache-Control": "no-store"}
# Short timeouts: API Gateway gives up after 30 s, and a 503 lets the page ask the child to retry.
_CLIENT_CONFIG: Final = Config(
    connect_timeout=3, read_timeout=8, retries={"mode": "standard", "max_attempts": 3}
)

# debug=False and log_event=False explicitly: the environment must never turn on event printing.
app = APIGatewayHttpResolver(debug=False)
logger = Logger(service="intake")
METRICS_NAMESPACE: Final = "Reportdesk"
# This instance only publishes ColdStart; ReportAccepted and ReportRejected each go out on their
# own (`_count`) so their dimensions never mix.
metrics = Metrics(namespace=METRICS_NAMESPACE, service="intake")


@functools.cache
def _clients(region: str) -> tuple[Any, Any, Any]:
    """The botocore session and the S3 and Secrets Manager clients, made once per container."""
    session = botocore.session.get_session()
    boto = boto3.Session(botocore_session=session, region_name=region)
    s3 = boto.client("s3", config=_CLIENT_CONFIG)
    secrets = boto.client("secretsmanager", config=_CLIENT_CONFIG)
    return session, s3, secrets


@functools.cache
def _secret(secret_id: str, region: str) -> str:
    value = _clients(region)[2].get_secret_value(SecretId=secret_id)["SecretString"]
    return str(value)


def _challenge_secret() -> str | None:
    """The HMAC secret of the challenges, fetched once per container; None when unavailable."""
    try:
        return _secret(os.environ["CHALLENGE_SECRET_ID"], os.environ["AWS_DEFAULT_REGION"])
    except (BotoCoreError, ClientError, KeyError):
        logger.warning("challenge secret unavailable", outcome="secret_unavailable")
        return None


def _followup_code(report_id: str) -> str | None:
    """A new private follow-up code for the report (only its HMAC is stored); None when the
    secret or the bucket cannot be used: the report itself is stored and stays accepted.
    """
    try:
        region = os.environ["AWS_DEFAULT_REGION"]
        secret = _secret(os.environ["FOLLOWUP_SECRET_ID"], region)
        s3 = _clients(region)[1]
        return followup_store.issue_code(s3, os.environ["REPORTS_BUCKET"], secret, report_id)
    except (BotoCoreError, ClientError, KeyError, StorageUnavailable) as error:
        logger.warning(
            "follow-up code not issued",
            outcome="followup_unavailable",
            report_id=report_id,
            error=type(error).__name__,
        )
        return None


def _storage() -> submission.Storage:
    session, s3, _secrets = _clients(os.environ["AWS_DEFAULT_REGION"])
    return submission.Storage(
        s3=s3,
        botocore_session=session,
        bucket=os.environ["REPORTS_BUCKET"],
        key_arn=os.environ["KMS_KEY_ARN"],
        challenge_secret=_challenge_secret,
    )


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[str]:
    return Response(
        status_code=status,
        content_type=_JSON,
        body=json.dumps(body, ensure_ascii=False),
        headers={**_NO_STORE, **(headers or {})},
    )


def _html(status: int, page: str) -> Response[str]:
    return Response(status_code=status, content_type=_HTML, body=page, headers=_NO_STORE)


def _errors_body(errors: Sequence[FieldError], language: Language) -> dict[str, Any]:
    return {
        "errors": [
            {"field": e.field, "code": e.code, "message": text(e.text_key, language)}
            for e in errors
        ]
    }


def _count(metric: str, dimension: str, value: str) -> None:
    with single_metric(
        name=metric, unit=MetricUnit.Count, value=1, namespace=METRICS_NAMESPACE
    ) as single:
        single.add_dimension(name=dimension, value=value)


def _rejected(status: int, reason: str, **fields: Any) -> None:
    _count("ReportRejected", "reason", reason)
    logger.info("report rejected", outcome="rejected", status=status, reason=reason, **fields)


def _request_problem(code: str, status: int, language: Language, form: bool) -> Response[str]:
    """400, 413, 415, 503: one message about the whole request; nothing was stored."""
    _rejected(status, code)
    if form and status != 415:
        return _html(status, answer_page.problem_page(code, language))
    return _json(status, _errors_body([FieldError("request", code)], language))


def _raw_body() -> bytes:
    event = app.current_event
    body = event.body or ""
    if event.is_base64_encoded:
        try:
            return base64.b64decode(body, validate=True)
        except binascii.Error:
            return b"\xff"  # not UTF-8: answered as a malformed request
    return body.encode("utf-8", "surrogatepass")


@app.post(REPORTS_PATH)
def post_report() -> Response[str]:
    headers = app.current_event.headers
    content_type = headers.get("content-type")
    form = submission.media_type(content_type) == FORM_TYPE
    language = submission.preferred_language(headers.get("accept-language"))
    try:
        data = submission.read_body(_raw_body(), content_type)
    except RequestProblem as problem:
        return _request_problem(problem.code, problem.status, language, form)
    language = submission.answer_language(data, language)
    report = submission.validate(data)
    if isinstance(report, Invalid):
        _rejected(422, "invalid", errors=[f"{e.field}.{e.code}" for e in report.errors])
        if form:
            return _html(422, answer_page.invalid_page(report.errors, language))
        return _json(422, _errors_body(report.errors, language))
    try:
        outcome = submission.accept(report, _storage(), challenge.utc_now())
    except (EncryptionUnavailable, StorageUnavailable) as error:
        logger.error("report not stored", outcome="unavailable", error=type(error).__name__)
        return _request_problem("unavailable", 503, language, form)
    _count("ReportAccepted", "triage", outcome.triage)
    logger.info(
        "report accepted",
        outcome="accepted",
        report_id=outcome.report_id,
        triage=outcome.triage,
        triage_reason=outcome.triage_reason,
        newly_stored=outcome.created,
    )
    # Every accepted answer, a retry's too, gets its own new code: the child keeps the one it saw.
    answer = replace(outcome.answer, followup_code=_followup_code(outcome.report_id))
    if form:
        contact_wanted = bool(report.contact and report.contact.wants_contact)
        page = answer_page.success_page(
            answer.reference, language, contact_wanted, answer.followup_code
        )
        return _html(201, page)
    return _json(201, asdict(answer))


@app.get(CHALLENGE_PATH)
def get_challenge() -> Response[str]:
    secret = _challenge_secret()
    if secret is None:
        language = submission.preferred_language(app.current_event.headers.get("accept-language"))
        return _json(503, _errors_body([FieldError("request", "unavailable")], language))
    return _json(200, challenge.new_challenge(secret, challenge.utc_now()))


@app.not_found
def not_found(_error: NotFoundError) -> Response[str]:
    language = submission.preferred_language(app.current_event.headers.get("accept-language"))
    allowed = _ALLOWED.get(app.current_event.path)
    if allowed is not None:
        _rejected(405, "method_not_allowed")
        body = _errors_body([FieldError("request", "method_not_allowed")], language)
        return _json(405, body, {"Allow": allowed})
    _rejected(404, "not_found")
    return _json(404, _errors_body([FieldError("request", "not_found")], language))


# Powertools leaves this decorator untyped; the function itself is fully typed.
@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def unexpected(error: Exception) -> Response[str]:
    # Only the type: an exception's message might quote what the child wrote.
    logger.error("unexpected error", outcome="unavailable", error=type(error).__name__)
    language = submission.preferred_language(app.current_event.headers.get("accept-language"))
    form = submission.media_type(app.current_event.headers.get("content-type")) == FORM_TYPE
    return _request_problem("unavailable", 503, language, form)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
