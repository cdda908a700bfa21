"""The report API: throttled HTTP API → intake function, and the challenge secret it signs with."""

from __future__ import annotations

import json
from collections.abc import Sequence

import jsii
from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct
from reportdesk.core import layout, routes
from reportdesk.runtime.origin import SETTING as ORIGIN_VERIFY_ENV

from infra import nag
from infra.config import Config
from infra.functions import PythonFunction, api_function
from infra.storage import ReportsStorage

# The condition on every PutObject of the intake: only writes that create (If-None-Match: *).
CREATE_ONLY = {"StringEquals": {"s3:if-none-match": "*"}}
# What API Gateway logs per request: no source IP, no user agent, no path parameters.
ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "time": "$context.requestTime",
        "route": "$context.routeKey",
        "status": "$context.status",
        "latency": "$context.responseLatency",
        "integrationStatus": "$context.integrationStatus",
        "error": "$context.error.messageString",
    }
)


@jsii.implements(apigwv2.IAccessLogSettings)
class AccessLogs:
    """Where and in which format the stage writes its access log."""

    def __init__(
        self, destination: apigwv2.IAccessLogDestination, log_format: apigw.AccessLogFormat
    ) -> None:
        self._destination = destination
        self._format = log_format

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return self._format


class ReportApi(Construct):
    """`POST /api/reports` and `GET /api/challenge`; more routes with `add_function_route`."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: Config,
        storage: ReportsStorage,
        code: lambda_.Code,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)
        self.http_api = apigwv2.HttpApi(
            self,
            "HttpApi",
            description=f"ReportDesk {config.env} report API (behind CloudFront)",
            create_default_stage=False,
        )
        self.access_logs = logs.LogGroup(
            self, "AccessLogs", retention=log_retention, removal_policy=RemovalPolicy.DESTROY
        )
        self.stage = apigwv2.HttpStage(
            self,
            "Stage",
            http_api=self.http_api,
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(
                rate_limit=config.throttle_rate, burst_limit=config.throttle_burst
            ),
            access_log_settings=AccessLogs(
                apigwv2.LogGroupLogDestination(self.access_logs),
                apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
            ),
        )
        self.challenge_secret = self.hmac_secret("ChallengeSecret", "proof-of-work challenges")
        # CloudFront sends this value in the origin-verify header to /api/*; the functions
        # answer 403 to a request without it (reportdesk.runtime.origin), so that the public
        # execute-api address is no way around the WAF.
        # CloudFormation reads it from Secrets Manager at deploy time (a dynamic reference): it
        # is in the distribution's settings, never in the template.
        self.origin_secret = self.hmac_secret(
            "OriginVerifySecret",
            "the origin-verify header CloudFront adds to /api/*",
            rotation="raise origin_verify_rotation in the config after putting a new value",
        )
        self.origin_secret_value = self.origin_secret.secret_value.unsafe_unwrap()
        self.intake = api_function(
            self,
            "Intake",
            handler="reportdesk.intake.handler.handler",
            service="intake",
            code=code,
            storage=storage,
            log_retention=log_retention,
            reserved_concurrency=config.intake_concurrency,
        )
        self.intake.read_secret("CHALLENGE_SECRET_ID", self.challenge_secret)
        # Write-only: it encrypts (GenerateDataKey) and stores, it can never read a report back,
        # and it never lists the bucket. Every write must be conditional (If-None-Match: *): the
        # role can create objects, never overwrite one, and tags none (a report's status is its
        # case state). It reads (HEAD: metadata) only its own markers, whose metadata holds no
        # personal data: a retry's submission marker (first store time, keyed fingerprint) and a
        # used challenge's claimant.
        storage.allow(
            self.intake.role,
            ["s3:PutObject"],
            [layout.REPORTS_PREFIX, layout.SUBMISSIONS_PREFIX, layout.CHALLENGES_PREFIX],
            conditions=CREATE_ONLY,
        )
        storage.allow(
            self.intake.role,
            ["s3:GetObject"],
            [layout.SUBMISSIONS_PREFIX, layout.CHALLENGES_PREFIX],
        )
        storage.allow_reports_key(self.intake.role, ["kms:GenerateDataKey"], purpose="report")
        storage.allow_storage_key(self.intake.role, ["kms:GenerateDataKey"])
        self.add_function_route(
            routes.REPORTS_PATH, [apigwv2.HttpMethod.POST], self.intake, "Reports"
        )
        self.add_function_route(
            routes.CHALLENGE_PATH, [apigwv2.HttpMethod.GET], self.intake, "Challenge"
        )

    @property
    def domain_name(self) -> str:
        """The execute-api host name: CloudFront's origin for `/api/*`."""
        stack = Stack.of(self)
        return f"{self.http_api.api_id}.execute-api.{stack.region}.{stack.url_suffix}"

    def add_function_route(
        self,
        path: str,
        methods: Sequence[apigwv2.HttpMethod],
        function: PythonFunction,
        name: str,
    ) -> None:
        """`methods` on `path` → `function`'s alias (SnapStart restores only published versions),
        and the function checks the origin (`verify_origin`)."""
        self.verify_origin(function)
        for route in self.http_api.add_routes(
            path=path,
            methods=list(methods),
            integration=integrations.HttpLambdaIntegration(name, function.alias),
        ):
            nag.acknowledge(
                route,
                "AwsSolutions-APIG4",
                "Public by design: anonymous children send reports without an account; abuse "
                "is limited by throttling and proof of work.",
            )

    def verify_origin(self, function: PythonFunction) -> None:
        """`function` answers only requests that came through CloudFront and its WAF: it is told
        where the origin-verify value is, and may read it."""
        function.read_secret(ORIGIN_VERIFY_ENV, self.origin_secret)

    def hmac_secret(
        self,
        construct_id: str,
        purpose: str,
        rotation: str = "the key only signs short-lived values",
    ) -> secretsmanager.Secret:
        """A generated random key, read by the functions at cold start (never in the template)."""
        secret = secretsmanager.Secret(
            self,
            construct_id,
            description=f"Random key for {purpose}",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
            removal_policy=RemovalPolicy.DESTROY,
        )
        nag.acknowledge(
            secret,
            "AwsSolutions-SMG4",
            "Rotated by hand when needed (deploying guide): automatic rotation needs a rotation "
            f"function; {rotation}.",
        )
        return secret
