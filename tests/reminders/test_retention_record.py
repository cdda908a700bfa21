"""Retention on the access record: each expired report gets a `delete` entry by the automatic
retention before it is deleted, and a report whose entry cannot be written is not deleted."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from reportdesk.cases.state import CaseState
from reportdesk.reminders import config, handler

from infra.local_aws import Resources
from tests.mailer.support import CONTENT
from tests.reminders.conftest import Trail, every_key
from tests.reminders.test_retention import NOW, RETENTION, closed_on, names

Store = Callable[..., Trail]


def expired(store_report: Store, now: datetime = NOW) -> Trail:
    """A report closed `RETENTION` days before `now`: due for deletion then."""
    closed = now - timedelta(days=RETENTION)
    return store_report(closed - timedelta(days=30), closed_on(closed), messages=(closed,))


def record(resources: Resources, report_id: str) -> list[dict[str, Any]]:
    """The report's access record entries, as stored."""
    s3 = boto3.client("s3")
    listed = s3.list_objects_v2(Bucket=resources.audit_bucket, Prefix=f"{report_id}/")
    return [
        json.loads(s3.get_object(Bucket=resources.audit_bucket, Key=item["Key"])["Body"].read())
        for item in listed.get("Contents", [])
    ]


def entry_key(resources: Resources, trail: Trail) -> str:
    [item] = boto3.client("s3").list_objects_v2(
        Bucket=resources.audit_bucket, Prefix=f"{trail.report_id}/"
    )["Contents"]
    return str(item["Key"])


def deny_entries_of(clients: config.Clients, resources: Resources, report_id: str) -> None:
    """The audit bucket refuses the entries of this one report, as S3 refuses a denied PutObject."""

    def decide(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["deny"] = params.get("Bucket") == resources.audit_bucket and str(
            params.get("Key", "")
        ).startswith(f"{report_id}/")

    def deny(context: dict[str, Any], **_: Any) -> Any:
        if not context.get("deny"):
            return None
        error = {"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}
        return AWSResponse("", 403, {}, None), {
            **error,
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }

    clients.s3.meta.events.register("provide-client-params.s3.PutObject", decide)
    clients.s3.meta.events.register("before-call.s3.PutObject", deny)


def test_an_expired_report_gets_a_delete_entry_by_the_retention_before_it_goes(
    clients: config.Clients,
    settings: config.Settings,
    store_report: Store,
    resources: Resources,
) -> None:
    trail = expired(store_report)
    kept = store_report(NOW - timedelta(days=1), CaseState(status="read"))
    calls: list[tuple[str, str, str]] = []

    def note(params: dict[str, Any], model: Any, **_: Any) -> None:
        calls.append((model.name, params.get("Bucket", ""), str(params.get("Key", ""))))

    clients.s3.meta.events.register("provide-client-params.s3", note)

    assert handler.run_reminders(clients, settings, NOW).deleted == [trail.report_id]

    [entry] = record(resources, trail.report_id)
    # Only what the people's entries hold: no report content, no name, nobody in person.
    assert entry == {
        "schema": 1,
        "at": NOW.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "action": "delete",
        "report_id": trail.report_id,
        "reference": trail.reference,
        "who": {"id": "retention", "email": "", "via": "retention"},
        "detail": None,
    }
    assert not any(value in json.dumps(entry) for value in CONTENT.values())
    assert record(resources, kept.report_id) == []
    entry_written = calls.index(("PutObject", resources.audit_bucket, entry_key(resources, trail)))
    first_delete = next(i for i, call in enumerate(calls) if call[0].startswith("Delete"))
    assert entry_written < first_delete


def test_a_report_whose_entry_is_refused_stays_and_the_others_are_deleted(
    clients: config.Clients,
    settings: config.Settings,
    store_report: Store,
    resources: Resources,
) -> None:
    refused, other = expired(store_report), expired(store_report)
    traces = names(every_key(resources), refused)
    deny_entries_of(clients, resources, refused.report_id)

    run = handler.run_reminders(clients, settings, NOW)

    assert (run.deleted, run.not_recorded) == ([other.report_id], [refused.report_id])
    assert names(every_key(resources), refused) == traces
    assert record(resources, refused.report_id) == []
    assert names(every_key(resources), other) == set()
    assert [e["who"]["via"] for e in record(resources, other.report_id)] == ["retention"]

    # The next run, with the record writable again, deletes it.
    clients.s3.meta.events.unregister("before-call.s3.PutObject")
    config.aws_clients.cache_clear()
    again = handler.run_reminders(config.aws_clients(), settings, NOW + timedelta(days=1))
    assert again.deleted == [refused.report_id]
    assert names(every_key(resources), refused) == set()


@pytest.mark.parametrize("audit_bucket", ["reportdesk-no-such-audit-bucket", ""])
def test_without_a_writable_access_record_nothing_is_deleted_and_the_run_fails(
    clients: config.Clients,
    store_report: Store,
    resources: Resources,
    monkeypatch: pytest.MonkeyPatch,
    audit_bucket: str,
) -> None:
    trail = expired(store_report, datetime.now(UTC))
    traces = names(every_key(resources), trail)
    monkeypatch.setenv("AUDIT_BUCKET", audit_bucket)
    monkeypatch.setenv("RETENTION_DAYS", str(RETENTION))

    # The day's run as the scheduler starts it: its error alarm tells the maintainers.
    with pytest.raises(handler.RetentionNotRecorded):
        handler.handler({}, None)

    assert names(every_key(resources), trail) == traces
