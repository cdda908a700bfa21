"""The web inbox Lambda (`reportdesk.inbox.handler.handler`): `/api/inbox/reports...` behind the
API Gateway JWT authorizer; the work is in `service`, who may call it in `auth`.
"""

from __future__ import annotations

import functools
import json
import os
from datetime import UTC, datetime
from typing import Any, Final

import boto3
import botocore.session
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.cases import actions as cases
from reportdesk.cases.audit import Actor
from reportdesk.cases.reports import CaseError, UnknownReport
from reportdesk.core import routes
from reportdesk.core.crypto import DecryptionFailed
from reportdesk.core.s3 import StorageUnavailable
from reportdesk.inbox import auth
from reportdesk.runtime import http_io, origin

REPORTS_PATH: Final = routes.INBOX_REPORTS_PATH
_CLIENT_CONFIG: Final = Config(
    connect_timeout=3, read_timeout=8, retries={"mode": "standard", "max_attempts": 3}
)
# API Gateway's own answer to a request its JWT authorizer refuses; ours is the same.
UNAUTHORIZED: Final = {"message": "Unauthorized"}

app = APIGatewayHttpResolver(debug=False)
# Only requests that came through CloudFront (and its WAF) reach a route.
app.use(middlewares=[origin.require_cloudfront])
logger = Logger(service="inbox")


@functools.cache
def _store() -> cases.Store:
    session = botocore.session.get_session()
    region = os.environ["AWS_DEFAULT_REGION"]
    s3 = boto3.Session(botocore_session=session, region_name=region).client(
        "s3", config=_CLIENT_CONFIG
    )
    return cases.Store(
        s3=s3,
        bucket=os.environ["REPORTS_BUCKET"],
        audit_bucket=os.environ["AUDIT_BUCKET"],
        key_arn=os.environ["KMS_KEY_ARN"],
        botocore_session=session,
        retention_days=int(os.environ.get("RETENTION_DAYS", "365")),
        postpone_days=int(os.environ.get("POSTPONE_DAYS", "90")),
    )


def _reader() -> Actor:
    return auth.reader(app.current_event.raw_event)


def _body() -> dict[str, Any]:
    try:
        data = json.loads(http_io.raw_body(app.current_event).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise cases.BadInput("the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise cases.BadInput("the body must be a JSON object")
    return data


def _now() -> datetime:
    return datetime.now(UTC)


@app.get(REPORTS_PATH)
def list_reports() -> Response[str]:
    _reader()
    return http_io.json_answer(200, {"reports": cases.list_reports(_store(), _now())})


@app.get(f"{REPORTS_PATH}/<reference>")
def open_report(reference: str) -> Response[str]:
    actor = _reader()
    opened = cases.open_report(_store(), reference, actor, _now())
    logger.info("report opened", action="open", reference=opened["reference"])
    return http_io.json_answer(200, opened)


@app.post(f"{REPORTS_PATH}/<reference>/replies")
def reply(reference: str) -> Response[str]:
    actor = _reader()
    at = cases.reply(_store(), reference, _body().get("message"), actor, _now())
    return http_io.json_answer(201, {"at": at})


@app.post(f"{REPORTS_PATH}/<reference>/status")
def status(reference: str) -> Response[str]:
    actor = _reader()
    case = cases.set_status(_store(), reference, _body().get("status"), actor, _now())
    return http_io.json_answer(200, {"case": case})


@app.post(f"{REPORTS_PATH}/<reference>/postpone")
def postpone(reference: str) -> Response[str]:
    actor = _reader()
    case = cases.postpone(_store(), reference, actor, _now())
    return http_io.json_answer(200, {"expires_on": case["expires_on"], "case": case})


@app.get(f"{REPORTS_PATH}/<reference>/export")
def export(reference: str) -> Response[str]:
    actor = _reader()
    text, name = cases.export(_store(), reference, actor, _now())
    return Response(
        status_code=200,
        content_type="text/plain; charset=utf-8",
        body=text,
        headers={**http_io.NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'},
    )


@app.delete(f"{REPORTS_PATH}/<reference>")
def delete(reference: str) -> Response[str]:
    actor = _reader()
    cases.delete(_store(), reference, _body().get("confirm"), actor, _now())
    return Response(status_code=204, body="", headers=http_io.NO_STORE)


def _error(status: int, code: str, message: str) -> Response[str]:
    return http_io.json_answer(status, {"error": code, "message": message})


@app.exception_handler(auth.NotSignedIn)  # type: ignore[untyped-decorator]
def not_signed_in(_error_: auth.NotSignedIn) -> Response[str]:
    return http_io.json_answer(401, UNAUTHORIZED)


@app.exception_handler(auth.NotAReader)  # type: ignore[untyped-decorator]
def not_a_reader(_error_: auth.NotAReader) -> Response[str]:
    return _error(403, "forbidden", "this account may not read reports (not in readers)")


@app.exception_handler(UnknownReport)  # type: ignore[untyped-decorator]
def unknown(_error_: UnknownReport) -> Response[str]:
    return _error(404, "not_found", "no report has this reference")


@app.exception_handler(cases.BadInput)  # type: ignore[untyped-decorator]
def bad_input(error: cases.BadInput) -> Response[str]:
    return _error(400, "bad_request", str(error))


@app.exception_handler(cases.Conflict)  # type: ignore[untyped-decorator]
def conflict(error: cases.Conflict) -> Response[str]:
    return _error(409, "conflict", str(error))


@app.not_found
def no_route(_error_: NotFoundError) -> Response[str]:
    return _error(404, "not_found", "no such route")


@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def unexpected(error: Exception) -> Response[str]:
    # Only the type: a message might quote report content. A report that cannot be decrypted or
    # trusted (CaseError) is logged as expected, as DecryptionFailed always was.
    expected = isinstance(
        error, StorageUnavailable | DecryptionFailed | CaseError | BotoCoreError | ClientError
    )
    logger.error("inbox failed", error=type(error).__name__, expected=expected)
    return _error(503, "unavailable", "the reports cannot be reached now; try again later")


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
