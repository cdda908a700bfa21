"""The API persons' web inbox: the Cognito user pool they sign in to, the access record (a bucket
with S3 Object Lock), the inbox and sign-in functions and their routes on the report API, the
reports behind a JWT authorizer for the pool's app client.
"""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct
from reportdesk.core import layout, routes

from infra import nag
from infra.api import ReportApi
from infra.config import Config
from infra.functions import api_function
from infra.storage import ReportsStorage

READERS_GROUP = "readers"
REPORTS_PATH = routes.INBOX_REPORTS_PATH
# Every route of the inbox API (method, path): all behind the JWT authorizer.
INBOX_ROUTES = (
    (apigwv2.HttpMethod.GET, REPORTS_PATH),
    (apigwv2.HttpMethod.GET, f"{REPORTS_PATH}/{{reference}}"),
    (apigwv2.HttpMethod.DELETE, f"{REPORTS_PATH}/{{reference}}"),
    (apigwv2.HttpMethod.POST, f"{REPORTS_PATH}/{{reference}}/replies"),
    (apigwv2.HttpMethod.POST, f"{REPORTS_PATH}/{{reference}}/status"),
    (apigwv2.HttpMethod.POST, f"{REPORTS_PATH}/{{reference}}/postpone"),
    (apigwv2.HttpMethod.GET, f"{REPORTS_PATH}/{{reference}}/export"),
)
SIGN_IN_STEPS = routes.INBOX_AUTH_STEPS


class Inbox(Construct):
    """User pool, app client, `readers` group, access record, functions and routes."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: Config,
        storage: ReportsStorage,
        api: ReportApi,
        code: lambda_.Code,
        log_retention: logs.RetentionDays,
        access_logs: s3.IBucket,
    ) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            user_pool_name=f"reportdesk-{config.env}-inbox",
            # Accounts only through `make add-reader` (AdminCreateUser sends the invitation).
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            # Plus: threat protection (compromised passwords, risky sign-ins) for a few people
            # costs next to nothing. Passkeys (USER_AUTH with WEB_AUTHN) would also be allowed by
            # this plan; the page does not offer them yet (guides/deploying.md).
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=config.production,
            removal_policy=RemovalPolicy.RETAIN if config.production else RemovalPolicy.DESTROY,
            user_invitation=cognito.UserInvitationConfig(
                email_subject="ReportDesk: your account for the reports inbox",
                email_body=(
                    "You can now read the reports sent through the website. Your user name is "
                    "{username} and your temporary password is {####}. Go to the site's /inbox/ "
                    "page and sign in: you will choose a new password and set up an "
                    "authenticator app."
                ),
            ),
        )
        self.client = self.user_pool.add_client(
            "Client",
            user_pool_client_name=f"reportdesk-{config.env}-inbox",
            # The browser talks to Cognito (through our sign-in function): a public client.
            generate_secret=False,
            auth_flows=cognito.AuthFlow(user_password=True),
            disable_o_auth=True,
            access_token_validity=Duration.minutes(15),
            id_token_validity=Duration.minutes(15),
            # A session lasts 8 hours at most: after that no refresh, sign in again.
            refresh_token_validity=Duration.hours(8),
            auth_session_validity=Duration.minutes(3),
            enable_token_revocation=True,
            prevent_user_existence_errors=True,
        )
        self.readers_group = cognito.CfnUserPoolGroup(
            self,
            "Readers",
            user_pool_id=self.user_pool.user_pool_id,
            group_name=READERS_GROUP,
            description="The API persons: may read and handle reports in the web inbox",
        )

        self.audit_bucket = s3.Bucket(
            self,
            "AccessRecord",
            # Compliance mode: nobody, not even the account's root, can rewrite or delete an
            # entry before its retention ends. Governance mode could be bypassed by anyone an
            # administrator grants s3:BypassGovernanceRetention.
            object_lock_enabled=True,
            object_lock_default_retention=s3.ObjectLockRetention.compliance(
                Duration.days(config.audit_retention_days)
            ),
            versioned=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="access-record/",
            removal_policy=RemovalPolicy.RETAIN,
        )

        self.function = api_function(
            self,
            "Function",
            handler="reportdesk.inbox.handler.handler",
            service="inbox",
            code=code,
            storage=storage,
            environment={
                "AUDIT_BUCKET": self.audit_bucket.bucket_name,
                "RETENTION_DAYS": str(config.retention_days),
                "POSTPONE_DAYS": str(config.postpone_days),
            },
            log_retention=log_retention,
            reserved_concurrency=config.intake_concurrency,
        )
        self._grant_inbox(storage, self.function.role)
        # api-inbox adds the same entries when it decrypts, replies or changes a status (readers
        # role) and when it deletes (delete role).
        self._grant_record(storage.readers_role)
        self._grant_record(storage.delete_role)

        # The sign-in steps: a function without any AWS permission but reading the origin-verify
        # value (the Cognito calls it makes are public ones); it never sees a report.
        self.signin = api_function(
            self,
            "SignIn",
            handler="reportdesk.inbox.signin.handler",
            service="inbox-signin",
            code=code,
            storage=None,
            environment={"INBOX_CLIENT_ID": self.client.user_pool_client_id},
            log_retention=log_retention,
            reserved_concurrency=config.intake_concurrency,
        )
        # Both answer only requests through CloudFront. Their routes are added below, not with
        # `api.add_function_route`: the JWT authorizer, and no token for the sign-in steps.
        for function in (self.function, self.signin):
            api.verify_origin(function)

        self.authorizer = authorizers.HttpUserPoolAuthorizer(
            "ReadersAuthorizer",
            self.user_pool,
            user_pool_clients=[self.client],
            identity_source=["$request.header.Authorization"],
        )
        inbox_integration = integrations.HttpLambdaIntegration("Inbox", self.function.alias)
        self.routes: list[apigwv2.HttpRoute] = []
        for method, path in INBOX_ROUTES:
            self.routes += api.http_api.add_routes(
                path=path,
                methods=[method],
                integration=inbox_integration,
                authorizer=self.authorizer,
            )
        signin_integration = integrations.HttpLambdaIntegration("SignIn", self.signin.alias)
        for step in SIGN_IN_STEPS:
            for route in api.http_api.add_routes(
                path=f"{routes.INBOX_AUTH_PREFIX}{step}",
                methods=[apigwv2.HttpMethod.POST],
                integration=signin_integration,
            ):
                nag.acknowledge(
                    route,
                    "AwsSolutions-APIG4",
                    "The sign-in itself: it cannot need a token. Cognito checks the password "
                    "and the authenticator code; the stage is throttled.",
                )

        CfnOutput(self, "UserPoolId", value=self.user_pool.user_pool_id)
        CfnOutput(self, "ClientId", value=self.client.user_pool_client_id)
        CfnOutput(self, "AccessRecordBucket", value=self.audit_bucket.bucket_name)

    def _grant_inbox(self, storage: ReportsStorage, role: iam.IRole) -> None:
        """Read and decrypt reports, replies and messages (only under those purposes), write
        replies and case states, delete every trace of a report, add to the access record."""
        reports, replies, messages = (
            layout.REPORTS_PREFIX,
            layout.REPLIES_PREFIX,
            layout.MESSAGES_PREFIX,
        )
        storage.allow(role, ["s3:GetObject"], [reports, replies, messages, layout.CASES_PREFIX])
        storage.allow(role, ["s3:PutObject"], [replies, layout.CASES_PREFIX])
        storage.allow(
            role,
            ["s3:DeleteObject", "s3:DeleteObjectVersion"],
            list(layout.TRACE_PREFIXES),
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:ListBucket", "s3:ListBucketVersions"],
                resources=[storage.bucket_arn],
            )
        )
        for purpose in ("report", "reply", "message"):
            storage.allow_reports_key(role, ["kms:Decrypt"], purpose=purpose)
        storage.allow_reports_key(role, ["kms:GenerateDataKey"], purpose="reply")
        storage.allow_storage_key(role, ["kms:Decrypt", "kms:GenerateDataKey"])
        self._grant_record(role)

    def _grant_record(self, role: iam.IRole) -> None:
        """Add and read access record entries; no delete, no retention change, no bypass."""
        self.allow_append(role)
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"], resources=[self.audit_bucket.arn_for_objects("*")]
            )
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[self.audit_bucket.bucket_arn])
        )

    def allow_append(self, role: iam.IRole) -> None:
        """Add access record entries, nothing else: not read, not list, not delete."""
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:PutObject"], resources=[self.audit_bucket.arn_for_objects("*")]
            )
        )
        record = Stack.of(self).get_logical_id(
            self.audit_bucket.node.default_child  # type: ignore[arg-type]
        )
        nag.acknowledge(
            role,
            f"AwsSolutions-IAM5[Resource::<{record}.Arn>/*]",
            "Access record entries are keyed by report id and time, made at run time; the role "
            "can at most add and read them (Object Lock, compliance mode).",
        )
