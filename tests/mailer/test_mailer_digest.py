"""A bot flood cannot bury the API persons: at most N e-mails an hour, the rest in one digest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from reportdesk.mailer import handler as mailer

from infra.local_aws import Resources
from tests.mailer.support import StoredReport, queue_event, report_bodies, sent_mail

PutReport = Callable[..., StoredReport]
HOUR = datetime.fromisoformat("2026-11-28T16:00:00+00:00")
DIGEST_DUE = HOUR + timedelta(hours=1) + mailer.DIGEST_GRACE


def notify_all(
    resources: Resources, clients: mailer.Clients, settings: mailer.Settings, now: datetime
) -> list[mailer.Outcome]:
    """Hand every report message on the queue to the mailer, as its Lambda would, at `now`."""
    return [
        outcome
        for body in report_bodies(queue_event(resources))
        for outcome in mailer.process_message(clients, settings, body, now)
    ]


def subject_of(request: dict[str, Any]) -> str:
    return str(request["Content"]["Simple"]["Subject"]["Data"])


def text_of(request: dict[str, Any]) -> str:
    return str(request["Content"]["Simple"]["Body"]["Text"]["Data"])


def digest_requests(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in requests if subject_of(r).startswith("Overzicht")]


def test_25_reports_in_one_hour_with_cap_10_send_10_emails_and_a_digest_of_the_other_15(
    resources: Resources,
    clients: mailer.Clients,
    settings: mailer.Settings,
    put_report: PutReport,
    ses_requests: list[dict[str, Any]],
) -> None:
    reports = [put_report() for _ in range(25)]
    outcomes = notify_all(resources, clients, settings, HOUR + timedelta(minutes=20))
    assert outcomes.count("emailed") == 10
    assert outcomes.count("digest_over_cap") == 15
    assert len(sent_mail(resources)) == 10

    run = mailer.send_due_digests(clients, settings, DIGEST_DUE)
    assert run == mailer.DigestRun(sent=["2026-11-28T16Z"], failed=[])
    [digest] = digest_requests(ses_requests)
    emailed = {subject_of(r).split()[-1] for r in ses_requests[:10]}
    digested = {r.reference for r in reports} - emailed
    assert len(digested) == 15
    assert all(reference in text_of(digest) for reference in digested)
    assert not any(reference in text_of(digest) for reference in emailed)
    assert subject_of(digest).startswith("Overzicht: 15 meldingen")


def test_the_cap_starts_afresh_in_the_next_hour(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    settings = mailer.Settings.from_environment({**resources.environment(hourly_cap=2)})
    for _ in range(3):
        put_report()
    assert notify_all(resources, clients, settings, HOUR).count("emailed") == 2
    put_report()
    assert notify_all(resources, clients, settings, HOUR + timedelta(hours=1)) == ["emailed"]


def test_a_failed_send_gives_its_slot_back_to_the_hour(
    resources: Resources, clients: mailer.Clients, put_report: PutReport
) -> None:
    settings = mailer.Settings.from_environment({**resources.environment(hourly_cap=1)})
    put_report()
    [body] = report_bodies(queue_event(resources))
    clients.sesv2.delete_email_identity(EmailIdentity=resources.sender)
    with pytest.raises(mailer.ClientError):
        mailer.process_message(clients, settings, body, HOUR)
    clients.sesv2.create_email_identity(EmailIdentity=resources.sender)
    assert mailer.process_message(clients, settings, body, HOUR) == ["emailed"]


def test_suspected_spam_goes_to_the_digest_only_and_is_labelled_there(
    resources: Resources,
    clients: mailer.Clients,
    settings: mailer.Settings,
    put_report: PutReport,
    ses_requests: list[dict[str, Any]],
) -> None:
    spam = put_report(triage="suspected_spam")
    real = put_report(triage="unverified")
    outcomes = notify_all(resources, clients, settings, HOUR)
    assert sorted(outcomes) == ["digest_suspected_spam", "emailed"]
    assert [m.subject for m in sent_mail(resources)] == [f"Nieuwe melding {real.reference}"]

    mailer.send_due_digests(clients, settings, DIGEST_DUE)
    [digest] = digest_requests(ses_requests)
    spam_section = text_of(digest).split("Waarschijnlijk spam (1):", 1)[1]
    assert spam.reference in spam_section
    assert real.reference not in text_of(digest)


def test_the_digest_is_sent_once(
    resources: Resources,
    clients: mailer.Clients,
    settings: mailer.Settings,
    put_report: PutReport,
) -> None:
    put_report(triage="suspected_spam")
    notify_all(resources, clients, settings, HOUR)
    first = mailer.send_due_digests(clients, settings, DIGEST_DUE)
    second = mailer.send_due_digests(clients, settings, DIGEST_DUE + timedelta(hours=1))
    assert first.sent == ["2026-11-28T16Z"]
    assert second == mailer.DigestRun()
    assert len(sent_mail(resources)) == 1


def test_no_digest_before_the_hour_and_its_grace_are_over(
    resources: Resources,
    clients: mailer.Clients,
    settings: mailer.Settings,
    put_report: PutReport,
) -> None:
    put_report(triage="suspected_spam")
    notify_all(resources, clients, settings, HOUR)
    assert mailer.send_due_digests(clients, settings, DIGEST_DUE - timedelta(seconds=1)).sent == []
    assert sent_mail(resources) == []


def test_a_failed_digest_stays_due_and_the_next_run_sends_it(
    resources: Resources,
    clients: mailer.Clients,
    settings: mailer.Settings,
    put_report: PutReport,
) -> None:
    put_report(triage="suspected_spam")
    notify_all(resources, clients, settings, HOUR)
    clients.sesv2.delete_email_identity(EmailIdentity=resources.sender)
    assert mailer.send_due_digests(clients, settings, DIGEST_DUE).failed == ["2026-11-28T16Z"]
    clients.sesv2.create_email_identity(EmailIdentity=resources.sender)
    later = DIGEST_DUE + timedelta(hours=1)
    assert mailer.send_due_digests(clients, settings, later).sent == ["2026-11-28T16Z"]
    assert len(sent_mail(resources)) == 1


def test_digest_handler_fails_the_run_when_a_digest_could_not_be_sent(
    resources: Resources, clients: mailer.Clients, settings: mailer.Settings
) -> None:
    clients.s3.put_object(
        Bucket=resources.reports_bucket,
        Key="digest/2026-11-27T16Z/" + "0" * 32,
        Body=b"",
        Metadata={"reference": "0000-0000", "reason": "over_cap"},
    )
    clients.sesv2.delete_email_identity(EmailIdentity=resources.sender)
    with pytest.raises(RuntimeError):
        mailer.digest_handler({}, None)


def test_hours_without_capped_or_spam_reports_get_no_digest(
    resources: Resources,
    clients: mailer.Clients,
    settings: mailer.Settings,
    put_report: PutReport,
) -> None:
    put_report()
    notify_all(resources, clients, settings, HOUR)
    assert mailer.send_due_digests(clients, settings, DIGEST_DUE) == mailer.DigestRun()
    assert len(sent_mail(resources)) == 1
