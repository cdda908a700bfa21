"""`api-inbox reply` leaves what a reply in the web inbox leaves: the reply's time in the case state
(its access record entry: test_cli_access_record.py)."""

from __future__ import annotations

import boto3
from reportdesk.cases import state as casestate
from reportdesk.followup import store as followup_store

from infra.local_aws import Resources
from tests.cli.conftest import Inbox, StoreReport


def test_reply_time_is_in_the_case_state(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()
    s3 = boto3.client("s3")

    assert inbox("reply", report.reference, "--message", "We lezen mee.").code == 0

    [reply] = followup_store.thread(s3, resources.reports_bucket, report.report_id)
    case = casestate.read(s3, resources.reports_bucket, report.report_id)
    assert case.last_reply_at == casestate.iso(reply.sent_at)
