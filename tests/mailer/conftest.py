"""Fixtures for the mailer: its own clients on moto, and report objects as the intake stores."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from reportdesk.core.reference import reference_for
from reportdesk.mailer import handler as mailer

from infra.local_aws import Resources
from tests.mailer.support import CONTENT, StoredReport


@pytest.fixture
def clients(resources: Resources) -> Iterator[mailer.Clients]:
    """The clients the handler itself uses, fresh for this test's moto."""
    mailer._aws_clients.cache_clear()
    yield mailer._aws_clients()
    mailer._aws_clients.cache_clear()


@pytest.fixture
def settings(resources: Resources) -> mailer.Settings:
    return mailer.Settings.from_environment(os.environ)


@pytest.fixture
def ses_requests(clients: mailer.Clients) -> list[dict[str, Any]]:
    """Every SendEmail request the mailer makes, whole (moto keeps only the HTML part)."""
    requests: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        requests.append(json.loads(json.dumps(params)))

    clients.sesv2.meta.events.register("provide-client-params.sesv2.SendEmail", record)
    return requests


@pytest.fixture
def get_object_calls(clients: mailer.Clients) -> list[str]:
    """Keys the mailer tried to read: it must only ever HEAD (it has no kms:Decrypt)."""
    calls: list[str] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        calls.append(params["Key"])

    clients.s3.meta.events.register("provide-client-params.s3.GetObject", record)
    return calls


@pytest.fixture
def put_report(resources: Resources) -> Callable[..., StoredReport]:
    """Store a report object with the README's metadata, as the intake does."""
    s3 = boto3.client("s3")

    def put(
        triage: str = "verified",
        language: str = "nl",
        received: str = "2026-11-28T16:05:00+00:00",
    ) -> StoredReport:
        report_id = secrets.token_hex(16)
        reference = reference_for(report_id)
        key = f"reports/2026/11/{report_id}"
        s3.put_object(
            Bucket=resources.reports_bucket,
            Key=key,
            # The real object is ciphertext; plain text here proves the mailer never reads it.
            Body=json.dumps(CONTENT).encode(),
            Metadata={
                "reference": reference,
                "language": language,
                "triage": triage,
                "contact-wanted": "yes",
                "received": received,
                "schema": "1",
            },
        )
        return StoredReport(report_id=report_id, reference=reference, key=key)

    return put
