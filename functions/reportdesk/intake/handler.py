"""The intake Lambda (`reportdesk.intake.handler`): HTTP in and out for `POST /api/reports` and
`GET /api/challenge` (README, "Report API"); the work is in `submission` and `challenge`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any, Final

import boto3
import botocore.session
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.core.crypto import EncryptionUnavailable
from reportdesk.core.model import FieldError
from reportdesk.core.texts import Language, text
from reportdesk.followup import store as followup_store
from reportdesk.intake import challenge, submission
from reportdesk.intake import page as answer_page
from reportdesk.intake.storage import StorageUnavailable
from reportdesk.intake.submission import Invalid
from reportdesk.runtime import http_io

REPORTS_PATH: Final = "/api/reports"
CHALLENGE_PATH: Final = "/api/challenge"
_ALLOWED: Final = {REPORTS_PATH: "POST", CHALLENGE_PATH: "GET"}
# Short timeouts: API Gateway gives up after 30 s, and a 503 lets the page ask the child to retry.
_CLIENT_CONFIG: Final = Config(
    connect_timeout=3, read_timeout=8, retries={"mode": "standard", "max_attempts": 3}
)

# debug=False and log_event=False explicitly: the environment must never turn on event printing.
app = APIGatewayHttpResolver(debug=False)
logger = Logger(service="intake")
# This instance only publishes ColdStart; ReportAccepted and ReportRejected each go out on their
# own (`http_io.count`) so their dimensions never mix.
metrics = Metrics(namespace=http_io.METRICS_NAMESPACE, service="intake")


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


def _errors_body(errors: Sequence[FieldError], language: Language) -> dict[str, Any]:
    return {
        "errors": [
            {"field": e.field, "code": e.code, "message": text(e.text_key, language)}
            for e in errors
        ]
    }


def _rejected(status: int, reason: str, **fields: Any) -> None:
    http_io.count("ReportRejected", "reason", reason)
    logger.info("report rejected", outcome="rejected", status=status, reason=reason, **fields)


def _request_problem(code: str, status: int, language: Language, form: bool) -> Response[str]:
    """400, 413, 415, 503: one message about the whole request; nothing was stored."""
    _rejected(status, code)
    if form and status != 415:
        return http_io.html_answer(status, answer_page.problem_page(code, language))
    return http_io.json_answer(status, _errors_body([FieldError("request", code)], language))


@app.post(REPORTS_PATH)
def post_report() -> Response[str]:
    request = http_io.read_request(app.current_event)
    if isinstance(request, http_io.Unreadable):
        problem = request.problem
        return _request_problem(problem.code, problem.status, request.language, request.form)
    language, form = request.language, request.form
    report = submission.validate(request.data)
    if isinstance(report, Invalid):
        _rejected(422, "invalid", errors=[f"{e.field}.{e.code}" for e in report.errors])
        if form:
            return http_io.html_answer(422, answer_page.invalid_page(report.errors, language))
        return http_io.json_answer(422, _errors_body(report.errors, language))
    try:
        outcome = submission.accept(report, _storage(), challenge.utc_now())
    except (EncryptionUnavailable, StorageUnavailable) as error:
        logger.error("report not stored", outcome="unavailable", error=type(error).__name__)
        return _request_problem("unavailable", 503, language, form)
    http_io.count("ReportAccepted", "triage", outcome.triage)
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
        return http_io.html_answer(201, page)
    return http_io.json_answer(201, asdict(answer))


@app.get(CHALLENGE_PATH)
def get_challenge() -> Response[str]:
    secret = _challenge_secret()
    if secret is None:
        language = submission.preferred_language(app.current_event.headers.get("accept-language"))
        return http_io.json_answer(
            503, _errors_body([FieldError("request", "unavailable")], language)
        )
    return http_io.json_answer(200, challenge.new_challenge(secret, challenge.utc_now()))


@app.not_found
def not_found(_error: NotFoundError) -> Response[str]:
    language = submission.preferred_language(app.current_event.headers.get("accept-language"))
    allowed = _ALLOWED.get(app.current_event.path)
    if allowed is not None:
        _rejected(405, "method_not_allowed")
        body = _errors_body([FieldError("request", "method_not_allowed")], language)
        return http_io.json_answer(405, body, {"Allow": allowed})
    _rejected(404, "not_found")
    return http_io.json_answer(404, _errors_body([FieldError("request", "not_found")], language))


# Powertools leaves this decorator untyped; the function itself is fully typed.
@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def unexpected(error: Exception) -> Response[str]:
    # Only the type: an exception's message might quote what the child wrote.
    logger.error("unexpected error", outcome="unavailable", error=type(error).__name__)
    language = submission.preferred_language(app.current_event.headers.get("accept-language"))
    form = http_io.is_form(app.current_event)
    return _request_problem("unavailable", 503, language, form)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
