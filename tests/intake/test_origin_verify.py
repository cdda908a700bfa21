"""The origin-verify header: with `ORIGIN_VERIFY_SECRET_ID` set, only requests carrying the secret
CloudFront adds reach the intake and follow-up functions; direct calls get 403."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from reportdesk.core.texts import text

from infra.local_aws import Resources
from tests.intake.conftest import Invoke, LambdaContext, http_event

SECRET = "cloudfront-only-7f9c2d1e8b"  # noqa: S105 (a test value)


@pytest.fixture
def origin_secret(resources: Resources, monkeypatch: pytest.MonkeyPatch) -> str:
    created = boto3.client("secretsmanager").create_secret(
        Name="test/origin-verify", SecretString=SECRET
    )
    monkeypatch.setenv("ORIGIN_VERIFY_SECRET_ID", created["ARN"])
    return SECRET


REPORT = json.dumps({"language": "en", "message": "Someone at camp keeps hurting me."})


@pytest.mark.usefixtures("origin_secret")
@pytest.mark.parametrize("sent", [None, "", "wrong-value", SECRET[:-1], SECRET + "x"])
def test_a_report_without_the_right_origin_header_is_403_and_not_stored(
    invoke: Invoke, sent: str | None
) -> None:
    headers = {"content-type": "application/json", "accept-language": "en"}
    if sent is not None:
        headers["x-origin-verify"] = sent
    answer = invoke("POST", "/api/reports", REPORT, headers)
    assert answer.status == 403
    [error] = answer.json()["errors"]
    assert (error["field"], error["code"]) == ("request", "forbidden")
    assert error["message"] == text("error.request.forbidden", "en")
    assert answer.headers["Cache-Control"] == "no-store"
    listing = boto3.client("s3").list_objects_v2(Bucket="local-reports", Prefix="reports/")
    assert listing.get("KeyCount", 0) == 0


def test_a_report_with_the_origin_header_is_stored(invoke: Invoke, origin_secret: str) -> None:
    headers = {"content-type": "application/json", "x-origin-verify": origin_secret}
    assert invoke("POST", "/api/reports", REPORT, headers).status == 201


def test_the_challenge_also_needs_the_origin_header(invoke: Invoke, origin_secret: str) -> None:
    assert invoke("GET", "/api/challenge").status == 403
    assert invoke("GET", "/api/challenge", None, {"x-origin-verify": origin_secret}).status == 200


def test_the_follow_up_function_checks_the_origin_header_too(origin_secret: str) -> None:
    from reportdesk.followup import handler as followup

    body = json.dumps({"code": "AAAA-BBBB-CCCC", "language": "nl"})

    def post(headers: dict[str, str]) -> Any:
        event = http_event(
            "POST", "/api/followup/read", body, {"content-type": "application/json", **headers}
        )
        return followup.handler(event, LambdaContext(function_name="followup"))["statusCode"]

    assert post({}) == 403
    assert post({"x-origin-verify": origin_secret}) == 404


def test_without_the_setting_the_check_is_off(invoke: Invoke) -> None:
    assert invoke("GET", "/api/challenge").status == 200
