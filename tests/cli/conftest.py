"""Fixtures for api-inbox: reports stored by the intake's own code in moto, and a way to run the
command as the API persons do."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from altcha.v1 import solve_challenge
from reportdesk.cli.main import main
from reportdesk.core.model import ReportIn
from reportdesk.intake import storage, submission
from reportdesk.intake.challenge import MAX_NUMBER, new_challenge

from infra.local_aws import Resources

CHALLENGE_SECRET = "inbox-tests-challenge-secret"  # noqa: S105 (a test value, not a secret)
FINGERPRINT_SECRET = "inbox-tests-fingerprint-secret"  # noqa: S105 (a test value, not a secret)


@dataclass(frozen=True)
class Stored:
    """A report as the intake stored it."""

    reference: str
    report_id: str
    key: str


@dataclass(frozen=True)
class Run:
    """What one `api-inbox` call printed and returned."""

    code: int
    out: str
    err: str


StoreReport = Callable[..., Stored]
Inbox = Callable[..., Run]


@pytest.fixture(autouse=True)
def no_personal_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh home folder and working folder: the engineer's own config never leaks in."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AWS_REGION", raising=False)


def solved_challenge(issued: datetime) -> str:
    """The `altcha` field of a page that solved a challenge issued at `issued`."""
    challenge = new_challenge(CHALLENGE_SECRET, issued)
    solution = solve_challenge(challenge["challenge"], challenge["salt"], max_number=MAX_NUMBER)
    assert solution is not None
    payload = {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solution.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
    }
    return base64.b64encode(json.dumps(payload).encode()).decode()


def accept_report(
    s3: Any,
    botocore_session: Any,
    bucket: str,
    key_arn: str,
    message: str = "Mijn trainer roept altijd tegen mij.",
    *,
    received: datetime | None = None,
    language: str = "nl",
    triage: str = "unverified",
    contact: dict[str, Any] | None = None,
    submission_id: str | None = None,
) -> Stored:
    """Store a report with the intake's own code (`submission.accept`): triage, encryption, S3."""
    moment = received or datetime.now(UTC)
    fields: dict[str, Any] = {
        "submission_id": submission_id or str(uuid.uuid4()),
        "language": language,
        "message": message,
        "contact": contact,
    }
    if triage == "verified":
        fields["altcha"] = solved_challenge(moment - timedelta(minutes=1))
    elif triage == "suspected_spam":
        fields["website"] = "https://spam.example"
    into = submission.Storage(
        s3=s3,
        botocore_session=botocore_session,
        bucket=bucket,
        key_arn=key_arn,
        challenge_secret=lambda: CHALLENGE_SECRET,
        fingerprint_secret=lambda: FINGERPRINT_SECRET,
    )
    outcome = submission.accept(ReportIn.model_validate(fields), into, moment)
    assert outcome.created
    assert outcome.triage == triage
    return Stored(
        reference=outcome.answer.reference,
        report_id=outcome.report_id,
        key=storage.report_key(outcome.report_id, moment),
    )


@pytest.fixture
def store_report(resources: Resources) -> StoreReport:
    """Store a report in the moto environment; `key_arn=` encrypts under another key."""
    # One S3 client, made before the encryption SDK wraps the same botocore session (wrapping it
    # registers boto3's handlers again, and a later S3 client would then fail to build).
    session = boto3.Session()
    s3 = session.client("s3")

    def store(*args: Any, key_arn: str | None = None, **kwargs: Any) -> Stored:
        return accept_report(
            s3,
            session._session,
            resources.reports_bucket,
            key_arn or resources.kms_key_arn,
            *args,
            **kwargs,
        )

    return store


@pytest.fixture
def inbox(capsys: pytest.CaptureFixture[str]) -> Inbox:
    """Run `api-inbox ARGS...` in-process and capture what it printed."""

    def run(*argv: str) -> Run:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def log_in_as_reader(monkeypatch: pytest.MonkeyPatch, actions: list[str]) -> None:
    """Use the credentials of an IAM user allowed only `actions` (moto checks them when asked)."""
    iam = boto3.client("iam")
    name = "reader"
    iam.create_user(UserName=name)
    iam.put_user_policy(
        UserName=name,
        PolicyName="reader",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
            }
        ),
    )
    key = iam.create_access_key(UserName=name)["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN")
