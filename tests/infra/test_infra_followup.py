"""The follow-up function can read only replies and write only messages: its role may decrypt
with `purpose = reply` only, so it can never read a report or a child's message."""

from __future__ import annotations

from conftest import Synth
from test_infra_stack import (
    actions,
    by_path,
    object_paths,
    reports_key_statements,
    role_statements,
)

FOLLOWUP = "Followup/Function/Role/Resource"
INTAKE = "Api/Intake/Role/Resource"
READERS = "Storage/ReadersRole/Resource"


def _key_grants(synth: Synth, role: str) -> set[tuple[str, str]]:
    """(action, purpose) pairs the reports key policy grants the role."""
    return {
        (action, statement["Condition"]["StringEquals"]["kms:EncryptionContext:purpose"])
        for statement in reports_key_statements(synth, role)
        for action in (
            [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        )
    }


def test_followup_role_decrypts_only_with_purpose_reply(synth: Synth) -> None:
    grants = _key_grants(synth, FOLLOWUP)
    assert {purpose for action, purpose in grants if action == "kms:Decrypt"} == {"reply"}


def test_followup_role_generates_data_keys_only_for_messages(synth: Synth) -> None:
    assert _key_grants(synth, FOLLOWUP) == {
        ("kms:Decrypt", "reply"),
        ("kms:GenerateDataKey", "message"),
    }


def test_followup_role_has_no_kms_grant_of_its_own_on_the_reports_key(synth: Synth) -> None:
    key = by_path(synth, "Storage/ReportsKey/Resource")
    for statement in role_statements(synth, FOLLOWUP):
        assert {"Fn::GetAtt": [key, "Arn"]} not in (
            statement["Resource"]
            if isinstance(statement["Resource"], list)
            else [statement["Resource"]]
        )


def test_followup_role_reads_mappings_and_replies_and_writes_only_messages(synth: Synth) -> None:
    statements = [
        s
        for s in role_statements(synth, FOLLOWUP)
        if actions([s]) & {"s3:GetObject", "s3:PutObject"}
    ]
    paths = {action: object_paths(s) for s in statements for action in actions([s])}
    assert paths == {
        "s3:GetObject": ["followup/*", "replies/*", "cases/*"],
        "s3:PutObject": ["messages/*"],
    }


def test_intake_may_write_the_code_mappings(synth: Synth) -> None:
    written = [
        path
        for s in role_statements(synth, INTAKE)
        if actions([s]) == {"s3:PutObject"}
        for path in object_paths(s)
    ]
    assert {"followup/*", "followup-index/*"} <= set(written)


def test_readers_may_encrypt_only_replies(synth: Synth) -> None:
    grants = _key_grants(synth, READERS)
    assert {p for a, p in grants if a == "kms:GenerateDataKey"} == {"reply"}


def test_followup_routes_invoke_the_followup_function(synth: Synth) -> None:
    function = by_path(synth, "Followup/Function/Alias/Resource")
    integrations = synth.template["Resources"]
    for route in synth.resources("AWS::ApiGatewayV2::Route").values():
        key = route["Properties"]["RouteKey"]
        integration = route["Properties"]["Target"]["Fn::Join"][1][1]["Ref"]
        uri = integrations[integration]["Properties"]["IntegrationUri"]
        assert (uri == {"Ref": function}) == key.startswith("POST /api/followup/")


def test_followup_function_environment_names_its_secret(synth: Synth) -> None:
    function = synth.template["Resources"][by_path(synth, "Followup/Function/Function/Resource")]
    variables = function["Properties"]["Environment"]["Variables"]
    assert variables["FOLLOWUP_SECRET_ID"] == {"Ref": by_path(synth, "Api/FollowupSecret/Resource")}
    assert "CHALLENGE_SECRET_ID" not in variables
    assert variables["DAILY_MESSAGES_PER_CODE"] == str(synth.config.daily_messages_per_code)


def test_followup_lists_only_its_own_prefixes(synth: Synth) -> None:
    listing = [s for s in role_statements(synth, FOLLOWUP) if actions([s]) & {"s3:ListBucket"}]
    assert [actions([s]) for s in listing] == [{"s3:ListBucket"}]
    assert [s["Condition"] for s in listing] == [
        {"StringLike": {"s3:prefix": ["followup/*", "replies/*", "messages/*"]}}
    ]
