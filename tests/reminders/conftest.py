"""Fixtures of the reminder tests: the scheduled handler's own clients on moto, and reports with
their whole trail (code mapping, thread, mailer markers, digest entries, case state)."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from reportdesk.cases.state import CaseState
from reportdesk.core.layout import case_key
from reportdesk.core.reference import reference_for
from reportdesk.followup import store as followup_store
from reportdesk.reminders import config

from infra.local_aws import Resources
from tests.mailer.support import CONTENT


@dataclass(frozen=True)
class Trail:
    """A stored report and every key that names it."""

    report_id: str
    reference: str
    key: str
    mapping_key: str


@pytest.fixture
def clients(resources: Resources) -> Iterator[config.Clients]:
    config.aws_clients.cache_clear()
    yield config.aws_clients()
    config.aws_clients.cache_clear()


@pytest.fixture
def settings(resources: Resources, monkeypatch: pytest.MonkeyPatch) -> config.Settings:
    monkeypatch.setenv("RETENTION_DAYS", "365")
    monkeypatch.setenv("OVERVIEW_RECIPIENTS", "beheer@example.org")
    monkeypatch.setenv("NOTIFY_QUEUE_URL", resources.queue_url)
    monkeypatch.setenv("NOTIFY_DLQ_URL", resources.dlq_url)
    return config.Settings.from_environment(os.environ)


@pytest.fixture
def ses_requests(clients: config.Clients) -> list[dict[str, Any]]:
    """Every SendEmail request the handler makes, whole."""
    requests: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        requests.append(json.loads(json.dumps(params)))

    clients.sesv2.meta.events.register("provide-client-params.sesv2.SendEmail", record)
    return requests


def _time_name(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(4)}"


@pytest.fixture
def store_report(resources: Resources) -> Callable[..., Trail]:
    """A report as the intake, follow-up and mailer leave it, with an optional case state."""
    s3 = boto3.client("s3")
    bucket = resources.reports_bucket

    def put(
        received: datetime,
        state: CaseState | None = None,
        *,
        triage: str = "verified",
        messages: tuple[datetime, ...] = (),
        replies: tuple[datetime, ...] = (),
    ) -> Trail:
        report_id = secrets.token_hex(16)
        reference = reference_for(report_id)
        key = f"reports/{received:%Y/%m}/{report_id}"
        s3.put_object(
            Bucket=bucket,
            Key=key,
            # The real object is ciphertext; plain text here proves nothing of it gets out.
            Body=json.dumps(CONTENT).encode(),
            Metadata={
                "reference": reference,
                "language": "nl",
                "triage": triage,
                "contact-wanted": "yes",
                "received": received.isoformat(),
                "schema": "1",
            },
        )
        followup_store.issue_code(s3, bucket, "secret", report_id)
        index = s3.list_objects_v2(Bucket=bucket, Prefix=f"followup-index/{report_id}/")
        digest = index["Contents"][0]["Key"].rsplit("/", 1)[1]
        for kind, times in (("replies", replies), ("messages", messages)):
            for moment in times:
                name = _time_name(moment)
                s3.put_object(Bucket=bucket, Key=f"{kind}/{report_id}/{name}", Body=b"x")
                if kind == "messages":
                    s3.put_object(Bucket=bucket, Key=f"notified/{report_id}/{name}", Body=b"")
                    s3.put_object(
                        Bucket=bucket, Key=f"digest/2026-11-28T16Z/{report_id}-{name}", Body=b""
                    )
        for marker in (f"notified/{report_id}", f"notifying/{report_id}"):
            s3.put_object(Bucket=bucket, Key=marker, Body=b"")
        s3.put_object(Bucket=bucket, Key=f"digest/2026-11-28T16Z/{report_id}", Body=b"")
        if state is not None:
            s3.put_object(
                Bucket=bucket,
                Key=case_key(report_id),
                Body=json.dumps(state.as_json()).encode(),
                ServerSideEncryption="AES256",
            )
        return Trail(report_id, reference, key, followup_store.mapping_key(digest))

    return put


def every_key(resources: Resources) -> set[str]:
    """Every key with a version or delete marker in the reports bucket."""
    s3 = boto3.client("s3")
    keys: set[str] = set()
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=resources.reports_bucket):
        for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            keys.add(item["Key"])
    return keys
