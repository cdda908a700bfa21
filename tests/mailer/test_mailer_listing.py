"""The mailer works with the permissions its role has (issue 16, item 8): it may list only its own
prefixes and the announced ones, so S3 answers its HEAD of a missing key with 403, not 404.

moto enforces no IAM: the `restricted` fixture makes the mailer's S3 client answer as S3 does for
that role (tests/infra/test_infra_mailer.py checks the role itself).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from reportdesk.core import layout
from reportdesk.mailer import handler as mailer
from reportdesk.mailer.common import head

from infra.local_aws import Resources
from tests.mailer.support import StoredReport, queue_event, report_bodies, sent_mail

PutReport = Callable[..., StoredReport]
HOUR = datetime.fromisoformat("2026-11-28T16:00:00+00:00")
NOW = HOUR + timedelta(minutes=10)
# The role's `s3:prefix` condition (infra/notifications.py MAILER_LISTS).
LISTABLE = (*layout.ANNOUNCED_PREFIXES, *layout.MAILER_PREFIXES)


def _denied(code: str) -> tuple[AWSResponse, dict[str, Any]]:
    error = {"Error": {"Code": code, "Message": "Forbidden"}}
    return AWSResponse("", 403, {}, None), {**error, "ResponseMetadata": {"HTTPStatusCode": 403}}


@pytest.fixture
def restricted(resources: Resources, clients: mailer.Clients) -> list[str]:
    """The mailer's S3 client answers like S3 for its role: HEAD of a missing key 403, a listing
    outside its prefixes AccessDenied. Returns the keys whose HEAD was denied."""
    plain = boto3.client("s3")
    denied: list[str] = []

    def decide(params: dict[str, Any], context: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name == "ListObjectsV2":
            context["deny"] = not str(params.get("Prefix", "")).startswith(LISTABLE)
        elif model.name == "HeadObject":
            try:
                plain.head_object(Bucket=params["Bucket"], Key=params["Key"])
            except ClientError:
                denied.append(params["Key"])
                context["deny"] = True

    def answer(context: dict[str, Any], model: Any, **_: Any) -> Any:
        if context.get("deny"):
            return _denied("403" if model.name == "HeadObject" else "AccessDenied")
        return None

    events = clients.s3.meta.events
    for operation in ("HeadObject", "ListObjectsV2"):
        events.register(f"before-parameter-build.s3.{operation}", decide)
        events.register(f"before-call.s3.{operation}", answer)
    return denied


def test_a_report_is_emailed_once_when_missing_keys_answer_403(
    resources: Resources,
    clients: mailer.Clients,
    settings: mailer.Settings,
    put_report: PutReport,
    restricted: list[str],
) -> None:
    report = put_report()
    [body] = report_bodies(queue_event(resources))
    assert mailer.process_message(clients, settings, body, NOW) == ["emailed"]
    assert mailer.process_message(clients, settings, body, NOW) == ["already_notified"]
    assert [m.subject for m in sent_mail(resources)] == [f"Nieuwe melding {report.reference}"]
    # The marker's HEAD was answered 403 (it was missing), and the listing told it apart.
    assert layout.notified_key(report.report_id) in restricted


def test_over_the_cap_the_digest_is_sent_once_when_missing_keys_answer_403(
    resources: Resources, clients: mailer.Clients, put_report: PutReport, restricted: list[str]
) -> None:
    settings = mailer.Settings.from_environment(resources.environment(hourly_cap=1))
    for _ in range(3):
        put_report()
    outcomes = [
        outcome
        for body in report_bodies(queue_event(resources))
        for outcome in mailer.process_message(clients, settings, body, NOW)
    ]
    assert sorted(outcomes) == ["digest_over_cap", "digest_over_cap", "emailed"]
    due = HOUR + timedelta(hours=1) + mailer.DIGEST_GRACE
    assert mailer.send_due_digests(clients, settings, due).sent == ["2026-11-28T16Z"]
    assert mailer.send_due_digests(clients, settings, due).sent == []
    assert len(sent_mail(resources)) == 2
    assert layout.digest_sent_key("2026-11-28T16Z") in restricted


def test_a_childs_message_is_announced_once_when_missing_keys_answer_403(
    resources: Resources,
    clients: mailer.Clients,
    settings: mailer.Settings,
    put_report: PutReport,
    restricted: list[str],
) -> None:
    report = put_report()
    # A report id's marker is a prefix of its messages' markers: only the exact key counts.
    clients.s3.put_object(
        Bucket=resources.reports_bucket, Key=layout.notified_key(report.report_id), Body=b""
    )
    key = f"{layout.entry_prefix('message', report.report_id)}20261128T160500Z-a1b2"
    clients.s3.put_object(Bucket=resources.reports_bucket, Key=key, Body=b"ciphertext")
    assert mailer.notify_message(clients, settings, key, NOW) == "emailed"
    assert mailer.notify_message(clients, settings, key, NOW) == "already_notified"
    assert len(sent_mail(resources)) == 1


def test_a_deleted_report_is_missing_not_a_failure_when_its_head_answers_403(
    resources: Resources,
    clients: mailer.Clients,
    settings: mailer.Settings,
    put_report: PutReport,
    restricted: list[str],
) -> None:
    report = put_report()
    clients.s3.delete_object(Bucket=resources.reports_bucket, Key=report.key)
    [body] = report_bodies(queue_event(resources))
    assert mailer.process_message(clients, settings, body, NOW) == ["report_missing"]
    assert report.key in restricted
    assert sent_mail(resources) == []


def test_a_403_for_a_key_that_exists_is_a_real_denial_and_raised(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    report = put_report()

    def deny(**_: Any) -> Any:
        return _denied("403")

    clients.s3.meta.events.register("before-call.s3.HeadObject", deny)
    with pytest.raises(ClientError):
        head(clients.s3, resources.reports_bucket, report.key)
