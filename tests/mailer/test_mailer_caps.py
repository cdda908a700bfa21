"""Cheap requests cannot push real reports out of the e-mail (issue 16 item 6), and a flood past
the cap costs one look per report, not one failed write per slot (issue 17)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

import boto3
from reportdesk.core.layout import mailcap_key
from reportdesk.mailer import handler as mailer

from infra.local_aws import Resources
from tests.mailer.support import StoredReport, queue_event, report_bodies

PutReport = Callable[..., StoredReport]
NOW = datetime.fromisoformat("2026-11-28T16:20:00+00:00")
HOUR = "2026-11-28T16Z"


def notify_all(
    resources: Resources, clients: mailer.Clients, settings: mailer.Settings
) -> list[mailer.Outcome]:
    return [
        outcome
        for body in report_bodies(queue_event(resources))
        for outcome in mailer.process_message(clients, settings, body, NOW)
    ]


def put_message(resources: Resources, report_id: str) -> None:
    """A child's follow-up message object, as the follow-up function stores it."""
    name = f"20261128T161500000000Z-{secrets.token_hex(4)}"
    boto3.client("s3").put_object(
        Bucket=resources.reports_bucket,
        Key=f"messages/{report_id}/{name}",
        Body=b"ciphertext",
        Metadata={"received": "2026-11-28T16:15:00+00:00"},
    )


def caps(resources: Resources, reports: int, messages: int) -> mailer.Settings:
    return mailer.Settings.from_environment(
        {
            **resources.environment(hourly_cap=reports),
            "MAIL_HOURLY_MESSAGE_CAP": str(messages),
        }
    )


def test_messages_past_their_cap_leave_every_report_slot_to_reports(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    settings = caps(resources, reports=2, messages=3)
    report = put_report()
    notify_all(resources, clients, settings)
    for _ in range(10):
        put_message(resources, report.report_id)
    outcomes = notify_all(resources, clients, settings)
    assert outcomes.count("emailed") == 3
    assert outcomes.count("digest_over_cap") == 7
    put_report()
    assert notify_all(resources, clients, settings) == ["emailed"]


def test_unverified_reports_use_only_the_first_half_of_the_report_slots(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    settings = caps(resources, reports=10, messages=5)
    for _ in range(8):
        put_report(triage="unverified")
    outcomes = notify_all(resources, clients, settings)
    assert outcomes.count("emailed") == 5
    assert outcomes.count("digest_over_cap") == 3
    for _ in range(6):
        put_report(triage="verified")
    outcomes = notify_all(resources, clients, settings)
    assert outcomes.count("emailed") == 5
    assert outcomes.count("digest_over_cap") == 1


def test_with_a_cap_of_one_an_unverified_report_goes_to_the_digest(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    settings = caps(resources, reports=1, messages=1)
    put_report(triage="unverified")
    assert notify_all(resources, clients, settings) == ["digest_over_cap"]
    put_report(triage="verified")
    assert notify_all(resources, clients, settings) == ["emailed"]


def test_a_taken_last_slot_sends_to_the_digest_without_trying_any_slot(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    settings = caps(resources, reports=10, messages=5)
    s3 = boto3.client("s3")
    s3.put_object(Bucket=resources.reports_bucket, Key=mailcap_key(HOUR, "report", 10), Body=b"")
    slot_writes: list[str] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        if params["Key"].startswith("mailcap/"):
            slot_writes.append(params["Key"])

    clients.s3.meta.events.register("provide-client-params.s3.PutObject", record)
    put_report()
    assert notify_all(resources, clients, settings) == ["digest_over_cap"]
    assert slot_writes == []


def test_message_cap_comes_from_the_environment_with_default_five() -> None:
    env = {"REPORTS_BUCKET": "b", "MAIL_SENDER": "s@example.org", "MAIL_RECIPIENTS": "a@x"}
    assert mailer.Settings.from_environment(env).message_hourly_cap == 5
    env["MAIL_HOURLY_MESSAGE_CAP"] = "2"
    assert mailer.Settings.from_environment(env).message_hourly_cap == 2


def test_a_report_past_a_full_hour_costs_at_most_six_s3_calls(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    settings = caps(resources, reports=2, messages=1)
    for _ in range(3):
        put_report()
    notify_all(resources, clients, settings)
    calls: list[str] = []

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        calls.append(f"{model.name} {params.get('Key', '')}")

    clients.s3.meta.events.register("before-call", record)
    put_report()
    assert notify_all(resources, clients, settings) == ["digest_over_cap"]
    # The marker and the report looked at, the lease claimed, the digest entry and the marker
    # written: no slot tried, no lease released, no second look for the marker.
    assert len(calls) <= 6, calls
    assert not [c for c in calls if c.startswith("PutObject mailcap/")]
