"""The Lambda functions' common shape: Python 3.13 on arm64, own role, own log group."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import BundlingOptions, Duration, RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct
from reportdesk.runtime.http_io import METRICS_NAMESPACE

from infra import nag
from infra.package import SOURCE, LocalBundling
from infra.storage import ReportsStorage

RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64
# Every invocation goes through this alias of the newest published version: SnapStart snapshots
# published versions only, so `$LATEST` would start cold every time.
ALIAS = "live"


def code() -> lambda_.Code:
    """All functions share one bundle; skipped (source only) when bundling is switched off."""
    return lambda_.Code.from_asset(
        str(SOURCE),
        exclude=["**/__pycache__", "*.egg-info"],
        bundling=BundlingOptions(image=RUNTIME.bundling_image, local=LocalBundling()),
    )


class PythonFunction(Construct):
    """A function with a role that starts empty: each grant is written out where it is needed.

    SnapStart is on: Lambda runs the init (imports, module state) once per published version and
    restores copies from its snapshot; `reportdesk.runtime.snapstart` renews what must differ
    between copies. Triggers must target `alias`, never `function` ($LATEST has no snapshot).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        handler: str,
        service: str,
        code: lambda_.Code,
        environment: dict[str, str],
        log_retention: logs.RetentionDays,
        timeout: Duration,
        memory_size: int = 512,
        reserved_concurrency: int | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(self, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        self.log_group = logs.LogGroup(
            self, "Logs", retention=log_retention, removal_policy=RemovalPolicy.DESTROY
        )
        # Written out instead of AWSLambdaBasicExecutionRole: this log group only.
        self.log_group.grant_write(self.role)
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=handler,
            code=code,
            role=self.role,
            log_group=self.log_group,
            timeout=timeout,
            memory_size=memory_size,
            reserved_concurrent_executions=reserved_concurrency,
            snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS,
            environment={
                **environment,
                "POWERTOOLS_SERVICE_NAME": service,
                "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
                "POWERTOOLS_LOG_LEVEL": "INFO",
            },
        )
        # A new version whenever the code or configuration changes; the alias follows it.
        self.alias = lambda_.Alias(
            self, "Alias", alias_name=ALIAS, version=self.function.current_version
        )
        nag.acknowledge(
            self.function,
            "AwsSolutions-L1",
            "Python 3.13 is the runtime the code and its pinned wheels are tested for "
            "(design.md); move up deliberately, with the tests.",
        )

    def read_secret(self, setting: str, secret: secretsmanager.ISecret) -> None:
        """The setting `setting` names `secret` (its ARN: the value is read at run time, never put
        in the template), and the role may read it."""
        self.function.add_environment(setting, secret.secret_arn)
        secret.grant_read(self.role)


def api_function(
    scope: Construct,
    construct_id: str,
    *,
    handler: str,
    service: str,
    code: lambda_.Code,
    storage: ReportsStorage | None,
    log_retention: logs.RetentionDays,
    reserved_concurrency: int,
    environment: Mapping[str, str] | None = None,
) -> PythonFunction:
    """A function behind the report API: 10 s; with `storage`, the reports bucket and key are
    added to `environment`."""
    reports = (
        {"REPORTS_BUCKET": storage.bucket_name, "KMS_KEY_ARN": storage.reports_key.key_arn}
        if storage
        else {}
    )
    return PythonFunction(
        scope,
        construct_id,
        handler=handler,
        service=service,
        code=code,
        environment={**reports, **(environment or {})},
        log_retention=log_retention,
        timeout=Duration.seconds(10),
        reserved_concurrency=reserved_concurrency,
    )
