"""The intake Lambda (`reportdesk.intake.handler.handler`): HTTP in and out for
`POST /api/reports` and `GET /api/challenge` (reference guide, "Report API"); the work is in
`submission` and `challenge`, the plumbing in `reportdesk.runtime`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from typing import Any

from aws_lambda_powertools.event_handler import Response

from reportdesk.core import routes
from reportdesk.core.crypto import EncryptionUnavailable
from reportdesk.core.model import FieldError
from reportdesk.core.s3 import StorageUnavailable
from reportdesk.core.texts import Language, text
from reportdesk.followup import store as followup_store
from reportdesk.intake import challenge, submission
from reportdesk.intake import page as answer_page
from reportdesk.intake.submission import Invalid
from reportdesk.runtime import aws, http_io
from reportdesk.runtime.function import entry, handle_errors, http_function, language_of
from reportdesk.runtime.settings import Settings, region, secret_id

app, logger, metrics = http_function("intake")


def _secret_or_none(setting: str, unavailable: str) -> str | None:
    """The secret named in `setting` (refreshed every few minutes); None, with a warning, when it
    cannot be had."""
    try:
        return aws.secret(secret_id(setting), region())
    except aws.SECRET_FAILURES:
        logger.warning(unavailable, outcome="secret_unavailable")
        return None


def _challenge_secret() -> str | None:
    """The HMAC secret of the challenges."""
    return _secret_or_none("CHALLENGE_SECRET_ID", "challenge secret unavailable")


def _fingerprint_secret() -> str | None:
    """The key of the submission fingerprints: the follow-up secret, under its own label."""
    return _secret_or_none("FOLLOWUP_SECRET_ID", "fingerprint key unavailable")


def _followup_code(report_id: str) -> str | None:
    """A new private follow-up code for the report (only its HMAC is stored); None when the
    secret or the bucket cannot be used: the report itself is stored and stays accepted.
    """
    try:
        settings = Settings.from_environment()
        secret = aws.secret(secret_id("FOLLOWUP_SECRET_ID"), settings.region)
        s3 = aws.clients(settings.region).s3
        return followup_store.issue_code(s3, settings.bucket, secret, report_id)
    except (*aws.SECRET_FAILURES, StorageUnavailable) as error:
        logger.warning(
            "follow-up code not issued",
            outcome="followup_unavailable",
            report_id=report_id,
            error=type(error).__name__,
        )
        return None


def _storage() -> submission.Storage:
    settings = Settings.from_environment()
    clients = aws.clients(settings.region)
    return submission.Storage(
        s3=clients.s3,
        botocore_session=clients.session,
        bucket=settings.bucket,
        key_arn=settings.key_arn,
        challenge_secret=_challenge_secret,
        fingerprint_secret=_fingerprint_secret,
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


@app.post(routes.REPORTS_PATH)
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
        changed_retry=outcome.changed,
        code_given=outcome.code_allowed,
    )
    # A retry soon after the first store gets a new code (the child keeps the one it saw); later
    # the submission id no longer gives out codes, and the answer says none could be given.
    code = _followup_code(outcome.report_id) if outcome.code_allowed else None
    answer = replace(outcome.answer, followup_code=code)
    if form:
        contact_wanted = bool(report.contact and report.contact.wants_contact)
        page = answer_page.success_page(
            answer.reference, language, contact_wanted, answer.followup_code
        )
        return http_io.html_answer(201, page)
    return http_io.json_answer(201, asdict(answer))


@app.get(routes.CHALLENGE_PATH)
def get_challenge() -> Response[str]:
    secret = _challenge_secret()
    if secret is None:
        language = language_of(app)
        return http_io.json_answer(
            503, _errors_body([FieldError("request", "unavailable")], language)
        )
    return http_io.json_answer(200, challenge.new_challenge(secret, challenge.utc_now()))


def _not_found(language: Language) -> Response[str]:
    allowed = routes.INTAKE_ROUTES.get(app.current_event.path)
    if allowed is not None:
        _rejected(405, "method_not_allowed")
        body = _errors_body([FieldError("request", "method_not_allowed")], language)
        return http_io.json_answer(405, body, {"Allow": allowed})
    _rejected(404, "not_found")
    return http_io.json_answer(404, _errors_body([FieldError("request", "not_found")], language))


def _log_failure(error: Exception) -> None:
    logger.error("unexpected error", outcome="unavailable", error=type(error).__name__)


handle_errors(
    app,
    not_found=_not_found,
    unavailable=lambda language, form: _request_problem("unavailable", 503, language, form),
    log_failure=_log_failure,
)
handler = entry(app, logger, metrics)
