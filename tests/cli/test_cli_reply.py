"""`api-inbox reply` leaves what a reply in the web inbox leaves: an access record entry first, and
the reply's time in the case state."""

from __future__ import annotations

import boto3
from reportdesk.cases import audit
from reportdesk.cases import state as casestate
from reportdesk.followup import store as followup_store

from infra.local_aws import Resources
from tests.cli.conftest import Inbox, StoreReport


def test_reply_is_on_the_access_record_and_in_the_case_state(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()
    s3 = boto3.client("s3")

    assert inbox("reply", report.reference, "--message", "We lezen mee.").code == 0

    [entry] = audit.entries(s3, resources.audit_bucket, report.report_id)
    assert (entry.action, entry.actor.via) == ("reply", "api-inbox")
    [reply] = followup_store.thread(s3, resources.reports_bucket, report.report_id)
    case = casestate.read(s3, resources.reports_bucket, report.report_id)
    assert case.last_reply_at == casestate.iso(reply.sent_at)
