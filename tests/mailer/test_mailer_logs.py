"""The mailer's logs say which report and what happened, and nothing about anybody."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from reportdesk.core.reference import reference_for
from reportdesk.mailer import handler as mailer

from infra.local_aws import Resources
from tests.mailer.support import CONTENT, StoredReport, queue_event, submit_report


def test_logs_carry_report_id_and_outcome_but_no_personal_data_or_addresses(
    resources: Resources,
    clients: mailer.Clients,
    put_report: Callable[..., StoredReport],
    caplog: pytest.LogCaptureFixture,
) -> None:
    reference = submit_report(CONTENT)
    failing = put_report()
    clients.s3.delete_object(Bucket=resources.reports_bucket, Key=failing.key)
    clients.s3.put_object(Bucket=resources.reports_bucket, Key=failing.key, Body=b"")
    mailer.handler(queue_event(resources), None)

    # Formatted by the mailer's own Powertools formatter: exactly what goes to CloudWatch.
    formatter = mailer.logger.registered_formatter
    out = "\n".join(formatter.format(r) for r in caplog.records if r.name == "mailer")
    lines = [json.loads(line) for line in out.splitlines()]
    outcomes = {(line.get("report_id"), line.get("outcome")) for line in lines}
    [emailed] = [line for line in lines if line.get("outcome") == "emailed"]
    assert reference_for(emailed["report_id"]) == reference
    assert (failing.report_id, "failed") in outcomes
    for value in [*CONTENT.values(), resources.sender, *resources.recipients]:
        assert value not in out
