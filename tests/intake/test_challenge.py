"""Anti-abuse triage (issue 6, server side): GET /api/challenge, then every outcome of the proof of
work, the honeypot and the fill time. Every report is stored and answered 201 alike.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from reportdesk.intake import challenge
from reportdesk.runtime import aws

from infra.local_aws import Resources
from tests.intake.conftest import Answer, Bucket, Invoke, Telemetry

PostJson = Callable[..., Answer]
START = datetime(2026, 11, 28, 15, 0, tzinfo=UTC)


class Clock:
    """The function's clock, moved by the tests (time of challenge issue vs. time of sending)."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock()
    monkeypatch.setattr(challenge, "utc_now", fake)
    yield fake


def solve(issued: dict[str, Any]) -> dict[str, Any]:
    """What the page's solver sends: the number whose SHA-256 with the salt is the challenge."""
    for number in range(issued["maxNumber"] + 1):
        digest = hashlib.sha256(f"{issued['salt']}{number}".encode()).hexdigest()
        if digest == issued["challenge"]:
            return {
                "algorithm": issued["algorithm"],
                "challenge": issued["challenge"],
                "number": number,
                "salt": issued["salt"],
                "signature": issued["signature"],
            }
    raise AssertionError("challenge has no solution")


def encode(payload: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(payload).encode()).decode()


def fetch_challenge(invoke: Invoke) -> dict[str, Any]:
    answer = invoke("GET", "/api/challenge")
    assert answer.status == 200
    issued: dict[str, Any] = answer.json()
    return issued


def send(post_json: PostJson, **fields: Any) -> Answer:
    report = {
        "submission_id": str(uuid.uuid4()),
        "language": "nl",
        "message": "Op het kamp werd ik uitgelachen en geduwd.",
        **fields,
    }
    return post_json(report)


def triage_of(bucket: Bucket, answer: Answer) -> str:
    assert answer.status == 201
    reference = answer.json()["reference"]
    for key in bucket.report_keys():
        metadata = bucket.head(key)["Metadata"]
        if metadata["reference"] == reference:
            assert bucket.decrypt(key)["triage"] == metadata["triage"]
            return str(metadata["triage"])
    raise AssertionError("report not stored")


@pytest.fixture
def solved(invoke: Invoke, clock: Clock) -> str:
    """A correctly solved challenge, as the page sends it after a person filled in the form."""
    payload = encode(solve(fetch_challenge(invoke)))
    clock.advance(seconds=challenge.MIN_FILL_SECONDS + 30)
    return payload


def test_challenge_is_signed_expires_in_ten_minutes_and_carries_its_issue_time(
    invoke: Invoke, clock: Clock
) -> None:
    answer = invoke("GET", "/api/challenge")
    assert answer.headers["Cache-Control"] == "no-store"
    issued = answer.json()
    assert set(issued) == {"algorithm", "challenge", "maxNumber", "salt", "signature"}
    assert issued["algorithm"] == "SHA-256"
    assert issued["maxNumber"] == challenge.MAX_NUMBER
    assert f"expires={int((START + timedelta(minutes=10)).timestamp())}&" in issued["salt"]
    assert f"issued={int(START.timestamp())}&" in issued["salt"]


def test_each_challenge_is_new(invoke: Invoke, clock: Clock) -> None:
    assert fetch_challenge(invoke)["challenge"] != fetch_challenge(invoke)["challenge"]


def test_valid_solution_is_verified(post_json: PostJson, bucket: Bucket, solved: str) -> None:
    assert triage_of(bucket, send(post_json, altcha=solved)) == "verified"


def test_no_solution_is_unverified(post_json: PostJson, bucket: Bucket) -> None:
    assert triage_of(bucket, send(post_json)) == "unverified"


def test_empty_altcha_field_is_unverified(post_json: PostJson, bucket: Bucket) -> None:
    assert triage_of(bucket, send(post_json, altcha="")) == "unverified"


def test_expired_solution_is_suspected_spam(
    invoke: Invoke, post_json: PostJson, bucket: Bucket, clock: Clock
) -> None:
    payload = encode(solve(fetch_challenge(invoke)))
    clock.advance(minutes=10, seconds=1)
    assert triage_of(bucket, send(post_json, altcha=payload)) == "suspected_spam"


def test_solution_just_before_expiry_is_verified(
    invoke: Invoke, post_json: PostJson, bucket: Bucket, clock: Clock
) -> None:
    payload = encode(solve(fetch_challenge(invoke)))
    clock.advance(minutes=9, seconds=59)
    assert triage_of(bucket, send(post_json, altcha=payload)) == "verified"


def test_forged_signature_is_suspected_spam(
    invoke: Invoke, post_json: PostJson, bucket: Bucket, clock: Clock
) -> None:
    solution = solve(fetch_challenge(invoke))
    solution["signature"] = hashlib.sha256(b"not the secret").hexdigest()
    clock.advance(seconds=30)
    assert triage_of(bucket, send(post_json, altcha=encode(solution))) == "suspected_spam"


def test_challenge_made_with_another_secret_is_suspected_spam(
    post_json: PostJson, bucket: Bucket, clock: Clock
) -> None:
    own = challenge.new_challenge("a secret the attacker chose", START)
    clock.advance(seconds=30)
    payload = encode(solve(own))
    assert triage_of(bucket, send(post_json, altcha=payload)) == "suspected_spam"


def test_wrong_number_is_suspected_spam(
    invoke: Invoke, post_json: PostJson, bucket: Bucket, clock: Clock
) -> None:
    solution = solve(fetch_challenge(invoke))
    solution["number"] += 1
    clock.advance(seconds=30)
    assert triage_of(bucket, send(post_json, altcha=encode(solution))) == "suspected_spam"


def test_prolonged_expiry_in_the_salt_is_suspected_spam(
    invoke: Invoke, post_json: PostJson, bucket: Bucket, clock: Clock
) -> None:
    solution = solve(fetch_challenge(invoke))
    later = int((START + timedelta(days=1)).timestamp())
    solution["salt"] = solution["salt"].replace("expires=", f"expires={later}&old=")
    clock.advance(minutes=11)
    assert triage_of(bucket, send(post_json, altcha=encode(solution))) == "suspected_spam"


def test_replayed_solution_is_suspected_spam(
    post_json: PostJson, bucket: Bucket, solved: str
) -> None:
    assert triage_of(bucket, send(post_json, altcha=solved)) == "verified"
    assert triage_of(bucket, send(post_json, altcha=solved)) == "suspected_spam"


def test_used_challenge_is_recorded_under_challenges_prefix(
    post_json: PostJson, bucket: Bucket, solved: str
) -> None:
    send(post_json, altcha=solved)
    used = json.loads(base64.b64decode(solved))["challenge"]
    key = f"challenges/{hashlib.sha256(used.encode()).hexdigest()}"
    head = bucket.s3.head_object(Bucket=bucket.resources.reports_bucket, Key=key)
    assert head["ContentLength"] == 0


def test_retry_of_the_same_submission_with_its_solution_stays_verified(
    post_json: PostJson, bucket: Bucket, solved: str
) -> None:
    submission_id = str(uuid.uuid4())
    first = send(post_json, altcha=solved, submission_id=submission_id)
    second = send(post_json, altcha=solved, submission_id=submission_id)
    assert first.json()["reference"] == second.json()["reference"]
    assert triage_of(bucket, first) == "verified"
    assert len(bucket.report_versions()) == 1


def test_filled_honeypot_is_suspected_spam_even_with_a_valid_solution(
    post_json: PostJson, bucket: Bucket, solved: str
) -> None:
    answer = send(post_json, altcha=solved, website="https://cheap-pills.example")
    assert triage_of(bucket, answer) == "suspected_spam"


def test_filled_honeypot_without_solution_is_suspected_spam(
    post_json: PostJson, bucket: Bucket
) -> None:
    answer = send(post_json, website="https://cheap-pills.example")
    assert triage_of(bucket, answer) == "suspected_spam"


def test_sent_faster_than_the_minimum_fill_time_is_suspected_spam(
    invoke: Invoke, post_json: PostJson, bucket: Bucket, clock: Clock
) -> None:
    payload = encode(solve(fetch_challenge(invoke)))
    clock.advance(seconds=challenge.MIN_FILL_SECONDS - 1)
    assert triage_of(bucket, send(post_json, altcha=payload)) == "suspected_spam"


@pytest.mark.parametrize(
    "altcha", ["not base64 at all!", encode({"number": 1}), base64.b64encode(b"[1, 2]").decode()]
)
def test_malformed_proof_is_suspected_spam(
    post_json: PostJson, bucket: Bucket, altcha: str
) -> None:
    assert triage_of(bucket, send(post_json, altcha=altcha)) == "suspected_spam"


def test_every_triage_gets_the_same_kind_of_answer(
    post_json: PostJson, bucket: Bucket, solved: str
) -> None:
    answers = [
        send(post_json, altcha=solved),
        send(post_json),
        send(post_json, website="filled-in-by-a-bot"),
    ]
    assert [triage_of(bucket, answer) for answer in answers] == [
        "verified",
        "unverified",
        "suspected_spam",
    ]
    assert {answer.status for answer in answers} == {201}
    assert len({tuple(sorted(answer.json())) for answer in answers}) == 1
    assert len({json.dumps(answer.headers, sort_keys=True) for answer in answers}) == 1


def test_unavailable_secret_makes_challenge_503_and_reports_unverified(
    invoke: Invoke, post_json: PostJson, bucket: Bucket, resources: Resources, clock: Clock
) -> None:
    issued = challenge.new_challenge("whatever", START)
    boto3.client("secretsmanager").delete_secret(
        SecretId=resources.challenge_secret_id, ForceDeleteWithoutRecovery=True
    )
    assert invoke("GET", "/api/challenge").status == 503
    clock.advance(seconds=30)
    answer = send(post_json, altcha=encode(solve(issued)))
    assert triage_of(bucket, answer) == "unverified"


def test_challenge_secret_never_appears_in_answers_or_logs(
    invoke: Invoke,
    post_json: PostJson,
    resources: Resources,
    telemetry: Telemetry,
    clock: Clock,
) -> None:
    secret = boto3.client("secretsmanager").get_secret_value(
        SecretId=resources.challenge_secret_id
    )["SecretString"]
    telemetry.submitted.add(secret)
    issued_answer = invoke("GET", "/api/challenge")
    solution = solve(issued_answer.json())
    clock.advance(seconds=30)
    answers = [
        issued_answer,
        send(post_json, altcha=encode(solution)),
        send(post_json, altcha=encode(solution)),
        send(post_json, altcha=encode({**solution, "number": solution["number"] + 1})),
        send(post_json, message="kort", altcha=encode(solution)),
    ]
    for answer in answers:
        assert secret not in answer.body
        assert secret not in json.dumps(answer.headers)
    assert secret not in telemetry.text()


def test_retry_after_kms_failure_with_the_same_solution_is_verified(
    post_json: PostJson, bucket: Bucket, solved: str
) -> None:
    from botocore.exceptions import EndpointConnectionError

    kms_down = True

    def unreachable(**kwargs: Any) -> None:
        if kms_down:
            raise EndpointConnectionError(endpoint_url="https://unreachable.example")

    submission_id = str(uuid.uuid4())
    # KMS clients copy the session's handlers when made: the handler stays, its switch flips.
    events = aws.clients(bucket.resources.region).session.get_component("event_emitter")
    events.register_first("before-send.kms", unreachable)
    try:
        assert send(post_json, altcha=solved, submission_id=submission_id).status == 503
        kms_down = False
        retry = send(post_json, altcha=solved, submission_id=submission_id)
    finally:
        events.unregister("before-send.kms", unreachable)
    assert triage_of(bucket, retry) == "verified"


def test_retry_after_a_claimed_challenge_whose_report_write_failed_stays_verified(
    post_json: PostJson, bucket: Bucket, solved: str
) -> None:
    """The challenge was claimed, then writing the report failed (503): the child's page sends the
    same submission with the same proof again, which must not look like a replay."""
    s3 = aws.clients("eu-west-1").s3
    failed: list[str] = []

    def fail_first_report_write(params: dict[str, Any], **_: Any) -> None:
        if params["Key"].startswith("reports/") and not failed:
            failed.append(params["Key"])
            raise EndpointConnectionError(endpoint_url="https://s3.eu-west-1.amazonaws.com")

    s3.meta.events.register("provide-client-params.s3.PutObject", fail_first_report_write)
    try:
        submission_id = str(uuid.uuid4())
        first = send(post_json, altcha=solved, submission_id=submission_id)
        assert first.status == 503
        assert failed
        retry = send(post_json, altcha=solved, submission_id=submission_id)
    finally:
        s3.meta.events.unregister("provide-client-params.s3.PutObject", fail_first_report_write)
    assert triage_of(bucket, retry) == "verified"


def test_the_same_proof_with_another_submission_is_still_a_replay(
    post_json: PostJson, bucket: Bucket, solved: str
) -> None:
    assert triage_of(bucket, send(post_json, altcha=solved)) == "verified"
    other = send(post_json, altcha=solved, message="Een ander bericht over het kamp, van iemand.")
    assert triage_of(bucket, other) == "suspected_spam"
