"""The web inbox in the stack: who may sign in and how, the routes behind the JWT authorizer, who
may decrypt, and an access record nobody can rewrite."""

from __future__ import annotations

from typing import Any

from conftest import Synth
from test_infra_stack import (
    actions,
    as_list,
    by_path,
    function,
    reports_key_statements,
    role_statements,
)

from infra.inbox import INBOX_ROUTES

INBOX = "Inbox/Function/Role/Resource"
SIGNIN = "Inbox/SignIn/Role/Resource"
POOL = "Inbox/UserPool/Resource"
CLIENT = "Inbox/UserPool/Client/Resource"
RECORD = "Inbox/AccessRecord/Resource"
# What would let someone remove or rewrite an access record entry before its retention ends.
RECORD_TAMPERING = {
    "s3:*",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:DeleteObject*",
    "s3:PutObjectRetention",
    "s3:PutObjectLegalHold",
    "s3:BypassGovernanceRetention",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:DeleteBucket",
    "s3:PutBucketPolicy",
}


def resource(synth: Synth, path: str) -> dict[str, Any]:
    found: dict[str, Any] = synth.template["Resources"][by_path(synth, path)]["Properties"]
    return found


def test_mfa_is_required_with_an_authenticator_app(synth: Synth) -> None:
    pool = resource(synth, POOL)
    assert pool["MfaConfiguration"] == "ON"
    assert pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


def test_nobody_can_sign_up_alone(synth: Synth) -> None:
    assert resource(synth, POOL)["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_passwords_have_at_least_12_characters(synth: Synth) -> None:
    assert resource(synth, POOL)["Policies"]["PasswordPolicy"]["MinimumLength"] >= 12


def test_threat_protection_is_enforced(synth: Synth) -> None:
    assert resource(synth, POOL)["UserPoolAddOns"]["AdvancedSecurityMode"] == "ENFORCED"


def test_app_client_is_public_with_password_sign_in_and_refresh_only(synth: Synth) -> None:
    client = resource(synth, CLIENT)
    assert client["GenerateSecret"] is False
    assert sorted(client["ExplicitAuthFlows"]) == [
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
    ]
    assert client["AllowedOAuthFlowsUserPoolClient"] is False


def minutes(client: dict[str, Any], token: str) -> int:
    unit = client["TokenValidityUnits"][token]
    value = int(client[f"{token}Validity"])
    return {"minutes": value, "hours": value * 60, "days": value * 1440}[unit]


def test_tokens_last_15_minutes_and_a_session_8_hours_at_most(synth: Synth) -> None:
    client = resource(synth, CLIENT)
    assert minutes(client, "AccessToken") <= 15
    assert minutes(client, "IdToken") <= 15
    assert minutes(client, "RefreshToken") <= 8 * 60
    assert client["EnableTokenRevocation"] is True


def test_readers_group_exists(synth: Synth) -> None:
    groups = synth.resources("AWS::Cognito::UserPoolGroup").values()
    assert [g["Properties"]["GroupName"] for g in groups] == ["readers"]


def test_every_inbox_route_is_behind_the_pools_jwt_authorizer(synth: Synth) -> None:
    authorizers = synth.resources("AWS::ApiGatewayV2::Authorizer")
    assert len(authorizers) == 1
    [(authorizer_id, authorizer)] = authorizers.items()
    jwt = authorizer["Properties"]["JwtConfiguration"]
    assert jwt["Audience"] == [{"Ref": by_path(synth, CLIENT)}]
    assert {"Ref": by_path(synth, POOL)} in jwt["Issuer"]["Fn::Join"][1]
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in synth.resources("AWS::ApiGatewayV2::Route").values()
    }
    inbox_routes = {k: v for k, v in routes.items() if " /api/inbox/reports" in k}
    assert sorted(inbox_routes) == sorted(f"{m.value} {p}" for m, p in INBOX_ROUTES)
    for route in inbox_routes.values():
        assert route["AuthorizationType"] == "JWT"
        assert route["AuthorizerId"] == {"Ref": authorizer_id}


def test_only_the_sign_in_steps_are_open_under_api_inbox(synth: Synth) -> None:
    routes = [r["Properties"] for r in synth.resources("AWS::ApiGatewayV2::Route").values()]
    open_routes = [
        r["RouteKey"]
        for r in routes
        if "/api/inbox/" in r["RouteKey"] and r.get("AuthorizationType", "NONE") == "NONE"
    ]
    assert open_routes
    assert all(key.startswith("POST /api/inbox/auth/") for key in open_routes)


def test_inbox_decrypts_only_reports_replies_and_messages(synth: Synth) -> None:
    decrypts = [s for s in reports_key_statements(synth, INBOX) if s["Action"] == "kms:Decrypt"]
    purposes = {s["Condition"]["StringEquals"]["kms:EncryptionContext:purpose"] for s in decrypts}
    assert purposes == {"report", "reply", "message"}


def test_inbox_encrypts_only_replies(synth: Synth) -> None:
    encrypts = [
        s
        for s in reports_key_statements(synth, INBOX)
        if {"kms:Encrypt", "kms:GenerateDataKey"} & set(as_list(s["Action"]))
    ]
    assert [s["Condition"]["StringEquals"]["kms:EncryptionContext:purpose"] for s in encrypts] == [
        "reply"
    ]


def test_every_decrypt_on_the_reports_key_has_a_purpose_condition(synth: Synth) -> None:
    key = resource(synth, "Storage/ReportsKey/Resource")
    for statement in key["KeyPolicy"]["Statement"]:
        if {"kms:Decrypt", "kms:*"} & set(as_list(statement["Action"])):
            purpose = statement["Condition"]["StringEquals"]["kms:EncryptionContext:purpose"]
            assert purpose in {"report", "reply", "message"}


def test_no_role_decrypts_without_a_condition(synth: Synth) -> None:
    for policy in synth.resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if {"kms:Decrypt", "kms:*"} & set(as_list(statement["Action"])):
                assert statement.get("Condition"), statement


def test_sign_in_function_has_no_permission_beyond_its_logs_and_the_origin_check(
    synth: Synth,
) -> None:
    assert actions(role_statements(synth, SIGNIN)) == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
    }


def test_access_record_is_locked_in_compliance_mode_for_the_configured_days(
    synth: Synth,
) -> None:
    record = resource(synth, RECORD)
    assert record["ObjectLockEnabled"] is True
    assert record["VersioningConfiguration"]["Status"] == "Enabled"
    retention = record["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
    assert retention == {"Mode": "COMPLIANCE", "Days": synth.config.audit_retention_days}


def statements_on_record(synth: Synth) -> list[dict[str, Any]]:
    record = by_path(synth, RECORD)
    return [
        statement
        for policy in synth.resources("AWS::IAM::Policy").values()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if record in str(statement["Resource"])
    ]


def test_inbox_and_api_inbox_can_add_to_the_access_record(synth: Synth) -> None:
    for role in (INBOX, "Storage/ReadersRole/Resource", "Storage/ReadersDeleteRole/Resource"):
        record = by_path(synth, RECORD)
        on_record = [s for s in role_statements(synth, role) if record in str(s["Resource"])]
        assert "s3:PutObject" in actions(on_record)


def test_no_role_can_delete_or_rewrite_access_record_entries(synth: Synth) -> None:
    assert statements_on_record(synth)
    assert not actions(statements_on_record(synth)) & RECORD_TAMPERING


def test_postpone_is_behind_the_authorizer_and_gets_its_period(synth: Synth) -> None:
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]
        for r in synth.resources("AWS::ApiGatewayV2::Route").values()
    }
    postpone = routes["POST /api/inbox/reports/{reference}/postpone"]
    assert postpone["AuthorizationType"] == "JWT"
    variables = function(synth, "Inbox/Function/Function/Resource")["Environment"]["Variables"]
    assert variables["POSTPONE_DAYS"] == str(synth.config.postpone_days)
    assert variables["RETENTION_DAYS"] == str(synth.config.retention_days)
