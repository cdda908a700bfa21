"""The web inbox's sign-in (`reportdesk.inbox.signin.handler`): `/api/inbox/auth/*` passes the
page's steps on to Cognito (InitiateAuth, RespondToAuthChallenge, the authenticator set-up,
refresh, sign out), so the page talks to its own origin only and the site's CSP stays as it is.

This function has no AWS permissions at all (these Cognito calls need none) and never logs a
name, password, code or token: only the step and Cognito's error code.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from typing import Any, Final

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.core import routes
from reportdesk.runtime import http_io, origin

AUTH_PATH: Final = routes.INBOX_AUTH_PREFIX.rstrip("/")
_CLIENT_CONFIG: Final = Config(
    connect_timeout=3, read_timeout=8, retries={"mode": "standard", "max_attempts": 2}
)
# Cognito's error codes, as the page's words for them (the page has the texts).
_ERRORS: Final = {
    "NotAuthorizedException": (401, "sign_in_failed"),
    "UserNotFoundException": (401, "sign_in_failed"),
    "PasswordResetRequiredException": (401, "password_reset"),
    "CodeMismatchException": (401, "wrong_code"),
    "EnableSoftwareTokenMFAException": (401, "wrong_code"),
    "ExpiredCodeException": (401, "session_expired"),
    "InvalidPasswordException": (400, "weak_password"),
    "InvalidParameterException": (400, "bad_request"),
    "TooManyRequestsException": (429, "too_many"),
    "TooManyFailedAttemptsException": (429, "too_many"),
    "LimitExceededException": (429, "too_many"),
}
# The steps that are one Cognito call, by path: the page's fields (all required) under the names
# Cognito gives them. Starting a flow (InitiateAuth)...
_FLOWS: Final = {
    "start": ("USER_PASSWORD_AUTH", {"username": "USERNAME", "password": "PASSWORD"}),
    "refresh": ("REFRESH_TOKEN_AUTH", {"refresh_token": "REFRESH_TOKEN"}),
}
# ...or answering a challenge (RespondToAuthChallenge; the page sends the `session` too).
_ANSWERS: Final = {
    "totp": ("SOFTWARE_TOKEN_MFA", {"username": "USERNAME", "code": "SOFTWARE_TOKEN_MFA_CODE"}),
    "new-password": (
        "NEW_PASSWORD_REQUIRED",
        {"username": "USERNAME", "new_password": "NEW_PASSWORD"},
    ),
}
# A first sign-in's authenticator set-up: two calls (`mfa-setup`, `mfa-verify`).
MFA_SETUP: Final = "MFA_SETUP"
# The challenges the page can answer.
_STEPS: Final = (*(challenge for challenge, _ in _ANSWERS.values()), MFA_SETUP)

app = APIGatewayHttpResolver(debug=False)
# Only requests that came through CloudFront (and its WAF) reach a route.
app.use(middlewares=[origin.require_cloudfront])
logger = Logger(service="inbox-signin")


class BadRequest(Exception):
    pass


@functools.cache
def _cognito() -> Any:
    return boto3.client(
        "cognito-idp", region_name=os.environ["AWS_DEFAULT_REGION"], config=_CLIENT_CONFIG
    )


def _client_id() -> str:
    return os.environ["INBOX_CLIENT_ID"]


def _fields(*names: str) -> list[str]:
    try:
        data = json.loads(http_io.raw_body(app.current_event).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest from None
    values = [data.get(name) if isinstance(data, dict) else None for name in names]
    if not all(isinstance(v, str) and v and len(v) <= 4096 for v in values):
        raise BadRequest
    return [str(v) for v in values]


def _tokens(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "id_token": result["IdToken"],
        "access_token": result["AccessToken"],
        "refresh_token": result.get("RefreshToken"),
        "expires_in": result.get("ExpiresIn"),
    }


def _next(answer: dict[str, Any]) -> Response[str]:
    """Signed in (the tokens), or the next step Cognito asks for."""
    if "AuthenticationResult" in answer:
        return http_io.json_answer(200, {"tokens": _tokens(answer["AuthenticationResult"])})
    step = answer.get("ChallengeName")
    if step not in _STEPS:
        logger.warning("sign-in step not supported", step=str(step))
        return http_io.json_answer(501, {"error": "unsupported_step"})
    return http_io.json_answer(200, {"step": step, "session": answer["Session"]})


def _start(flow: str, parameters: dict[str, str]) -> Response[str]:
    answer = _cognito().initiate_auth(
        ClientId=_client_id(), AuthFlow=flow, AuthParameters=parameters
    )
    return _next(answer)


def _answer(challenge: str, session: str, responses: dict[str, str]) -> Response[str]:
    answer = _cognito().respond_to_auth_challenge(
        ClientId=_client_id(),
        ChallengeName=challenge,
        Session=session,
        ChallengeResponses=responses,
    )
    return _next(answer)


def _add_flow(path: str, flow: str, names: Mapping[str, str]) -> None:
    @app.post(f"{AUTH_PATH}/{path}")
    def start_flow() -> Response[str]:
        return _start(flow, dict(zip(names.values(), _fields(*names), strict=True)))


def _add_answer(path: str, challenge: str, names: Mapping[str, str]) -> None:
    @app.post(f"{AUTH_PATH}/{path}")
    def answer_challenge() -> Response[str]:
        session, *values = _fields("session", *names)
        return _answer(challenge, session, dict(zip(names.values(), values, strict=True)))


for _path, (_flow, _names) in _FLOWS.items():
    _add_flow(_path, _flow, _names)
for _path, (_challenge, _names) in _ANSWERS.items():
    _add_answer(_path, _challenge, _names)


@app.post(f"{AUTH_PATH}/mfa-setup")
def mfa_setup() -> Response[str]:
    """The authenticator app's secret for a first sign-in (shown once, never stored here)."""
    (session,) = _fields("session")
    answer = _cognito().associate_software_token(Session=session)
    return http_io.json_answer(200, {"secret": answer["SecretCode"], "session": answer["Session"]})


@app.post(f"{AUTH_PATH}/mfa-verify")
def mfa_verify() -> Response[str]:
    username, session, code = _fields("username", "session", "code")
    verified = _cognito().verify_software_token(
        Session=session, UserCode=code, FriendlyDeviceName="inbox"
    )
    return _answer(MFA_SETUP, verified["Session"], {"USERNAME": username})


@app.post(f"{AUTH_PATH}/sign-out")
def sign_out() -> Response[str]:
    """Ends every session of the person (GlobalSignOut) and revokes the refresh token."""
    access, refresh_token = _fields("access_token", "refresh_token")
    cognito = _cognito()
    calls: list[tuple[str, dict[str, str]]] = [
        ("global_sign_out", {"AccessToken": access}),
        ("revoke_token", {"Token": refresh_token, "ClientId": _client_id()}),
    ]
    for name, arguments in calls:
        try:
            getattr(cognito, name)(**arguments)
        except ClientError as error:
            # Already signed out or expired: the outcome the person asked for.
            logger.info("sign-out step refused", error=_code(error))
    return Response(status_code=204, body="", headers=http_io.NO_STORE)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@app.exception_handler(BadRequest)  # type: ignore[untyped-decorator]
def bad_request(_error: BadRequest) -> Response[str]:
    return http_io.json_answer(400, {"error": "bad_request"})


@app.exception_handler(ClientError)  # type: ignore[untyped-decorator]
def refused(error: ClientError) -> Response[str]:
    status, code = _ERRORS.get(_code(error), (503, "unavailable"))
    logger.info("sign-in step refused", error=_code(error))
    return http_io.json_answer(status, {"error": code})


@app.exception_handler(BotoCoreError)  # type: ignore[untyped-decorator]
def unreachable(error: BotoCoreError) -> Response[str]:
    logger.error("Cognito unreachable", error=type(error).__name__)
    return http_io.json_answer(503, {"error": "unavailable"})


@app.not_found
def no_route(_error: NotFoundError) -> Response[str]:
    return http_io.json_answer(404, {"error": "not_found"})


@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
