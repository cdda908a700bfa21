"""The synthesized stack keeps every promise of the design (one assertion subject per test)."""

from __future__ import annotations

import json
from typing import Any

from conftest import Synth

from infra.app import HEADERS_FILE
from infra.inbox import INBOX_ROUTES, SIGN_IN_STEPS
from infra.security_headers import load_headers

CRYPTO_ACTIONS = {
    "kms:*",
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:ReEncrypt*",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKey*",
}


def by_path(synth: Synth, path: str) -> str:
    """Logical id of the resource at construct path `path` (below the stack)."""
    full = f"{synth.config.stack_name}/{path}"
    for name, resource in synth.template["Resources"].items():
        if resource.get("Metadata", {}).get("aws:cdk:path") == full:
            return name
    raise AssertionError(f"no resource at {full}")


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_statements(synth: Synth, role_path: str) -> list[dict[str, Any]]:
    """Every IAM policy statement attached to the role (inline policies of the template)."""
    role = by_path(synth, role_path)
    statements = []
    for policy in synth.resources("AWS::IAM::Policy").values():
        if {"Ref": role} in policy["Properties"].get("Roles", []):
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    assert synth.template["Resources"][role]["Properties"].get("ManagedPolicyArns") is None
    return statements


def actions(statements: list[dict[str, Any]]) -> set[str]:
    return {action for s in statements for action in as_list(s["Action"])}


def reports_key_statements(synth: Synth, role_path: str) -> list[dict[str, Any]]:
    """Statements of the reports key policy that name the role as principal."""
    key = synth.template["Resources"][by_path(synth, "Storage/ReportsKey/Resource")]
    role = by_path(synth, role_path)
    return [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s["Principal"].get("AWS") == {"Fn::GetAtt": [role, "Arn"]}
    ]


def object_paths(statement: dict[str, Any]) -> list[str]:
    """The `<prefix>*` part of each bucket object ARN in the statement's resources."""
    paths = []
    for resource in as_list(statement["Resource"]):
        text = json.dumps(resource)
        assert "reportdesk-staging-reports-" in text, text
        paths.append(resource["Fn::Join"][1][-1].split("/", 1)[1])
    return paths


INTAKE = "Api/Intake/Role/Resource"
MAILER = "Notifications/Mailer/Role/Resource"
DIGEST = "Notifications/Digest/Role/Resource"
READERS = "Storage/ReadersRole/Resource"


def test_intake_role_has_no_decrypt(synth: Synth) -> None:
    granted = actions(role_statements(synth, INTAKE)) | actions(
        reports_key_statements(synth, INTAKE)
    )
    assert not {"kms:Decrypt", "kms:*", "kms:ReEncrypt*"} & granted


def test_intake_role_reads_only_the_metadata_of_its_own_markers(synth: Synth) -> None:
    reads = [
        s
        for s in role_statements(synth, INTAKE)
        if {a for a in actions([s]) if a.startswith(("s3:Get", "s3:*"))}
    ]
    assert [(actions([s]), object_paths(s)) for s in reads] == [
        ({"s3:GetObject"}, ["submissions/*", "challenges/*"])
    ]


def test_intake_never_lists_the_bucket(synth: Synth) -> None:
    assert not {a for a in actions(role_statements(synth, INTAKE)) if a.startswith("s3:List")}


def test_every_intake_write_must_be_conditional(synth: Synth) -> None:
    puts = [s for s in role_statements(synth, INTAKE) if actions([s]) & {"s3:PutObject"}]
    assert puts
    for statement in puts:
        assert statement["Condition"] == {"StringEquals": {"s3:if-none-match": "*"}}


def test_intake_writes_only_under_reports_markers_and_followup_codes(synth: Synth) -> None:
    s3_statements = [s for s in role_statements(synth, INTAKE) if actions([s]) & {"s3:PutObject"}]
    assert [object_paths(s) for s in s3_statements] == [
        ["reports/*", "submissions/*", "challenges/*"],
        ["followup/*", "followup-index/*"],
    ]
    granted_s3 = {a for a in actions(role_statements(synth, INTAKE)) if a.startswith("s3:")}
    assert granted_s3 == {"s3:PutObject", "s3:GetObject"}


def test_intake_may_only_generate_data_keys_for_reports(synth: Synth) -> None:
    [statement] = reports_key_statements(synth, INTAKE)
    assert statement["Action"] == "kms:GenerateDataKey"
    assert statement["Condition"] == {"StringEquals": {"kms:EncryptionContext:purpose": "report"}}


def test_readers_decrypt_only_reports_replies_and_messages(synth: Synth) -> None:
    decrypts = [s for s in reports_key_statements(synth, READERS) if s["Action"] == "kms:Decrypt"]
    purposes = {s["Condition"]["StringEquals"]["kms:EncryptionContext:purpose"] for s in decrypts}
    assert purposes == {"report", "reply", "message"}


def test_reports_key_is_used_only_with_a_purpose(synth: Synth) -> None:
    key = synth.template["Resources"][by_path(synth, "Storage/ReportsKey/Resource")]
    for statement in key["Properties"]["KeyPolicy"]["Statement"]:
        if CRYPTO_ACTIONS & set(as_list(statement["Action"])):
            assert "kms:EncryptionContext:purpose" in statement["Condition"]["StringEquals"]


def test_account_root_can_manage_but_not_use_the_reports_key(synth: Synth) -> None:
    key = synth.template["Resources"][by_path(synth, "Storage/ReportsKey/Resource")]
    root = [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if ":root" in json.dumps(s["Principal"])
    ]
    assert root
    assert not CRYPTO_ACTIONS & actions(root)


def test_mailer_and_digest_have_no_decrypt(synth: Synth) -> None:
    for role in (MAILER, DIGEST):
        granted = actions(role_statements(synth, role)) | actions(
            reports_key_statements(synth, role)
        )
        assert "kms:Decrypt" not in granted
        assert reports_key_statements(synth, role) == []


def test_readers_role_trusts_only_configured_principals(synth: Synth) -> None:
    role = synth.template["Resources"][by_path(synth, READERS)]
    principals = [
        s["Principal"] for s in role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    ]
    # staging.yml names no readers: the account decides (production requires names).
    assert synth.config.readers == ()
    assert all(":root" in json.dumps(p) for p in principals)


def test_buckets_block_all_public_access(synth: Synth) -> None:
    buckets = synth.resources("AWS::S3::Bucket")
    assert len(buckets) == 4
    for bucket in buckets.values():
        assert bucket["Properties"]["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }


def test_buckets_deny_requests_without_tls(synth: Synth) -> None:
    buckets = set(synth.resources("AWS::S3::Bucket"))
    denied = set()
    for policy in synth.resources("AWS::S3::BucketPolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Deny" and statement.get("Condition") == {
                "Bool": {"aws:SecureTransport": "false"}
            }:
                denied.add(policy["Properties"]["Bucket"]["Ref"])
    assert denied == buckets


def test_reports_bucket_is_encrypted_with_the_storage_key(synth: Synth) -> None:
    bucket = synth.template["Resources"][by_path(synth, "Storage/Bucket/Resource")]
    [rule] = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    default = rule["ServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] == "aws:kms"
    assert default["KMSMasterKeyID"] == {
        "Fn::GetAtt": [by_path(synth, "Storage/StorageKey/Resource"), "Arn"]
    }


def test_reports_and_site_buckets_are_versioned_and_logged(synth: Synth) -> None:
    for path in ("Storage/Bucket/Resource", "Website/Bucket/Resource"):
        bucket = synth.template["Resources"][by_path(synth, path)]["Properties"]
        assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
        assert bucket["LoggingConfiguration"]["DestinationBucketName"] == {
            "Ref": by_path(synth, "AccessLogs/Resource")
        }


def lifecycle(synth: Synth) -> dict[str, dict[str, Any]]:
    bucket = synth.template["Resources"][by_path(synth, "Storage/Bucket/Resource")]
    return {rule["Id"]: rule for rule in bucket["Properties"]["LifecycleConfiguration"]["Rules"]}


def test_deleted_versions_go_after_the_deleted_retention_days(synth: Synth) -> None:
    rule = lifecycle(synth)["deleted-versions"]
    assert "Prefix" not in rule and "ExpirationInDays" not in rule
    assert rule["NoncurrentVersionExpiration"] == {
        "NoncurrentDays": synth.config.deleted_retention_days
    }


def test_challenge_markers_expire_after_one_day(synth: Synth) -> None:
    rule = lifecycle(synth)["challenges"]
    assert rule["Prefix"] == "challenges/"
    assert rule["ExpirationInDays"] == 1


def test_keys_rotate(synth: Synth) -> None:
    keys = synth.resources("AWS::KMS::Key")
    assert len(keys) == 2
    assert all(key["Properties"]["EnableKeyRotation"] is True for key in keys.values())


def test_new_reports_and_followup_messages_are_queued_for_the_mailer(synth: Synth) -> None:
    bucket = synth.template["Resources"][by_path(synth, "Storage/Bucket/Resource")]
    configs = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert [c["Filter"]["S3Key"]["Rules"] for c in configs] == [
        [{"Name": "prefix", "Value": "reports/"}],
        [{"Name": "prefix", "Value": "messages/"}],
    ]
    for config in configs:
        assert config["Event"] == "s3:ObjectCreated:*"
        assert config["Queue"] == {
            "Fn::GetAtt": [by_path(synth, "Notifications/Queue/Resource"), "Arn"]
        }


def test_queue_dead_letters_after_five_receives(synth: Synth) -> None:
    queue = synth.template["Resources"][by_path(synth, "Notifications/Queue/Resource")]
    assert queue["Properties"]["RedrivePolicy"] == {
        "deadLetterTargetArn": {
            "Fn::GetAtt": [by_path(synth, "Notifications/DeadLetters/Resource"), "Arn"]
        },
        "maxReceiveCount": 5,
    }


def test_mailer_reports_partial_batch_failures(synth: Synth) -> None:
    [mapping] = synth.resources("AWS::Lambda::EventSourceMapping").values()
    assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    alias_name = mapping["Properties"]["FunctionName"]["Fn::Join"][1][0]["Fn::Select"][1]
    assert alias_name["Fn::Split"][1] == {
        "Ref": by_path(synth, "Notifications/Mailer/Alias/Resource")
    }


def test_digest_runs_every_hour(synth: Synth) -> None:
    [rule] = [
        r
        for r in synth.resources("AWS::Events::Rule").values()
        if "ScheduleExpression" in r["Properties"]
    ]
    assert rule["Properties"]["ScheduleExpression"] == "cron(10 * * * ? *)"
    assert rule["Properties"]["Targets"][0]["Arn"] == {
        "Ref": by_path(synth, "Notifications/Digest/Alias/Resource")
    }


def function(synth: Synth, path: str) -> dict[str, Any]:
    properties: dict[str, Any] = synth.template["Resources"][by_path(synth, path)]["Properties"]
    return properties


def test_functions_run_python_313_on_arm64(synth: Synth) -> None:
    handlers = {}
    for path in ("Api/Intake", "Notifications/Mailer", "Notifications/Digest"):
        fn = function(synth, f"{path}/Function/Resource")
        assert (fn["Runtime"], fn["Architectures"]) == ("python3.13", ["arm64"])
        handlers[path] = fn["Handler"]
    assert handlers == {
        "Api/Intake": "reportdesk.intake.handler.handler",
        "Notifications/Mailer": "reportdesk.mailer.handler.handler",
        "Notifications/Digest": "reportdesk.mailer.handler.digest_handler",
    }


def test_intake_concurrency_is_reserved(synth: Synth) -> None:
    fn = function(synth, "Api/Intake/Function/Resource")
    assert fn["ReservedConcurrentExecutions"] == synth.config.intake_concurrency


def test_intake_environment_names_bucket_key_and_secret(synth: Synth) -> None:
    env = function(synth, "Api/Intake/Function/Resource")["Environment"]["Variables"]
    assert env["REPORTS_BUCKET"] == "reportdesk-staging-reports-111111111111-eu-west-1"
    assert env["KMS_KEY_ARN"] == {
        "Fn::GetAtt": [by_path(synth, "Storage/ReportsKey/Resource"), "Arn"]
    }
    assert env["CHALLENGE_SECRET_ID"] == {"Ref": by_path(synth, "Api/ChallengeSecret/Resource")}


def test_mailer_environment_carries_the_mail_settings(synth: Synth) -> None:
    env = function(synth, "Notifications/Mailer/Function/Resource")["Environment"]["Variables"]
    assert env["MAIL_SENDER"] == synth.config.sender
    assert env["MAIL_RECIPIENTS"] == ",".join(synth.config.recipients)
    assert env["MAIL_HOURLY_CAP"] == str(synth.config.hourly_cap)
    assert env["MAIL_HOURLY_MESSAGE_CAP"] == str(synth.config.message_hourly_cap)
    assert env["SES_CONFIGURATION_SET"] == {
        "Ref": by_path(synth, "Notifications/ConfigurationSet/Resource")
    }


def test_every_function_publishes_metrics_where_the_code_does(synth: Synth) -> None:
    from reportdesk.runtime.http_io import METRICS_NAMESPACE

    functions = [
        r for r in synth.template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"
    ]
    namespaces = {
        f["Properties"]["Environment"]["Variables"].get("POWERTOOLS_METRICS_NAMESPACE")
        for f in functions
        if "POWERTOOLS_SERVICE_NAME" in f["Properties"].get("Environment", {}).get("Variables", {})
    }
    assert namespaces == {METRICS_NAMESPACE}


def test_challenge_secret_is_generated_not_written_down(synth: Synth) -> None:
    secret = synth.template["Resources"][by_path(synth, "Api/ChallengeSecret/Resource")]
    assert "SecretString" not in secret["Properties"]
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] == 64


def test_api_stage_is_throttled(synth: Synth) -> None:
    [stage] = synth.resources("AWS::ApiGatewayV2::Stage").values()
    assert stage["Properties"]["DefaultRouteSettings"] == {
        "ThrottlingBurstLimit": synth.config.throttle_burst,
        "ThrottlingRateLimit": synth.config.throttle_rate,
    }


def test_api_access_log_has_no_ip_or_user_agent(synth: Synth) -> None:
    [stage] = synth.resources("AWS::ApiGatewayV2::Stage").values()
    log_format = stage["Properties"]["AccessLogSettings"]["Format"]
    assert "$context.requestId" in log_format
    assert "sourceIp" not in log_format and "userAgent" not in log_format


def test_api_routes(synth: Synth) -> None:
    routes = {
        r["Properties"]["RouteKey"] for r in synth.resources("AWS::ApiGatewayV2::Route").values()
    }
    assert routes == {
        "POST /api/reports",
        "GET /api/challenge",
        "POST /api/followup/read",
        "POST /api/followup/messages",
        *(f"{method.value} {path}" for method, path in INBOX_ROUTES),
        *(f"POST /api/inbox/auth/{step}" for step in SIGN_IN_STEPS),
    }


def distribution(synth: Synth) -> dict[str, Any]:
    [dist] = synth.resources("AWS::CloudFront::Distribution").values()
    config: dict[str, Any] = dist["Properties"]["DistributionConfig"]
    return config


def test_api_path_is_uncached_and_forwards_everything(synth: Synth) -> None:
    [behaviour] = distribution(synth)["CacheBehaviors"]
    assert behaviour["PathPattern"] == "/api/*"
    assert behaviour["AllowedMethods"] == [
        "GET",
        "HEAD",
        "OPTIONS",
        "PUT",
        "PATCH",
        "POST",
        "DELETE",
    ]
    # AWS managed policies: CachingDisabled, AllViewerExceptHostHeader.
    assert behaviour["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    assert behaviour["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def test_site_origin_uses_origin_access_control(synth: Synth) -> None:
    origins = distribution(synth)["Origins"]
    s3_origins = [o for o in origins if "S3OriginConfig" in o]
    assert len(s3_origins) == 1
    assert "OriginAccessControlId" in s3_origins[0]
    assert s3_origins[0]["S3OriginConfig"] == {"OriginAccessIdentity": ""}


def test_missing_pages_show_the_404_page(synth: Synth) -> None:
    errors = distribution(synth)["CustomErrorResponses"]
    assert [(e["ErrorCode"], e["ResponseCode"], e["ResponsePagePath"]) for e in errors] == [
        (403, 404, "/404.html")
    ]


def test_site_bucket_answers_403_for_missing_pages(synth: Synth) -> None:
    # CloudFront may only read objects: S3 then answers 403, not 404, for a missing key, which
    # is what the error page mapping relies on (API 404 answers pass through unchanged).
    site = by_path(synth, "Website/Bucket/Resource")
    [policy] = [
        p
        for p in synth.resources("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": site}
    ]
    cloudfront = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}
    ]
    assert actions(cloudfront) == {"s3:GetObject"}


def headers_policy(synth: Synth) -> dict[str, Any]:
    [policy] = synth.resources("AWS::CloudFront::ResponseHeadersPolicy").values()
    config: dict[str, Any] = policy["Properties"]["ResponseHeadersPolicyConfig"]
    return config


def sent_headers(config: dict[str, Any]) -> dict[str, str]:
    """The headers CloudFront sends for this policy configuration."""
    security = config["SecurityHeadersConfig"]
    hsts = security["StrictTransportSecurity"]
    sent = {
        "Content-Security-Policy": security["ContentSecurityPolicy"]["ContentSecurityPolicy"],
        "Strict-Transport-Security": f"max-age={hsts['AccessControlMaxAgeSec']}"
        + ("; includeSubDomains" if hsts.get("IncludeSubdomains") else "")
        + ("; preload" if hsts.get("Preload") else ""),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
    }
    for header in config["CustomHeadersConfig"]["Items"]:
        sent[header["Header"]] = header["Value"]
    return sent


def test_csp_is_the_one_computed_from_the_built_site(synth: Synth) -> None:
    csp = headers_policy(synth)["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    assert csp["ContentSecurityPolicy"] == load_headers(HEADERS_FILE)["Content-Security-Policy"]
    assert csp["Override"] is True


def test_every_built_security_header_is_sent_unchanged(synth: Synth) -> None:
    assert sent_headers(headers_policy(synth)) == load_headers(HEADERS_FILE)


def test_csp_allows_no_unsafe_source(synth: Synth) -> None:
    csp = headers_policy(synth)["SecurityHeadersConfig"]["ContentSecurityPolicy"]
    policy = csp["ContentSecurityPolicy"]
    assert "'unsafe-" not in policy
    assert "frame-ancestors 'none'" in policy
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert "*" not in directives["script-src"] and "data:" not in directives["script-src"]


def test_both_paths_send_the_security_headers(synth: Synth) -> None:
    dist = distribution(synth)
    policy = {"Ref": next(iter(synth.resources("AWS::CloudFront::ResponseHeadersPolicy")))}
    assert dist["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == policy
    assert dist["CacheBehaviors"][0]["ResponseHeadersPolicyId"] == policy


def test_site_is_deployed_with_invalidation(synth: Synth) -> None:
    [deployment] = synth.resources("Custom::CDKBucketDeployment").values()
    assert deployment["Properties"]["DistributionPaths"] == ["/*"]
    assert deployment["Properties"]["DestinationBucketName"] == {
        "Ref": by_path(synth, "Website/Bucket/Resource")
    }


def alarm_metrics(synth: Synth) -> dict[tuple[str, str], list[Any]]:
    found: dict[tuple[str, str], list[Any]] = {}
    topic = {"Ref": by_path(synth, "Alarms/Topic/Resource")}
    for alarm in synth.resources("AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        assert props["AlarmActions"] == [topic]
        assert props["Threshold"] == 1
        key = (props["Namespace"], props["MetricName"])
        found.setdefault(key, []).append(props["Dimensions"][0]["Value"])
    return found


def test_alarm_when_dead_letters_wait(synth: Synth) -> None:
    dlq = by_path(synth, "Notifications/DeadLetters/Resource")
    assert alarm_metrics(synth)[("AWS/SQS", "ApproximateNumberOfMessagesVisible")] == [
        {"Fn::GetAtt": [dlq, "QueueName"]}
    ]


def test_alarm_on_api_5xx(synth: Synth) -> None:
    api = by_path(synth, "Api/HttpApi/Resource")
    assert alarm_metrics(synth)[("AWS/ApiGateway", "5xx")] == [{"Ref": api}]


def test_alarms_on_function_errors_and_throttles(synth: Synth) -> None:
    functions = [
        {"Ref": by_path(synth, f"{path}/Function/Resource")}
        for path in (
            "Api/Intake",
            "Followup/Function",
            "Notifications/Mailer",
            "Notifications/Digest",
            "Inbox/Function",
            "Inbox/SignIn",
            "Reminders/Daily",
            "Reminders/Weekly",
        )
    ]
    metrics = alarm_metrics(synth)
    assert metrics[("AWS/Lambda", "Errors")] == functions
    assert metrics[("AWS/Lambda", "Throttles")] == functions


def test_alarm_topic_mails_the_maintainers(synth: Synth) -> None:
    subscriptions = synth.resources("AWS::SNS::Subscription").values()
    assert sorted(s["Properties"]["Endpoint"] for s in subscriptions) == sorted(
        synth.config.alarm_emails
    )


def test_every_log_group_has_a_retention(synth: Synth) -> None:
    groups = synth.resources("AWS::Logs::LogGroup")
    assert len(groups) == 10
    for group in groups.values():
        assert group["Properties"]["RetentionInDays"] == synth.config.log_retention_days


def test_every_function_logs_to_its_own_group(synth: Synth) -> None:
    groups = set(synth.resources("AWS::Logs::LogGroup"))
    for name, fn in synth.resources("AWS::Lambda::Function").items():
        # CDK makes this one while it synthesizes (too late to give it a log group): it reads
        # the web ACL's ARN from SSM at deploy time and logs nothing else.
        if name.startswith("CustomCrossRegionExportReader"):
            continue
        assert fn["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] in groups


def test_cdk_nag_has_no_unacknowledged_findings(synth: Synth) -> None:
    findings = [
        (v["ruleName"], [c["constructPath"] for c in v["violatingConstructs"]])
        for v in synth.nag_violations
    ]
    assert findings == []
    assert synth.error is None


def test_mailer_writes_only_its_own_prefixes(synth: Synth) -> None:
    for role in (MAILER, DIGEST):
        writes = [
            path
            for s in role_statements(synth, role)
            if actions([s]) & {"s3:PutObject", "s3:DeleteObject"}
            for path in object_paths(s)
        ]
        assert "reports/*" not in writes
        assert set(writes) == {
            "notified/*",
            "notifying/*",
            "mailcap/*",
            "digest/*",
            "digest-sent/*",
        }


def test_mailer_may_send_only_as_the_sender_identity(synth: Synth) -> None:
    [send] = [s for s in role_statements(synth, MAILER) if s["Action"] == "ses:SendEmail"]
    identity = json.dumps(send["Resource"][0])
    assert identity.endswith(f':identity/{synth.config.sender}"]]}}')
