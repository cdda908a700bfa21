"""The scheduled reminders and overview: their schedules, roles without any KMS use, alarms, and a
bucket lifecycle that can never delete an open case."""

from __future__ import annotations

import json
from typing import Any

from conftest import Synth
from test_infra_stack import (
    CRYPTO_ACTIONS,
    actions,
    alarm_metrics,
    as_list,
    by_path,
    lifecycle,
    object_paths,
    reports_key_statements,
    role_statements,
)

DAILY = "Reminders/Daily/Role/Resource"
WEEKLY = "Reminders/Weekly/Role/Resource"
FOLLOWUP = "Followup/Function/Role/Resource"
RECORD = "Inbox/AccessRecord/Resource"
# Where a report's case lives: no lifecycle expiration may ever reach these.
CASE_PREFIXES = ("reports/", "replies/", "messages/", "followup/", "followup-index/", "cases/")


def schedules(synth: Synth) -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in synth.resources("AWS::Scheduler::Schedule").items()
    }


def schedule_of(synth: Synth, function_path: str) -> dict[str, Any]:
    function = by_path(synth, f"{function_path}/Function/Resource")
    [found] = [
        props
        for props in schedules(synth).values()
        if props["Target"]["Arn"] == {"Fn::GetAtt": [function, "Arn"]}
    ]
    return found


def test_reminders_run_working_days_at_nine_brussels_time(synth: Synth) -> None:
    schedule = schedule_of(synth, "Reminders/Daily")
    assert schedule["ScheduleExpression"] == "cron(0 9 ? * MON-FRI *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Brussels"
    assert schedule["State"] == "ENABLED"


def test_overview_runs_weekly(synth: Synth) -> None:
    schedule = schedule_of(synth, "Reminders/Weekly")
    assert schedule["ScheduleExpression"] == "cron(0 8 ? * MON *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Brussels"


def test_scheduled_roles_use_no_key_at_all(synth: Synth) -> None:
    for role in (DAILY, WEEKLY):
        assert not actions(role_statements(synth, role)) & CRYPTO_ACTIONS
        assert reports_key_statements(synth, role) == []


def test_scheduled_roles_read_only_report_metadata_and_case_states(synth: Synth) -> None:
    for role in (DAILY, WEEKLY):
        reads = [s for s in role_statements(synth, role) if "s3:GetObject" in as_list(s["Action"])]
        assert [path for s in reads for path in object_paths(s)] == ["reports/*", "cases/*"]


def test_only_the_daily_run_deletes_and_only_traces_of_reports(synth: Synth) -> None:
    deletes = [
        s for s in role_statements(synth, DAILY) if "s3:DeleteObjectVersion" in as_list(s["Action"])
    ]
    paths = {path for s in deletes for path in object_paths(s)}
    assert paths == {
        "reports/*",
        "replies/*",
        "messages/*",
        "followup/*",
        "followup-index/*",
        "notified/*",
        "notifying/*",
        "digest/*",
        "submissions/*",
        "cases/*",
    }
    assert "s3:DeleteObjectVersion" not in actions(role_statements(synth, WEEKLY))


def test_the_daily_run_may_only_add_entries_to_the_access_record(synth: Synth) -> None:
    record = by_path(synth, RECORD)
    on_record = [s for s in role_statements(synth, DAILY) if record in json.dumps(s["Resource"])]
    assert [(s["Effect"], s["Action"], s["Resource"]) for s in on_record] == [
        ("Allow", "s3:PutObject", {"Fn::Join": ["", [{"Fn::GetAtt": [record, "Arn"]}, "/*"]]})
    ]
    assert record not in json.dumps(role_statements(synth, WEEKLY))


def test_the_daily_run_knows_the_access_record(synth: Synth) -> None:
    def variables(path: str) -> dict[str, Any]:
        function = synth.template["Resources"][by_path(synth, f"{path}/Function/Resource")]
        found: dict[str, Any] = function["Properties"]["Environment"]["Variables"]
        return found

    assert variables("Reminders/Daily")["AUDIT_BUCKET"] == {"Ref": by_path(synth, RECORD)}
    assert "AUDIT_BUCKET" not in variables("Reminders/Weekly")


def test_scheduled_functions_send_mail_as_the_sender(synth: Synth) -> None:
    for role in (DAILY, WEEKLY):
        assert "ses:SendEmail" in actions(role_statements(synth, role))


def test_reminders_know_the_retention_and_the_overview_its_recipients(synth: Synth) -> None:
    function = synth.template["Resources"][by_path(synth, "Reminders/Daily/Function/Resource")]
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["RETENTION_DAYS"] == str(synth.config.retention_days)
    assert variables["OVERVIEW_RECIPIENTS"] == ",".join(synth.config.alarm_emails)
    assert variables["MAIL_RECIPIENTS"] == ",".join(synth.config.recipients)


def test_alarms_on_scheduled_function_errors(synth: Synth) -> None:
    errors = alarm_metrics(synth)[("AWS/Lambda", "Errors")]
    for path in ("Reminders/Daily", "Reminders/Weekly"):
        assert {"Ref": by_path(synth, f"{path}/Function/Resource")} in errors


def test_no_lifecycle_rule_can_expire_an_open_case(synth: Synth) -> None:
    for rule in lifecycle(synth).values():
        if "ExpirationInDays" not in rule and "ExpirationDate" not in rule:
            continue
        prefix = rule.get("Prefix") or rule.get("Filter", {}).get("Prefix")
        assert prefix, f"rule {rule['Id']} expires current objects of every prefix"
        assert not any(
            case.startswith(prefix) or prefix.startswith(case) for case in CASE_PREFIXES
        ), rule["Id"]


def test_followup_reads_case_states_to_show_the_status(synth: Synth) -> None:
    reads = [s for s in role_statements(synth, FOLLOWUP) if "s3:GetObject" in as_list(s["Action"])]
    assert "cases/*" in [path for s in reads for path in object_paths(s)]
