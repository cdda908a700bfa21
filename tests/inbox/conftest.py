"""Fixtures for api-inbox: reports stored by the intake's own code in moto, and a way to run the
command as the API persons do."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from reportdesk import crypto, storage
from reportdesk.inbox import main
from reportdesk.model import SCHEMA_VERSION, ReportDocument
from reportdesk.reference import reference_for, report_id_for

from infra.local_aws import Resources


@dataclass(frozen=True)
class Stored:
    """A report as the intake stored it."""

    reference: str
    report_id: str
    key: str
    document: dict[str, Any]


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


@pytest.fixture
def store_report(resources: Resources) -> StoreReport:
    """Store a report the way the intake does: its document model, its encryption, its storage."""
    session = boto3.Session()
    s3 = session.client("s3")

    def store(
        message: str = "Mijn trainer roept altijd tegen mij.",
        *,
        received: datetime | None = None,
        language: str = "nl",
        triage: str = "verified",
        contact: dict[str, Any] | None = None,
        key_arn: str | None = None,
        submission_id: str | None = None,
    ) -> Stored:
        submission = submission_id or str(uuid.uuid4())
        report_id = report_id_for(submission)
        reference = reference_for(report_id)
        moment = received or datetime.now(UTC)
        document = ReportDocument.model_validate(
            {
                "schema": SCHEMA_VERSION,
                "report_id": report_id,
                "reference": reference,
                "submission_id": submission,
                "received_at": moment,
                "language": language,
                "triage": triage,
                "message": message,
                "contact": contact or {"wants_contact": False},
            }
        )
        ciphertext = crypto.encrypt(
            document.to_json_bytes(),
            report_id,
            key_arn=key_arn or resources.kms_key_arn,
            botocore_session=session._session,
        )
        metadata = storage.ReportMetadata(
            reference=reference,
            language=language,
            triage=triage,
            contact_wanted=document.contact.wants_contact,
            received=moment,
            schema=SCHEMA_VERSION,
        )
        stored = storage.store_report(s3, resources.reports_bucket, report_id, ciphertext, metadata)
        assert stored.created
        return Stored(reference, report_id, stored.key, document_json(document))

    return store


def document_json(document: ReportDocument) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(document.to_json_bytes())
    return loaded


@pytest.fixture
def inbox(capsys: pytest.CaptureFixture[str]) -> Inbox:
    """Run `api-inbox ARGS...` in-process and capture what it printed."""

    def run(*argv: str) -> Run:
        capsys.readouterr()
        code = main(list(argv))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
