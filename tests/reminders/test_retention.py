"""Retention counted from closing: open reports are never deleted, closed ones go on their expiry
day with every trace (checked by listing every prefix of the bucket, every version)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import boto3
from reportdesk.cases.retention import postponed
from reportdesk.cases.state import CaseState, Change, iso
from reportdesk.core.clock import BRUSSELS
from reportdesk.reminders import config, handler

from infra.local_aws import Resources
from tests.reminders.conftest import Trail, every_key

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=BRUSSELS)
RETENTION = 365

Store = Callable[..., Trail]


def names(keys: set[str], trail: Trail) -> set[str]:
    return {key for key in keys if trail.report_id in key or key == trail.mapping_key}


def closed_on(moment: datetime) -> CaseState:
    opened = CaseState(status="read", history=(Change("read", iso(moment)),))
    return opened.with_status("handled", moment, RETENTION)


def test_an_open_report_older_than_the_retention_period_is_kept(
    clients: config.Clients,
    settings: config.Settings,
    store_report: Store,
    resources: Resources,
    ses_requests: list[dict[str, Any]],
) -> None:
    old = NOW - timedelta(days=RETENTION * 2)
    trail = store_report(old, CaseState(status="in_progress"), messages=(old,), replies=(old,))
    before = names(every_key(resources), trail)
    run = handler.run_reminders(clients, settings, NOW)
    assert run.deleted == []
    assert names(every_key(resources), trail) == before
    # ...and it is listed for a person to decide.
    assert "Nooit afgesloten" in ses_requests[0]["Content"]["Simple"]["Body"]["Text"]["Data"]


def test_a_closed_report_is_deleted_with_every_trace_on_its_expiry_day(
    clients: config.Clients,
    settings: config.Settings,
    store_report: Store,
    resources: Resources,
) -> None:
    closed = NOW - timedelta(days=RETENTION)
    trail = store_report(
        closed - timedelta(days=30),
        closed_on(closed),
        messages=(closed - timedelta(days=20),),
        replies=(closed - timedelta(days=25),),
    )
    kept = store_report(NOW - timedelta(days=1))
    traces = names(every_key(resources), trail)
    prefixes = {key.split("/", 1)[0] + "/" for key in traces}
    assert prefixes == {
        "reports/",
        "replies/",
        "messages/",
        "followup/",
        "followup-index/",
        "notified/",
        "notifying/",
        "digest/",
        "cases/",
    }
    assert handler.run_reminders(clients, settings, NOW - timedelta(days=1)).deleted == []
    run = handler.run_reminders(clients, settings, NOW)
    assert run.deleted == [trail.report_id]
    assert names(every_key(resources), trail) == set()
    assert f"reports/{kept.key.split('/', 1)[1]}" in every_key(resources)
    assert f"digest/2026-11-28T16Z/{kept.report_id}" in every_key(resources)


def test_a_postponed_report_is_kept_until_its_new_day(
    clients: config.Clients,
    settings: config.Settings,
    store_report: Store,
    resources: Resources,
) -> None:
    state = postponed(closed_on(NOW - timedelta(days=RETENTION)), 30, RETENTION)
    trail = store_report(NOW - timedelta(days=400), state)
    assert handler.run_reminders(clients, settings, NOW).deleted == []
    assert handler.run_reminders(clients, settings, NOW + timedelta(days=30)).deleted == [
        trail.report_id
    ]


def test_the_case_object_of_a_report_deleted_by_hand_is_removed(
    clients: config.Clients,
    settings: config.Settings,
    store_report: Store,
    resources: Resources,
) -> None:
    trail = store_report(NOW - timedelta(days=3), CaseState(status="read"))
    s3 = boto3.client("s3")
    versions = s3.list_object_versions(Bucket=resources.reports_bucket, Prefix=trail.key)
    for version in versions["Versions"]:
        s3.delete_object(
            Bucket=resources.reports_bucket, Key=trail.key, VersionId=version["VersionId"]
        )
    handler.run_reminders(clients, settings, NOW)
    assert f"cases/{trail.report_id}" not in every_key(resources)
