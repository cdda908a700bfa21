"""One e-mail per report, to the API persons, with the reference and nothing of the report."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import boto3
import pytest
from reportdesk.mailer import handler as mailer
from reportdesk.mailer import leases
from reportdesk.mailer import notices as mail_templates

from infra.local_aws import Resources
from tests.mailer.support import (
    CONTENT,
    StoredReport,
    queue_event,
    report_bodies,
    sent_mail,
    submit_report,
)

NOW = datetime.fromisoformat("2026-11-28T16:10:00+00:00")
PutReport = Callable[..., StoredReport]


def test_one_report_sends_one_email_addressed_to_every_recipient(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    report = put_report()
    response = mailer.handler(queue_event(resources), None)
    assert response == {"batchItemFailures": []}
    [mail] = sent_mail(resources)
    assert mail.source == resources.sender
    assert sorted(mail.destinations["ToAddresses"]) == sorted(resources.recipients)
    assert mail.subject == f"Nieuwe melding {report.reference}"


def test_email_has_text_and_html_that_say_how_to_read_the_report(
    resources: Resources,
    clients: mailer.Clients,
    put_report: PutReport,
    ses_requests: list[dict[str, Any]],
) -> None:
    report = put_report()
    mailer.handler(queue_event(resources), None)
    [request] = ses_requests
    body = request["Content"]["Simple"]["Body"]
    assert f"api-inbox show {report.reference}" in body["Text"]["Data"]
    assert f"api-inbox show {report.reference}" in body["Html"]["Data"]
    assert request["ConfigurationSetName"] == "reports"


def test_email_carries_none_of_the_reports_content(
    resources: Resources,
    clients: mailer.Clients,
    ses_requests: list[dict[str, Any]],
    get_object_calls: list[str],
) -> None:
    reference = submit_report(CONTENT)
    mailer.handler(queue_event(resources), None)
    [request] = ses_requests
    assert request["Content"]["Simple"]["Subject"]["Data"] == f"Nieuwe melding {reference}"
    sent = json.dumps(ses_requests) + json.dumps([m.body for m in sent_mail(resources)])
    for value in CONTENT.values():
        assert value not in sent
    assert get_object_calls == []


def test_received_time_is_shown_in_belgian_time() -> None:
    summer = mail_templates.report_notice(
        "ABCD-EFGH", datetime.fromisoformat("2026-07-01T10:00:00+00:00"), "nl"
    )
    winter = mail_templates.report_notice(
        "ABCD-EFGH", datetime.fromisoformat("2026-11-28T23:30:00+00:00"), "fr"
    )
    assert "woensdag 1 juli 2026 om 12:00" in summer.text
    assert "zondag 29 november 2026 om 00:30" in winter.text
    assert "Taal: Frans" in winter.text


def test_the_same_event_delivered_twice_sends_one_email(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    put_report()
    event = queue_event(resources)
    mailer.handler(event, None)
    mailer.handler(event, None)
    assert len(sent_mail(resources)) == 1


def test_two_events_for_one_object_send_one_email(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    report = put_report()
    s3 = boto3.client("s3")
    s3.copy_object(
        Bucket=resources.reports_bucket,
        Key=report.key,
        CopySource={"Bucket": resources.reports_bucket, "Key": report.key},
        MetadataDirective="COPY",
    )
    event = queue_event(resources)
    assert len(report_bodies(event)) == 2
    mailer.handler(event, None)
    assert len(sent_mail(resources)) == 1


def test_a_second_delivery_while_the_first_is_sending_sends_nothing_and_is_retried(
    resources: Resources, clients: mailer.Clients, settings: mailer.Settings, put_report: PutReport
) -> None:
    put_report()
    [body] = report_bodies(queue_event(resources))
    second: list[BaseException] = []

    def run_second_delivery(**_: Any) -> None:
        if second:
            return
        try:
            mailer.process_message(clients, settings, body, NOW)
        except mailer.RetryLater as error:
            second.append(error)

    clients.sesv2.meta.events.register("before-call.sesv2.SendEmail", run_second_delivery)
    assert mailer.process_message(clients, settings, body, NOW) == ["emailed"]
    assert len(second) == 1
    assert mailer.process_message(clients, settings, body, NOW) == ["already_notified"]
    assert len(sent_mail(resources)) == 1


def test_a_held_lease_makes_the_message_a_batch_item_failure(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    report = put_report()
    clients.s3.put_object(
        Bucket=resources.reports_bucket,
        Key=f"notifying/{report.report_id}",
        Body=b"",
        Metadata={"claimed": datetime.now(mailer.UTC).isoformat()},
    )
    event = queue_event(resources)
    [message_id] = [r["messageId"] for r in event["Records"] if "Records" in json.loads(r["body"])]
    assert mailer.handler(event, None) == {"batchItemFailures": [{"itemIdentifier": message_id}]}
    assert sent_mail(resources) == []


def test_a_lease_left_by_a_crashed_delivery_is_taken_over(
    resources: Resources, clients: mailer.Clients, settings: mailer.Settings, put_report: PutReport
) -> None:
    report = put_report()
    crashed_at = NOW.timestamp() - mailer.LEASE_SECONDS - 1
    clients.s3.put_object(
        Bucket=resources.reports_bucket,
        Key=f"notifying/{report.report_id}",
        Body=b"",
        Metadata={"claimed": datetime.fromtimestamp(crashed_at, mailer.UTC).isoformat()},
    )
    [body] = report_bodies(queue_event(resources))
    assert mailer.process_message(clients, settings, body, NOW) == ["emailed"]
    assert len(sent_mail(resources)) == 1


def test_of_two_deliveries_taking_over_one_stale_lease_only_one_sends(
    resources: Resources, clients: mailer.Clients, settings: mailer.Settings, put_report: PutReport
) -> None:
    report = put_report()
    lease = f"notifying/{report.report_id}"
    crashed_at = NOW.timestamp() - mailer.LEASE_SECONDS - 1
    clients.s3.put_object(
        Bucket=resources.reports_bucket,
        Key=lease,
        Body=b"",
        Metadata={"claimed": datetime.fromtimestamp(crashed_at, mailer.UTC).isoformat()},
    )
    [body] = report_bodies(queue_event(resources))
    outcomes: list[object] = []
    racing = False

    def second_delivery_takes_over_first(params: dict[str, Any], **_: Any) -> None:
        # The first delivery has seen the stale lease and is about to take it over.
        nonlocal racing
        if params["Key"] == lease and "IfMatch" in params and not racing:
            racing = True
            outcomes.append(mailer.process_message(clients, settings, body, NOW))

    clients.s3.meta.events.register(
        "provide-client-params.s3.PutObject", second_delivery_takes_over_first
    )
    with pytest.raises(mailer.RetryLater):
        mailer.process_message(clients, settings, body, NOW)
    assert outcomes == [["emailed"]]
    assert len(sent_mail(resources)) == 1


def test_a_stale_lease_taken_over_meanwhile_by_another_delivery_is_not_taken_twice(
    resources: Resources, clients: mailer.Clients, settings: mailer.Settings, put_report: PutReport
) -> None:
    report = put_report()
    lease = f"notifying/{report.report_id}"
    crashed_at = NOW.timestamp() - mailer.LEASE_SECONDS - 1
    clients.s3.put_object(
        Bucket=resources.reports_bucket,
        Key=lease,
        Body=b"",
        Metadata={"claimed": datetime.fromtimestamp(crashed_at, mailer.UTC).isoformat()},
    )
    [body] = report_bodies(queue_event(resources))
    other: list[object] = []
    racing = False

    def other_delivery_takes_over_first(params: dict[str, Any], **_: Any) -> None:
        # This delivery saw the stale lease; another one takes it over before it can.
        nonlocal racing
        if params["Key"] == lease and "IfMatch" in params and not racing:
            racing = True
            other.append(leases.claim_lease(clients.s3, resources.reports_bucket, lease, NOW))

    clients.s3.meta.events.register(
        "provide-client-params.s3.PutObject", other_delivery_takes_over_first
    )
    with pytest.raises(mailer.RetryLater):
        mailer.process_message(clients, settings, body, NOW)
    assert other and other[0]
    assert sent_mail(resources) == []


def test_a_retry_finds_a_released_lease_free(
    resources: Resources, clients: mailer.Clients, settings: mailer.Settings, put_report: PutReport
) -> None:
    put_report()
    [body] = report_bodies(queue_event(resources))
    clients.sesv2.delete_email_identity(EmailIdentity=resources.sender)
    with pytest.raises(mailer.ClientError):
        mailer.process_message(clients, settings, body, NOW)
    clients.sesv2.create_email_identity(EmailIdentity=resources.sender)
    assert mailer.process_message(clients, settings, body, NOW) == ["emailed"]


def test_ses_failure_is_a_batch_item_failure_and_writes_no_marker(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    report = put_report()
    clients.sesv2.delete_email_identity(EmailIdentity=resources.sender)
    event = queue_event(resources)
    [message_id] = [r["messageId"] for r in event["Records"] if "Records" in json.loads(r["body"])]
    assert mailer.handler(event, None) == {"batchItemFailures": [{"itemIdentifier": message_id}]}
    listed = clients.s3.list_objects_v2(
        Bucket=resources.reports_bucket, Prefix=f"notified/{report.report_id}"
    )
    assert listed["KeyCount"] == 0
    assert sent_mail(resources) == []


def test_a_retry_after_ses_failure_sends_exactly_one_email(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    put_report()
    clients.sesv2.delete_email_identity(EmailIdentity=resources.sender)
    event = queue_event(resources)
    mailer.handler(event, None)
    clients.sesv2.create_email_identity(EmailIdentity=resources.sender)
    assert mailer.handler(event, None) == {"batchItemFailures": []}
    mailer.handler(event, None)
    assert len(sent_mail(resources)) == 1


def test_one_failing_message_does_not_hold_back_the_others(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    good = put_report()
    clients.s3.put_object(
        Bucket=resources.reports_bucket, Key="reports/2026/11/" + "0" * 32, Body=b"no metadata"
    )
    event = queue_event(resources)
    failures = mailer.handler(event, None)["batchItemFailures"]
    assert len(failures) == 1
    assert [m.subject for m in sent_mail(resources)] == [f"Nieuwe melding {good.reference}"]


def test_s3_test_event_and_keys_outside_reports_send_nothing(
    resources: Resources, clients: mailer.Clients, settings: mailer.Settings
) -> None:
    clients.s3.put_object(Bucket=resources.reports_bucket, Key="reports/README", Body=b"")
    event = queue_event(resources)
    assert any(json.loads(r["body"]).get("Event") == "s3:TestEvent" for r in event["Records"])
    assert mailer.handler(event, None) == {"batchItemFailures": []}
    assert sent_mail(resources) == []


def test_a_report_deleted_before_its_event_is_handled_sends_nothing(
    resources: Resources, clients: mailer.Clients, settings: mailer.Settings, put_report: PutReport
) -> None:
    report = put_report()
    clients.s3.delete_object(Bucket=resources.reports_bucket, Key=report.key)
    [body] = report_bodies(queue_event(resources))
    assert mailer.process_message(clients, settings, body, NOW) == ["report_missing"]
    assert sent_mail(resources) == []


@pytest.mark.parametrize(
    ("value", "cap"), [(None, mailer.DEFAULT_HOURLY_CAP), ("", mailer.DEFAULT_HOURLY_CAP), ("3", 3)]
)
def test_hourly_cap_comes_from_the_environment_with_default_ten(
    value: str | None, cap: int
) -> None:
    env = {"REPORTS_BUCKET": "b", "MAIL_SENDER": "s@example.org", "MAIL_RECIPIENTS": "a@x, b@x"}
    if value is not None:
        env["MAIL_HOURLY_CAP"] = value
    settings = mailer.Settings.from_environment(env)
    assert settings.hourly_cap == cap
    assert settings.recipients == ("a@x", "b@x")
