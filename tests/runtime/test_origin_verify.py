"""Origin verify (issue 16, item 3): the HTTP functions answer only requests carrying the secret
header CloudFront adds; a direct call to the execute-api address gets 403."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from reportdesk.runtime.origin import HEADER, MAX_AGE_SECONDS, SETTING, OriginSecret

from infra.local_aws import Resources


@dataclass(frozen=True)
class LambdaContext:
    function_name: str = "api"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:api"
    aws_request_id: str = "00000000-0000-4000-8000-000000000000"


def event(method: str, path: str, headers: dict[str, str], body: str | None = None) -> Any:
    """An API Gateway HTTP API (payload 2.0) event; header names in lower case, as AWS gives."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {name.lower(): value for name, value in headers.items()},
        "requestContext": {
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "::1"},
            "requestId": "req",
            "routeKey": "$default",
            "stage": "$default",
        },
        "body": body,
        "isBase64Encoded": False,
    }


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


# --- the check --------------------------------------------------------------------------------


def fixed(current: str, previous: str | None = None) -> Any:
    stages = {"AWSCURRENT": current, "AWSPREVIOUS": previous}
    return lambda _secret_id, stage: stages[stage]


def test_request_without_the_header_is_refused() -> None:
    assert not OriginSecret("id", fixed("right")).allows({})


def test_request_with_a_wrong_value_is_refused() -> None:
    assert not OriginSecret("id", fixed("right")).allows({HEADER.lower(): "wrong"})


def test_current_and_previous_values_are_accepted_during_a_rotation() -> None:
    secret = OriginSecret("id", fixed("new", previous="old"))
    assert secret.allows({HEADER.lower(): "new"})
    assert secret.allows({HEADER.lower(): "old"})


def test_a_rotation_is_seen_after_the_cache_lifetime() -> None:
    clock = Clock()
    stages = {"AWSCURRENT": "one", "AWSPREVIOUS": None}
    secret = OriginSecret("id", lambda _id, stage: stages[stage], clock)
    assert secret.allows({HEADER.lower(): "one"})
    stages.update(AWSCURRENT="two", AWSPREVIOUS="one")
    assert not secret.allows({HEADER.lower(): "two"})
    clock.now += MAX_AGE_SECONDS
    assert secret.allows({HEADER.lower(): "two"})


def test_last_known_values_stay_in_use_when_secrets_manager_fails() -> None:
    clock = Clock()
    answers: list[str | Exception] = ["right"]

    def fetch(_secret_id: str, stage: str) -> str | None:
        if stage == "AWSPREVIOUS":
            return None
        answer = answers[-1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    secret = OriginSecret("id", fetch, clock)
    assert secret.allows({HEADER.lower(): "right"})
    answers.append(EndpointConnectionError(endpoint_url="https://secretsmanager"))
    clock.now += MAX_AGE_SECONDS
    assert secret.allows({HEADER.lower(): "right"})
    assert not secret.allows({HEADER.lower(): "wrong"})


def test_check_stays_open_when_no_value_could_ever_be_read() -> None:
    # A Secrets Manager outage at a cold start must not lock children out of the form.
    def fetch(_secret_id: str, _stage: str) -> str | None:
        raise EndpointConnectionError(endpoint_url="https://secretsmanager")

    assert OriginSecret("id", fetch).allows({})


# --- the functions ----------------------------------------------------------------------------


@pytest.fixture
def origin_value(resources: Resources, monkeypatch: pytest.MonkeyPatch) -> str:
    """The functions run with ORIGIN_VERIFY_SECRET_ID, as deployed; returns the header value."""
    value = uuid.uuid4().hex
    secrets = boto3.client("secretsmanager", region_name=resources.region)
    arn = secrets.create_secret(Name=f"origin-{uuid.uuid4().hex}", SecretString=value)["ARN"]
    monkeypatch.setenv(SETTING, arn)
    return value


def intake(method: str, path: str, headers: dict[str, str]) -> dict[str, Any]:
    from reportdesk.intake import handler

    result: dict[str, Any] = handler.handler(event(method, path, headers), LambdaContext())
    return result


def test_direct_call_to_the_intake_gets_403(origin_value: str) -> None:
    answer = intake("GET", "/api/challenge", {})
    assert answer["statusCode"] == 403
    assert json.loads(answer["body"]) == {"errors": [{"field": "request", "code": "forbidden"}]}


def test_direct_call_with_a_wrong_value_gets_403(origin_value: str) -> None:
    assert intake("GET", "/api/challenge", {HEADER: "guess"})["statusCode"] == 403


def test_call_through_cloudfront_reaches_the_intake(origin_value: str) -> None:
    assert intake("GET", "/api/challenge", {HEADER: origin_value})["statusCode"] == 200


def test_direct_call_to_the_followup_gets_403(origin_value: str) -> None:
    from reportdesk.followup import handler

    body = json.dumps({"code": "ABCD-EFGH-JKMN"})
    headers = {"content-type": "application/json"}
    answer = handler.handler(event("POST", "/api/followup/read", headers, body), LambdaContext())
    assert answer["statusCode"] == 403


def test_both_values_work_while_cloudfront_moves_to_a_new_one(
    origin_value: str, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    secrets = boto3.client("secretsmanager", region_name=resources.region)
    secrets.put_secret_value(SecretId=os.environ[SETTING], SecretString="rotated-value")
    assert intake("GET", "/api/challenge", {HEADER: origin_value})["statusCode"] == 200
    assert intake("GET", "/api/challenge", {HEADER: "rotated-value"})["statusCode"] == 200


def test_without_the_setting_the_check_is_off(resources: Resources) -> None:
    # The local stack and the other tests: no CloudFront in front, no header.
    assert intake("GET", "/api/challenge", {})["statusCode"] == 200
