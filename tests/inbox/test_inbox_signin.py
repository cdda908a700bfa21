"""The sign-in function's steps, called as API Gateway calls it, against moto's Cognito (TOTP
codes checked): every path, status and body the page relies on. Sign-out is in
test_inbox_api.py (in-process moto has no RevokeToken)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from reportdesk.inbox import signin

from infra.local.events import LambdaContext, http_api_event, http_api_response
from infra.local_aws import REGION, UserPool, create_person, create_user_pool, fresh_totp_code

AUTH = "/api/inbox/auth"
FIRST_PASSWORD = "Temporary-password-1a"  # noqa: S105 -- moto's pool, in process
NEW_PASSWORD = "A-new-password-2b!"  # noqa: S105 -- moto's pool, in process
TOKEN_KEYS = {"id_token", "access_token", "refresh_token", "expires_in"}
# Every step and the fields it needs.
STEPS = {
    "start": ("username", "password"),
    "totp": ("username", "session", "code"),
    "new-password": ("username", "session", "new_password"),
    "mfa-setup": ("session",),
    "mfa-verify": ("username", "session", "code"),
    "refresh": ("refresh_token",),
    "sign-out": ("access_token", "refresh_token"),
}


@pytest.fixture
def pool(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[UserPool]:
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    created = create_user_pool(boto3.client("cognito-idp", region_name=REGION), "signin")
    monkeypatch.setenv("INBOX_CLIENT_ID", created.client_id)
    signin._cognito.cache_clear()
    yield created
    signin._cognito.cache_clear()


def step(name: str, body: Any, method: str = "POST") -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = [("content-type", "application/json")]
    event = http_api_event(method, f"{AUTH}/{name}", headers, data, "192.0.2.1")
    answer = http_api_response(signin.handler(event, LambdaContext("inbox-signin")))
    return answer.status, json.loads(answer.body) if answer.body else None


def invited(pool: UserPool) -> str:
    """A new person, as `make add-reader` makes them: a temporary password, no authenticator."""
    email = "new@example.org"
    boto3.client("cognito-idp", region_name=REGION).admin_create_user(
        UserPoolId=pool.pool_id,
        Username=email,
        TemporaryPassword=FIRST_PASSWORD,
        MessageAction="SUPPRESS",
    )
    return email


def enrolled(pool: UserPool) -> tuple[str, str, str]:
    email = "reader@example.org"
    password, secret = create_person(boto3.client("cognito-idp", region_name=REGION), pool, email)
    return email, password, secret


def test_a_first_sign_in_sets_a_password_and_an_authenticator(pool: UserPool) -> None:
    email = invited(pool)
    status, started = step("start", {"username": email, "password": FIRST_PASSWORD})
    assert (status, started["step"]) == (200, "NEW_PASSWORD_REQUIRED")
    status, renewed = step(
        "new-password",
        {"username": email, "session": started["session"], "new_password": NEW_PASSWORD},
    )
    assert (status, renewed["step"]) == (200, "MFA_SETUP")
    status, setup = step("mfa-setup", {"session": renewed["session"]})
    assert status == 200
    assert set(setup) == {"secret", "session"}
    status, verified = step(
        "mfa-verify",
        {"username": email, "session": setup["session"], "code": fresh_totp_code(setup["secret"])},
    )
    assert status == 200
    assert set(verified["tokens"]) == TOKEN_KEYS


def test_a_weak_new_password_is_refused(pool: UserPool) -> None:
    email = invited(pool)
    _, started = step("start", {"username": email, "password": FIRST_PASSWORD})
    answer = step(
        "new-password", {"username": email, "session": started["session"], "new_password": "a"}
    )
    assert answer == (400, {"error": "weak_password"})


def test_an_enrolled_person_signs_in_with_a_code_and_refreshes(pool: UserPool) -> None:
    email, password, secret = enrolled(pool)
    status, started = step("start", {"username": email, "password": password})
    assert (status, started["step"]) == (200, "SOFTWARE_TOKEN_MFA")
    status, answered = step(
        "totp", {"username": email, "session": started["session"], "code": fresh_totp_code(secret)}
    )
    assert status == 200
    tokens = answered["tokens"]
    assert set(tokens) == TOKEN_KEYS
    status, refreshed = step("refresh", {"refresh_token": tokens["refresh_token"]})
    assert status == 200
    assert set(refreshed["tokens"]) == TOKEN_KEYS


def test_a_wrong_code_is_refused(pool: UserPool) -> None:
    email, password, _secret = enrolled(pool)
    _, started = step("start", {"username": email, "password": password})
    answer = step("totp", {"username": email, "session": started["session"], "code": "000000"})
    assert answer == (401, {"error": "wrong_code"})


@pytest.mark.parametrize("name", STEPS)
def test_every_step_refuses_a_missing_field(pool: UserPool, name: str) -> None:
    fields = STEPS[name]
    for missing in fields:
        body = {field: "x" for field in fields if field != missing}
        assert step(name, body) == (400, {"error": "bad_request"})


@pytest.mark.parametrize("name", STEPS)
def test_every_step_refuses_a_body_that_is_not_json(pool: UserPool, name: str) -> None:
    assert step(name, b"not json") == (400, {"error": "bad_request"})


@pytest.mark.parametrize("name", STEPS)
def test_every_step_is_a_post(pool: UserPool, name: str) -> None:
    assert step(name, None, method="GET") == (404, {"error": "not_found"})


def test_an_unknown_step_is_not_found(pool: UserPool) -> None:
    assert step("forgot-password", {"username": "x"}) == (404, {"error": "not_found"})
