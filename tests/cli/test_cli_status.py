"""`api-inbox mark` and the status in `list`: one status per report, the case state the web inbox,
the reminders and the child's page read, every change on the access record."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from moto.core.authorization import enable_iam_authentication
from reportdesk.cases import actions, audit
from reportdesk.cases import state as casestate
from reportdesk.cases.retention import expiry_day, moment
from reportdesk.core.clock import brussels_date
from reportdesk.followup import store as followup_store
from reportdesk.reminders import rules
from reportdesk.reminders.store import load_cases

from infra.local_aws import POSTPONE_DAYS, RETENTION_DAYS, Resources
from tests.cli.conftest import Inbox, StoreReport, log_in_as_reader

WEB_READER = audit.Actor(id="web-sub", email="lien@example.org", via="web")


def web_inbox(resources: Resources) -> actions.Store:
    """The web inbox's own store, as its Lambda builds it."""
    session = boto3.Session()
    return actions.Store(
        s3=session.client("s3"),
        bucket=resources.reports_bucket,
        key_arn=resources.kms_key_arn,
        botocore_session=session._session,
        audit_bucket=resources.audit_bucket,
        retention_days=RETENTION_DAYS,
        postpone_days=POSTPONE_DAYS,
    )


def set_in_web_inbox(resources: Resources, reference: str, status: str) -> None:
    actions.set_status(web_inbox(resources), reference, status, WEB_READER, datetime.now(UTC))


def web_row(resources: Resources, reference: str) -> dict[str, object]:
    rows = actions.list_reports(web_inbox(resources), datetime.now(UTC))
    return next(row for row in rows if row["reference"] == reference)


def case_of(resources: Resources, report_id: str) -> casestate.CaseState:
    return casestate.read(boto3.client("s3"), resources.reports_bucket, report_id)


def listed_status(inbox: Inbox, reference: str) -> str:
    rows = json.loads(inbox("list", "--json").out)
    status: str = next(row["status"] for row in rows if row["reference"] == reference)
    return status


def test_a_new_report_is_listed_new(store_report: StoreReport, inbox: Inbox) -> None:
    report = store_report()

    assert listed_status(inbox, report.reference) == "new"


@pytest.mark.parametrize("status", ["read", "in_progress", "handled"])
def test_mark_sets_the_status_the_web_inbox_lists(
    store_report: StoreReport, inbox: Inbox, resources: Resources, status: str
) -> None:
    report = store_report()

    result = inbox("mark", report.reference, status)

    assert result.code == 0, result.err
    assert result.out == f"{report.reference} is now {status}.\n"
    assert web_row(resources, report.reference)["status"] == status


def test_the_list_shows_a_status_set_in_the_web_inbox(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()
    set_in_web_inbox(resources, report.reference, "in_progress")

    assert listed_status(inbox, report.reference) == "in_progress"
    line = next(line for line in inbox("list").out.splitlines() if report.reference in line)
    assert "in_progress" in line.split()


def test_show_says_the_status_set_in_the_web_inbox(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()
    set_in_web_inbox(resources, report.reference, "handled")

    head = inbox("show", report.reference).out.split("\n\n")[0]

    assert head.splitlines()[-1].split() == ["Status", "handled"]


def test_show_makes_a_new_report_read_as_the_web_inbox_does(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()

    head = inbox("show", report.reference).out.split("\n\n")[0]

    assert head.splitlines()[-1].split() == ["Status", "read"]
    assert web_row(resources, report.reference)["status"] == "read"
    inbox("show", report.reference, "--json")
    assert [c.status for c in case_of(resources, report.report_id).history] == ["read"]


def test_show_leaves_a_status_set_before_as_it_is(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()
    inbox("mark", report.reference, "in_progress")

    inbox("show", report.reference)

    assert case_of(resources, report.report_id).status == "in_progress"


def test_show_counts_the_childs_messages_as_read_in_the_web_inbox(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()
    session = boto3.Session()
    followup_store.store_entry(
        session.client("s3"),
        resources.reports_bucket,
        "message",
        report.report_id,
        "Het is weer gebeurd.",
        key_arn=resources.kms_key_arn,
        botocore_session=session._session,
        now=datetime.now(UTC),
        metadata={},
    )
    assert web_row(resources, report.reference)["unread_messages"] == 1

    assert "Het is weer gebeurd." in inbox("show", report.reference).out

    assert web_row(resources, report.reference)["unread_messages"] == 0


def test_a_show_that_cannot_decrypt_changes_nothing(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    other_key = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    report = store_report(key_arn=other_key)

    assert inbox("show", report.reference).code == 1

    assert case_of(resources, report.report_id).status == "new"


def test_mark_in_progress_reopens_a_handled_report(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()
    inbox("mark", report.reference, "handled")

    inbox("mark", report.reference, "in_progress")

    case = case_of(resources, report.report_id)
    assert case.status == "in_progress"
    assert case.closed_at is None
    assert [change.status for change in case.history] == ["handled", "in_progress"]


def test_list_status_open_keeps_every_report_not_handled(
    store_report: StoreReport, inbox: Inbox
) -> None:
    new, working, handled = store_report(), store_report(), store_report()
    inbox("mark", working.reference, "in_progress")
    inbox("mark", handled.reference, "handled")

    result = inbox("list", "--status", "open", "--json")

    listed = {row["reference"] for row in json.loads(result.out)}
    assert listed == {new.reference, working.reference}


def test_list_status_filter_takes_the_web_inbox_statuses(
    store_report: StoreReport, inbox: Inbox
) -> None:
    working, other = store_report(), store_report()
    inbox("mark", working.reference, "in_progress")

    result = inbox("list", "--status", "in_progress", "--json")

    assert [row["reference"] for row in json.loads(result.out)] == [working.reference]
    assert other.reference not in result.out


def test_a_report_closed_with_api_inbox_shows_its_expiry_day_in_the_web_inbox(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()

    inbox("mark", report.reference, "handled")

    closed = moment(case_of(resources, report.report_id).closed_at or "")
    expected = brussels_date(closed) + timedelta(days=RETENTION_DAYS)
    assert web_row(resources, report.reference)["expires_on"] == expected.isoformat()


def test_the_reminders_see_the_status_set_with_api_inbox(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    now = datetime.now(UTC)
    report = store_report(received=now - timedelta(days=10))

    def waiting() -> rules.Waiting:
        stored = load_cases(boto3.client("s3"), resources.reports_bucket)
        return rules.waiting([case for case, _key in stored.cases], now, RETENTION_DAYS)

    assert [item.reference for item in waiting().unopened] == [report.reference]
    inbox("mark", report.reference, "in_progress")
    assert waiting().unopened == ()
    assert [item.reference for item in waiting().unanswered] == [report.reference]


def test_the_reminders_delete_a_report_closed_with_api_inbox_after_the_retention(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()

    inbox("mark", report.reference, "handled")

    [(case, _key)] = load_cases(boto3.client("s3"), resources.reports_bucket).cases
    day = expiry_day(case.state, RETENTION_DAYS)
    assert day == brussels_date(datetime.now(UTC)) + timedelta(days=RETENTION_DAYS)
    assert rules.is_due_for_deletion(case, day, RETENTION_DAYS)
    assert not rules.is_due_for_deletion(case, day - timedelta(days=1), RETENTION_DAYS)


def test_mark_changes_nothing_when_the_access_record_refuses_the_entry(
    store_report: StoreReport, inbox: Inbox, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = store_report()
    s3 = boto3.client("s3")
    # Every other right of the readers role, but no s3:PutObject: no entry can be added.
    log_in_as_reader(monkeypatch, ["s3:ListBucket", "s3:GetObject", "sts:GetCallerIdentity"])

    with enable_iam_authentication():
        result = inbox("mark", report.reference, "handled")

    assert result.err == "api-inbox: could not add to the access record; nothing was changed\n"
    assert casestate.read(s3, resources.reports_bucket, report.report_id).status == "new"
