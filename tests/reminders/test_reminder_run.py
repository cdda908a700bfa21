"""One reminder run: one e-mail listing everything, never two a day, nothing when nothing waits,
closed and deleted reports never named, and no content ever."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from reportdesk.cases.state import CaseState, Change, iso
from reportdesk.core.clock import BRUSSELS
from reportdesk.reminders import config, handler

from infra.local_aws import Resources
from tests.mailer.support import CONTENT
from tests.reminders.conftest import Trail

# Wednesday 2 December 2026, 09:00 in Brussels: the schedule's time.
WEDNESDAY = datetime(2026, 12, 2, 9, 0, tzinfo=BRUSSELS)

Store = Callable[..., Trail]


def bodies(request: dict[str, Any]) -> str:
    content = request["Content"]["Simple"]
    body = content["Body"]
    return "\n".join([content["Subject"]["Data"], body["Text"]["Data"], body["Html"]["Data"]])


def test_one_email_lists_everything_waiting(
    clients: config.Clients,
    settings: config.Settings,
    store_report: Store,
    ses_requests: list[dict[str, Any]],
) -> None:
    unopened = store_report(WEDNESDAY - timedelta(days=3))
    opened = CaseState(status="read", history=(Change("read", iso(WEDNESDAY - timedelta(days=9))),))
    unanswered = store_report(WEDNESDAY - timedelta(days=10), opened)
    run = handler.run_reminders(clients, settings, WEDNESDAY)
    assert run.outcome == "sent"
    [request] = ses_requests
    assert request["Destination"]["ToAddresses"] == list(settings.recipients)
    text = bodies(request)
    assert unopened.reference in text and unanswered.reference in text
    assert "Nog niet geopend na 2 werkdagen (1)" in text
    assert "10 dagen geleden ontvangen" in text


def test_the_email_holds_no_content(
    clients: config.Clients,
    settings: config.Settings,
    store_report: Store,
    ses_requests: list[dict[str, Any]],
) -> None:
    store_report(WEDNESDAY - timedelta(days=3))
    handler.run_reminders(clients, settings, WEDNESDAY)
    text = bodies(ses_requests[0])
    for value in CONTENT.values():
        assert value not in text


def test_a_second_run_the_same_day_sends_nothing(
    clients: config.Clients,
    settings: config.Settings,
    store_report: Store,
    ses_requests: list[dict[str, Any]],
) -> None:
    store_report(WEDNESDAY - timedelta(days=3))
    assert handler.run_reminders(clients, settings, WEDNESDAY).outcome == "sent"
    later = WEDNESDAY + timedelta(hours=5)
    assert handler.run_reminders(clients, settings, later).outcome == "already_sent"
    assert len(ses_requests) == 1
    assert handler.run_reminders(clients, settings, WEDNESDAY + timedelta(days=1)).outcome == "sent"
    assert len(ses_requests) == 2


def test_nothing_is_sent_when_nothing_waits(
    clients: config.Clients,
    settings: config.Settings,
    store_report: Store,
    ses_requests: list[dict[str, Any]],
    resources: Resources,
) -> None:
    store_report(WEDNESDAY - timedelta(hours=20))
    run = handler.run_reminders(clients, settings, WEDNESDAY)
    assert run.outcome == "nothing_waits" and ses_requests == []
    listing = boto3.client("s3").list_objects_v2(
        Bucket=resources.reports_bucket, Prefix="reminded/"
    )
    assert "Contents" not in listing


def test_a_refused_email_can_be_sent_by_the_retry(
    clients: config.Clients,
    settings: config.Settings,
    store_report: Store,
    ses_requests: list[dict[str, Any]],
) -> None:
    store_report(WEDNESDAY - timedelta(days=3))
    refusing = replace(settings, sender="nobody@unverified.example")
    with pytest.raises(clients.sesv2.exceptions.ClientError):
        handler.run_reminders(clients, refusing, WEDNESDAY)
    assert handler.run_reminders(clients, settings, WEDNESDAY).outcome == "sent"


def test_closed_and_deleted_reports_are_never_named(
    clients: config.Clients,
    settings: config.Settings,
    store_report: Store,
    ses_requests: list[dict[str, Any]],
    resources: Resources,
) -> None:
    waiting = store_report(WEDNESDAY - timedelta(days=3))
    closed_state = CaseState().with_status("handled", WEDNESDAY - timedelta(days=1), 365)
    closed = store_report(
        WEDNESDAY - timedelta(days=20), closed_state, messages=(WEDNESDAY - timedelta(days=9),)
    )
    deleted = store_report(WEDNESDAY - timedelta(days=20))
    s3 = boto3.client("s3")
    for version in s3.list_object_versions(Bucket=resources.reports_bucket, Prefix=deleted.key)[
        "Versions"
    ]:
        s3.delete_object(
            Bucket=resources.reports_bucket, Key=deleted.key, VersionId=version["VersionId"]
        )
    run = handler.run_reminders(clients, settings, WEDNESDAY)
    text = bodies(ses_requests[0])
    assert waiting.reference in text
    assert closed.reference not in text and deleted.reference not in text
    assert run.named == [waiting.reference]


def test_the_handler_runs_with_the_clock(
    clients: config.Clients, settings: config.Settings, store_report: Store
) -> None:
    assert handler.handler({}, None) == {"outcome": "nothing_waits", "deleted": 0}
