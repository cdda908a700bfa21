"""The form cannot be silenced cheaply (issue 16, item 3): AWS WAF on CloudFront with per-IP
limits and the IP reputation list, the stage throttle above them, and an origin-verify header
so that the public execute-api address is no way around the WAF."""

from __future__ import annotations

from typing import Any

from conftest import Synth
from reportdesk.runtime import rate_limited
from test_infra_stack import as_list, by_path, distribution, function, role_statements

from infra.config import CONFIG_DIR, STAGE_HEADROOM_CLIENTS, WAF_WINDOW_SECONDS
from infra.edge import RATE_LIMITED_LABEL


def web_acl(synth: Synth) -> dict[str, Any]:
    [acl] = [
        r["Properties"]
        for r in synth.edge_template["Resources"].values()
        if r["Type"] == "AWS::WAFv2::WebACL"
    ]
    return acl


def rules(synth: Synth) -> dict[str, dict[str, Any]]:
    return {rule["Name"]: rule for rule in web_acl(synth)["Rules"]}


def path_match(statement: dict[str, Any]) -> tuple[str, str]:
    match = statement["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"UriPath": {}}
    return match["PositionalConstraint"], match["SearchString"]


def test_web_acl_is_a_cloudfront_acl_in_us_east_1(synth: Synth) -> None:
    assert web_acl(synth)["Scope"] == "CLOUDFRONT"
    assert synth.environments == {
        f"{synth.config.stack_name}-edge": "aws://111111111111/us-east-1",
        synth.config.stack_name: f"aws://111111111111/{synth.config.region}",
    }


def test_distribution_is_behind_the_web_acl(synth: Synth) -> None:
    acl = distribution(synth)["WebACLId"]
    # CDK's cross-region reference: the edge stack's web ACL ARN, read from SSM at deploy time.
    assert acl["Fn::GetAtt"][0] == by_path(synth, "ExportsReader/Resource/Default")
    assert acl["Fn::GetAtt"][1].endswith("FnGetAttWebAclArn9DDBC8B6")


def test_known_bad_addresses_are_blocked_first(synth: Synth) -> None:
    rule = rules(synth)["IpReputation"]
    assert rule["Priority"] == 0
    assert rule["Statement"] == {
        "ManagedRuleGroupStatement": {
            "VendorName": "AWS",
            "Name": "AWSManagedRulesAmazonIpReputationList",
        }
    }
    assert rule["OverrideAction"] == {"None": {}}


def rate_rule(synth: Synth, name: str) -> dict[str, Any]:
    rule = rules(synth)[name]
    statement: dict[str, Any] = rule["Statement"]["RateBasedStatement"]
    assert statement["AggregateKeyType"] == "IP"
    assert statement["EvaluationWindowSec"] == WAF_WINDOW_SECONDS
    # It labels an address over its limit; the TooMany rules block it with a readable answer.
    assert rule["Action"] == {"Count": {}}
    assert rule["RuleLabels"] == [{"Name": RATE_LIMITED_LABEL}]
    return statement


def test_every_api_request_is_limited_per_ip(synth: Synth) -> None:
    statement = rate_rule(synth, "ApiPerIp")
    assert statement["Limit"] == synth.config.waf_api_limit
    assert path_match(statement["ScopeDownStatement"]) == ("STARTS_WITH", "/api/")


def test_reports_and_followup_writes_have_a_tighter_per_ip_limit(synth: Synth) -> None:
    statement = rate_rule(synth, "WritesPerIp")
    assert statement["Limit"] == synth.config.waf_write_limit < synth.config.waf_api_limit
    method, paths = statement["ScopeDownStatement"]["AndStatement"]["Statements"]
    assert method["ByteMatchStatement"]["FieldToMatch"] == {"Method": {}}
    assert method["ByteMatchStatement"]["SearchString"] == "POST"
    assert [path_match(p) for p in paths["OrStatement"]["Statements"]] == [
        ("EXACTLY", "/api/reports"),
        ("STARTS_WITH", "/api/followup/"),
    ]
    # Evaluated before the general limit, so a write flood is counted by both.
    assert rules(synth)["WritesPerIp"]["Priority"] < rules(synth)["ApiPerIp"]["Priority"]


def too_many(synth: Synth, name: str) -> tuple[dict[str, Any], str, dict[str, str]]:
    """A blocking rule's statement, and the content type and headers of its 429 answer."""
    rule = rules(synth)[name]
    response = rule["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    body = web_acl(synth)["CustomResponseBodies"][response["CustomResponseBodyKey"]]
    headers = {h["Name"]: h["Value"] for h in response["ResponseHeaders"]}
    assert rule["Priority"] > max(rules(synth)[r]["Priority"] for r in ("WritesPerIp", "ApiPerIp"))
    return rule["Statement"], body["ContentType"], {"Content": body["Content"], **headers}


LABELLED = {"LabelMatchStatement": {"Scope": "LABEL", "Key": RATE_LIMITED_LABEL}}


def test_a_form_posted_without_javascript_past_a_limit_gets_a_page_in_every_language(
    synth: Synth,
) -> None:
    statement, content_type, answer = too_many(synth, "TooManyFormPosts")
    labelled, form = statement["AndStatement"]["Statements"]
    assert labelled == LABELLED
    assert form["ByteMatchStatement"]["FieldToMatch"] == {"SingleHeader": {"Name": "content-type"}}
    assert form["ByteMatchStatement"]["PositionalConstraint"] == "STARTS_WITH"
    assert form["ByteMatchStatement"]["SearchString"] == "application/x-www-form-urlencoded"
    assert form["ByteMatchStatement"]["TextTransformations"] == [
        {"Priority": 0, "Type": "LOWERCASE"}
    ]
    assert content_type == "TEXT_HTML"
    assert answer == {"Content": rate_limited.html_body(), "Retry-After": str(WAF_WINDOW_SECONDS)}


def test_every_other_request_past_a_limit_gets_the_apis_error_code(synth: Synth) -> None:
    statement, content_type, answer = too_many(synth, "TooManyRequests")
    assert statement == LABELLED
    assert content_type == "APPLICATION_JSON"
    assert answer == {"Content": rate_limited.json_body(), "Retry-After": str(WAF_WINDOW_SECONDS)}
    # After the page's rule: a form post gets the page, not JSON.
    assert (
        rules(synth)["TooManyFormPosts"]["Priority"] < rules(synth)["TooManyRequests"]["Priority"]
    )


def test_only_the_rate_rules_block_or_label(synth: Synth) -> None:
    # Nothing else may set the label the TooMany rules block on, and nothing else blocks.
    labelling = {name for name, rule in rules(synth).items() if rule.get("RuleLabels")}
    blocking = {name for name, rule in rules(synth).items() if "Block" in rule.get("Action", {})}
    assert labelling == {"WritesPerIp", "ApiPerIp"}
    assert blocking == {"TooManyFormPosts", "TooManyRequests"}


def test_waf_keeps_no_sample_of_children_s_requests(synth: Synth) -> None:
    configs = [web_acl(synth)["VisibilityConfig"]]
    configs += [rule["VisibilityConfig"] for rule in web_acl(synth)["Rules"]]
    assert all(c["SampledRequestsEnabled"] is False for c in configs)
    assert all(c["CloudWatchMetricsEnabled"] is True for c in configs)


def test_stage_carries_many_clients_at_the_per_ip_limit(synth: Synth) -> None:
    [stage] = synth.resources("AWS::ApiGatewayV2::Stage").values()
    rate = stage["Properties"]["DefaultRouteSettings"]["ThrottlingRateLimit"]
    per_ip_rate = synth.config.waf_api_limit / WAF_WINDOW_SECONDS
    assert rate >= STAGE_HEADROOM_CLIENTS * per_ip_rate


def test_config_files_write_down_the_limits_and_the_cost() -> None:
    for file in sorted(CONFIG_DIR.glob("*.yml")):
        text = file.read_text(encoding="utf-8")
        assert "waf_api_limit: 300" in text and "waf_write_limit: 30" in text, file.name
        assert "per 5 minutes" in text and "USD a month" in text, file.name


# --- origin verify ----------------------------------------------------------------------------


def secret_ref(synth: Synth) -> dict[str, str]:
    return {"Ref": by_path(synth, "Api/OriginVerifySecret/Resource")}


def test_cloudfront_sends_the_origin_verify_secret_to_the_api_only(synth: Synth) -> None:
    origins = distribution(synth)["Origins"]
    [api] = [o for o in origins if "CustomOriginConfig" in o]
    [header] = api["OriginCustomHeaders"]
    assert header["HeaderName"] == "X-Origin-Verify"
    assert header["HeaderValue"] == {
        "Fn::Join": ["", ["{{resolve:secretsmanager:", secret_ref(synth), ":SecretString:::}}"]]
    }
    assert all("OriginCustomHeaders" not in o for o in origins if o is not api)


def test_origin_verify_secret_is_generated_not_written_down(synth: Synth) -> None:
    secret = synth.template["Resources"][by_path(synth, "Api/OriginVerifySecret/Resource")]
    assert "SecretString" not in secret["Properties"]
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] == 64


def test_api_functions_may_read_the_origin_verify_secret(synth: Synth) -> None:
    for path in ("Api/Intake", "Followup/Function"):
        env = function(synth, f"{path}/Function/Resource")["Environment"]["Variables"]
        assert env["ORIGIN_VERIFY_SECRET_ID"] == secret_ref(synth)
        reads = [
            s
            for s in role_statements(synth, f"{path}/Role/Resource")
            if "secretsmanager:GetSecretValue" in as_list(s["Action"])
        ]
        assert secret_ref(synth) in [r for s in reads for r in as_list(s["Resource"])], path


def test_other_functions_do_not_get_the_origin_verify_secret(synth: Synth) -> None:
    for path in ("Notifications/Mailer", "Notifications/Digest"):
        env = function(synth, f"{path}/Function/Resource")["Environment"]["Variables"]
        assert "ORIGIN_VERIFY_SECRET_ID" not in env
