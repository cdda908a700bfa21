"""One environment of ReportDesk in one stack: storage, report API, notifications, site, alarms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct
from reportdesk.runtime.origin import HEADER as ORIGIN_VERIFY_HEADER

from infra import nag
from infra.alarms import Alarms
from infra.api import ReportApi
from infra.config import LOG_RETENTION_DAYS, Config
from infra.followup import Followup
from infra.functions import code
from infra.inbox import Inbox
from infra.notifications import Notifications
from infra.reminders import Reminders
from infra.storage import ContentReaders, ReportsStorage
from infra.website import Website


class ReportDeskStack(Stack):
    """Everything one environment needs; the constructs' fields are what the tests inspect."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: Config,
        site_dir: Path,
        headers_file: Path,
        web_acl_arn: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        log_retention = log_retention_days(config.log_retention_days)
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            # S3 server access logging can only write to SSE-S3 buckets.
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.RETAIN,
            # They name report keys (ids, message times): kept no longer than reports are.
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(config.access_log_days))],
        )
        nag.acknowledge(
            self.access_logs,
            "AwsSolutions-S1",
            "This is the access log bucket; logging it into itself would loop.",
        )
        lambda_code = code()
        self.storage = ReportsStorage(self, "Storage", config=config, access_logs=self.access_logs)
        self.api = ReportApi(
            self,
            "Api",
            config=config,
            storage=self.storage,
            code=lambda_code,
            log_retention=log_retention,
        )
        self.followup = Followup(
            self,
            "Followup",
            config=config,
            storage=self.storage,
            api=self.api,
            code=lambda_code,
            log_retention=log_retention,
        )
        self.notifications = Notifications(
            self,
            "Notifications",
            config=config,
            storage=self.storage,
            code=lambda_code,
            log_retention=log_retention,
        )
        self.inbox = Inbox(
            self,
            "Inbox",
            config=config,
            storage=self.storage,
            api=self.api,
            code=lambda_code,
            log_retention=log_retention,
            access_logs=self.access_logs,
        )
        self.reminders = Reminders(
            self,
            "Reminders",
            config=config,
            storage=self.storage,
            notifications=self.notifications,
            inbox=self.inbox,
            code=lambda_code,
            log_retention=log_retention,
        )
        self.website = Website(
            self,
            "Website",
            config=config,
            site_dir=site_dir,
            headers_file=headers_file,
            api_domain=self.api.domain_name,
            api_headers={ORIGIN_VERIFY_HEADER: self.api.origin_secret_value},
            web_acl_arn=web_acl_arn,
            access_logs=self.access_logs,
            log_retention=log_retention,
        )
        # Every role that may get report, reply or message objects; the bucket denies all others.
        self.content_readers = ContentReaders(
            self,
            "ContentReaders",
            storage=self.storage,
            roles=[
                self.storage.readers_role,
                # The web inbox: reads and decrypts under report, reply and message only.
                self.inbox.function.role,
                # HEAD (metadata) only: finds what to delete; it has no key to decrypt with.
                self.storage.delete_role,
                self.followup.function.role,
                # HEAD (metadata) only: the mailer announces reports and messages, never decrypts.
                self.notifications.mailer.role,
                self.notifications.digest.role,
                # HEAD (metadata) only: the reminders' view of each report; no key at all.
                self.reminders.reminders.role,
                self.reminders.overview.role,
            ],
        )
        self.alarms = Alarms(self, "Alarms", config=config)
        self.alarms.watch_access_changes(
            "AccessChanges",
            key=self.storage.reports_key,
            bucket_name=self.storage.bucket_name,
            stack_name=self.stack_name,
        )
        self.alarms.watch_dead_letters("DeadLetters", self.notifications.dlq)
        self.alarms.watch_api("Api5xx", self.api.http_api)
        self.alarms.watch_function("Intake", self.api.intake.function, "intake")
        self.alarms.watch_function("Followup", self.followup.function.function, "followup")
        self.alarms.watch_function("Mailer", self.notifications.mailer.function, "mailer")
        self.alarms.watch_function("Digest", self.notifications.digest.function, "digest")
        self.alarms.watch_function("Inbox", self.inbox.function.function, "inbox")
        self.alarms.watch_function("InboxSignIn", self.inbox.signin.function, "inbox-signin")
        self.alarms.watch_function("Reminders", self.reminders.reminders.function, "reminders")
        self.alarms.watch_function("Overview", self.reminders.overview.function, "weekly overview")

        site = config.domain or self.website.distribution.distribution_domain_name
        CfnOutput(self, "SiteUrl", value=f"https://{site}")
        CfnOutput(self, "DistributionDomain", value=self.website.distribution.domain_name)
        CfnOutput(self, "ReportsBucket", value=self.storage.bucket_name)
        CfnOutput(self, "ReportsKeyArn", value=self.storage.reports_key.key_arn)
        CfnOutput(self, "ReadersRoleArn", value=self.storage.readers_role.role_arn)
        CfnOutput(self, "ReadersDeleteRoleArn", value=self.storage.delete_role.role_arn)
        CfnOutput(self, "AlarmTopicArn", value=self.alarms.topic.topic_arn)
        CfnOutput(self, "OriginVerifySecretArn", value=self.api.origin_secret.secret_arn)


def log_retention_days(days: int) -> logs.RetentionDays:
    """CDK's enum member for a number of days (the enum lists them in ascending order)."""
    return dict(zip(LOG_RETENTION_DAYS, logs.RetentionDays, strict=False))[days]
