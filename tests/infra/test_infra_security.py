"""Who can read reports (issue 16, items 1, 4 and 7): no administrator can quietly give themselves
use of the reports key or read report objects; changes alarm; the API persons need MFA or
Identity Center; deleting is its own role; access logs live no longer than reports."""

from __future__ import annotations

import json
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from aws_cdk import App, Stack
from conftest import Synth
from test_infra_stack import (
    INTAKE,
    READERS,
    actions,
    as_list,
    by_path,
    object_paths,
    reports_key_statements,
    role_statements,
)

try:
    from infra.storage import _key_admin
except ImportError:
    _key_admin = None

ROOT = Path(__file__).resolve().parents[2]
DELETE = "Storage/ReadersDeleteRole/Resource"
SHARING = ("kms:CreateGrant", "kms:PutKeyPolicy")
CONTENT_PATHS = {"reports/*", "replies/*", "messages/*"}


def key_policy(synth: Synth) -> list[dict[str, Any]]:
    key = synth.template["Resources"][by_path(synth, "Storage/ReportsKey/Resource")]
    statements: list[dict[str, Any]] = key["Properties"]["KeyPolicy"]["Statement"]
    return statements


def allows(statement: dict[str, Any], action: str) -> bool:
    return any(fnmatch(action, pattern) for pattern in as_list(statement["Action"]))


def is_root(statement: dict[str, Any]) -> bool:
    return ":root" in json.dumps(statement["Principal"])


# --- the reports key --------------------------------------------------------------------------


def test_account_cannot_share_the_reports_key_without_a_named_role(synth: Synth) -> None:
    for statement in key_policy(synth):
        if any(allows(statement, action) for action in SHARING):
            assert "aws:PrincipalArn" in statement["Condition"]["ArnEquals"], statement


def test_no_one_may_create_grants_on_the_reports_key_without_break_glass(synth: Synth) -> None:
    assert synth.config.key_break_glass is None
    assert not [s for s in key_policy(synth) if allows(s, "kms:CreateGrant")]


def test_only_the_deployment_role_writes_the_reports_key_policy(synth: Synth) -> None:
    [writer] = [s for s in key_policy(synth) if allows(s, "kms:PutKeyPolicy")]
    assert writer["Condition"] == {
        "ArnEquals": {
            "aws:PrincipalArn": {
                "Fn::Sub": "arn:${AWS::Partition}:iam::111111111111:role/"
                "cdk-hnb659fds-cfn-exec-role-111111111111-eu-west-1"
            }
        }
    }
    assert as_list(writer["Action"]) == ["kms:PutKeyPolicy"]


def test_account_keeps_the_harmless_key_administration(synth: Synth) -> None:
    # The key can never become unmanageable: the account still sees, enables, rotates, tags,
    # revokes grants and schedules or cancels deletion, without any condition.
    unconditioned = [s for s in key_policy(synth) if is_root(s) and "Condition" not in s]
    for action in (
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:ListGrants",
        "kms:EnableKey",
        "kms:EnableKeyRotation",
        "kms:RevokeGrant",
        "kms:TagResource",
        "kms:ScheduleKeyDeletion",
        "kms:CancelKeyDeletion",
    ):
        assert any(allows(s, action) for s in unconditioned), action


def test_break_glass_role_alone_may_share_the_key() -> None:
    stack = Stack(App(), "KeyPolicy")
    arn = "arn:aws:iam::210987654321:role/reportdesk-break-glass"
    statements = [s.to_statement_json() for s in _key_admin(stack, arn)]
    [glass] = [s for s in statements if allows(s, "kms:CreateGrant")]
    assert set(as_list(glass["Action"])) == set(SHARING)
    assert glass["Condition"] == {"ArnEquals": {"aws:PrincipalArn": arn}}


# --- the reports bucket -----------------------------------------------------------------------


def content_guard(synth: Synth) -> dict[str, Any]:
    bucket = by_path(synth, "Storage/Bucket/Resource")
    [policy] = [
        p
        for p in synth.resources("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket}
    ]
    [deny] = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Sid") == "OnlyNamedRolesGetContent"
    ]
    return deny


def test_bucket_denies_content_to_every_principal_but_named_roles(synth: Synth) -> None:
    deny = content_guard(synth)
    assert (deny["Effect"], deny["Principal"]) == ("Deny", {"AWS": "*"})
    assert set(as_list(deny["Action"])) == {"s3:GetObject", "s3:GetObjectVersion"}
    assert set(object_paths(deny)) == CONTENT_PATHS
    assert list(deny["Condition"]) == ["ArnNotEquals"]


def test_bucket_names_exactly_the_roles_that_may_get_content(synth: Synth) -> None:
    named = {
        arn["Fn::GetAtt"][0]
        for arn in as_list(content_guard(synth)["Condition"]["ArnNotEquals"]["aws:PrincipalArn"])
    }
    getters = set()
    for policy in synth.resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if actions([statement]) & {"s3:GetObject", "s3:GetObjectVersion"} and (
                "reportdesk-staging-reports-" in json.dumps(statement["Resource"])
                and set(object_paths(statement)) & CONTENT_PATHS
            ):
                getters |= {role["Ref"] for role in policy["Properties"]["Roles"]}
    assert named == getters
    assert by_path(synth, "Api/Intake/Role/Resource") not in named


# --- alarms -----------------------------------------------------------------------------------


def access_rules(synth: Synth) -> dict[str, dict[str, Any]]:
    return {
        rule["Properties"]["EventPattern"]["source"][0]: rule["Properties"]
        for rule in synth.resources("AWS::Events::Rule").values()
        if "EventPattern" in rule["Properties"]
    }


def test_reports_key_changes_mail_the_maintainers(synth: Synth) -> None:
    rule = access_rules(synth)["aws.kms"]
    pattern = rule["EventPattern"]
    assert pattern["detail-type"] == ["AWS API Call via CloudTrail"]
    assert set(pattern["detail"]["eventName"]) == {
        "PutKeyPolicy",
        "CreateGrant",
        "DisableKey",
        "ScheduleKeyDeletion",
    }
    key = by_path(synth, "Storage/ReportsKey/Resource")
    arn = {"Fn::GetAtt": [key, "Arn"]}
    assert pattern["detail"]["$or"] == [
        {"resources": {"ARN": [arn]}},
        {"requestParameters": {"keyId": [arn, {"Ref": key}]}},
    ]
    [target] = rule["Targets"]
    assert target["Arn"] == {"Ref": by_path(synth, "Alarms/Topic/Resource")}


def test_reports_bucket_policy_changes_mail_the_maintainers(synth: Synth) -> None:
    rule = access_rules(synth)["aws.s3"]
    detail = rule["EventPattern"]["detail"]
    assert set(detail["eventName"]) == {"PutBucketPolicy", "DeleteBucketPolicy"}
    assert detail["requestParameters"]["bucketName"] == [
        "reportdesk-staging-reports-111111111111-eu-west-1"
    ]
    [target] = rule["Targets"]
    assert target["Arn"] == {"Ref": by_path(synth, "Alarms/Topic/Resource")}


def test_changes_to_the_stack_s_roles_mail_the_maintainers(synth: Synth) -> None:
    rule = access_rules(synth)["aws.iam"]
    detail = rule["EventPattern"]["detail"]
    assert {"UpdateAssumeRolePolicy", "PutRolePolicy", "AttachRolePolicy"} <= set(
        detail["eventName"]
    )
    assert detail["requestParameters"]["roleName"] == [{"prefix": "ReportDesk-staging-"}]
    # The prefix holds because CloudFormation names every role `<stack>-<logical id>-<suffix>`.
    assert all(
        "RoleName" not in r["Properties"] for r in synth.resources("AWS::IAM::Role").values()
    )
    [target] = rule["Targets"]
    assert target["Arn"] == {"Ref": by_path(synth, "Alarms/Topic/Resource")}


def test_iam_calls_recorded_in_us_east_1_reach_the_alarm_rule(synth: Synth) -> None:
    [rule] = [
        r["Properties"]
        for r in synth.edge_template["Resources"].values()
        if r["Type"] == "AWS::Events::Rule"
    ]
    assert rule["EventPattern"] == access_rules(synth)["aws.iam"]["EventPattern"]
    [target] = rule["Targets"]
    assert json.dumps(target["Arn"]).endswith(
        ':events:eu-west-1:111111111111:event-bus/default"]]}'
    )


def test_functions_made_to_run_with_the_stack_s_roles_mail_the_maintainers(
    synth: Synth,
) -> None:
    rule = access_rules(synth)["aws.lambda"]
    detail = rule["EventPattern"]["detail"]
    assert "CreateFunction20150331" in detail["eventName"]
    assert detail["requestParameters"]["role"] == [
        {"wildcard": "arn:*:iam::*:role/ReportDesk-staging-*"}
    ]


def test_eventbridge_may_publish_to_the_alarm_topic(synth: Synth) -> None:
    topic = {"Ref": by_path(synth, "Alarms/Topic/Resource")}
    [policy] = synth.resources("AWS::SNS::TopicPolicy").values()
    publishers = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Allow" and s.get("Principal") == {"Service": "events.amazonaws.com"}
    ]
    assert [(s["Action"], s["Resource"]) for s in publishers] == [("sns:Publish", topic)]


# --- the API persons' roles -------------------------------------------------------------------


def trust(synth: Synth, role_path: str) -> list[dict[str, Any]]:
    role = synth.template["Resources"][by_path(synth, role_path)]
    statements: list[dict[str, Any]] = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    return statements


def test_readers_and_delete_roles_need_mfa_or_identity_center(synth: Synth) -> None:
    for role in (READERS, DELETE):
        conditions = [s.get("Condition") for s in trust(synth, role)]
        assert len(conditions) == 2
        assert {"Bool": {"aws:MultiFactorAuthPresent": "true"}} in conditions
        [sso] = [c for c in conditions if c and "ArnLike" in c]
        assert json.dumps(sso["ArnLike"]["aws:PrincipalArn"]).endswith(
            ':iam::*:role/aws-reserved/sso.amazonaws.com/*"]]}'
        )


def test_readers_role_cannot_delete(synth: Synth) -> None:
    assert not {a for a in actions(role_statements(synth, READERS)) if a.startswith("s3:Delete")}


def test_delete_role_removes_a_report_with_its_thread_and_mail_traces(synth: Synth) -> None:
    deletes = [
        path
        for s in role_statements(synth, DELETE)
        if actions([s]) == {"s3:DeleteObject", "s3:DeleteObjectVersion"}
        for path in object_paths(s)
    ]
    assert set(deletes) == {
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


def test_delete_role_can_never_decrypt(synth: Synth) -> None:
    assert reports_key_statements(synth, DELETE) == []
    assert not {a for a in actions(role_statements(synth, DELETE)) if a.startswith("kms:")}


def granted_on(synth: Synth, role: str, path: str) -> set[str]:
    """The actions the role may do on the reports bucket's objects under `path` (`cases/*`)."""
    return {
        action
        for s in role_statements(synth, role)
        if f'/{path}"' in json.dumps(s["Resource"])
        for action in as_list(s["Action"])
    }


def test_api_inbox_reads_and_changes_the_case_state_as_the_web_inbox(synth: Synth) -> None:
    assert granted_on(synth, READERS, "cases/*") == {"s3:GetObject", "s3:PutObject"}


def test_delete_role_reads_the_status_and_deletes_the_case_state_only(synth: Synth) -> None:
    assert granted_on(synth, DELETE, "cases/*") == {
        "s3:GetObject",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
    }


def test_no_role_writes_or_reads_object_tags(synth: Synth) -> None:
    # A report's status is its case state; the old `status` tag is read by nothing any more.
    for role in (READERS, DELETE, INTAKE):
        assert not {a for a in actions(role_statements(synth, role)) if "Tagging" in a}, role


def test_examples_name_no_iam_users() -> None:
    files = [
        *sorted((ROOT / "infra" / "config").glob("*.yml")),
        ROOT / "README.md",
        *sorted((ROOT / "guides").glob("*.md")),
    ]
    for file in files:
        assert ":user/" not in file.read_text(encoding="utf-8"), file.name


# --- what deleting leaves behind --------------------------------------------------------------


def test_access_logs_expire_within_report_retention(synth: Synth) -> None:
    bucket = synth.template["Resources"][by_path(synth, "AccessLogs/Resource")]
    [rule] = bucket["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == synth.config.access_log_days
    assert rule["ExpirationInDays"] <= synth.config.retention_days
