"""Notifications: bucket events → queue (DLQ after 5 receives) → mailer → SES; hourly digest."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from reportdesk.core import layout

from infra.config import Config
from infra.functions import PythonFunction
from infra.storage import ReportsStorage

MAX_RECEIVES = 5
# Below the mailer's 120 s lease (reportdesk.mailer.common.LEASE_SECONDS) and 5 min digest grace.
MAILER_TIMEOUT_SECONDS = 30
# The mailer's own keys (reference guide, "Storage layout"): leases, slots, digest, markers.
MAILER_WRITES = layout.MAILER_PREFIXES
# What it may list (`s3:prefix`): its own keys, and the announced objects, whose HEAD tells a
# missing key (403 without an unlimited ListBucket) from a present one by listing it.
MAILER_LISTS = (*layout.ANNOUNCED_PREFIXES, *MAILER_WRITES)
# Those of them whose keys hold a report id.
NAMING_A_REPORT = (layout.NOTIFIED_PREFIX, layout.NOTIFYING_PREFIX, layout.DIGEST_PREFIX)


class Notifications(Construct):
    """Tells the API persons that a report arrived; never loses the notice when mail fails."""

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
        stack = Stack.of(self)
        self.dlq = sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        self.queue = sqs.Queue(
            self,
            "Queue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            # Six times the function timeout, as Lambda advises for SQS sources.
            visibility_timeout=Duration.seconds(MAILER_TIMEOUT_SECONDS * 6),
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dlq, max_receive_count=MAX_RECEIVES),
        )
        # New reports and the children's follow-up messages are announced to the API persons.
        storage.send_created_events(list(layout.ANNOUNCED_PREFIXES), self.queue)

        identity_name = config.ses_domain or config.sender
        self.identity = ses.EmailIdentity(
            self,
            "Sender",
            identity=(
                ses.Identity.domain(config.ses_domain)
                if config.ses_domain
                else ses.Identity.email(config.sender)
            ),
        )
        self.configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            reputation_metrics=True,
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        )
        # What every function that mails the API persons is told (the reminders too).
        self.mail_environment = {
            "REPORTS_BUCKET": storage.bucket_name,
            "MAIL_SENDER": config.sender,
            "MAIL_RECIPIENTS": ",".join(config.recipients),
            "SES_CONFIGURATION_SET": self.configuration_set.configuration_set_name,
        }
        environment = {
            **self.mail_environment,
            "MAIL_HOURLY_CAP": str(config.hourly_cap),
            "MAIL_HOURLY_MESSAGE_CAP": str(config.message_hourly_cap),
        }
        # Sending as the sender identity, through the configuration set: also for the reminders.
        self.send_email = iam.PolicyStatement(
            actions=["ses:SendEmail"],
            resources=[
                stack.format_arn(service="ses", resource="identity", resource_name=identity_name),
                stack.format_arn(
                    service="ses",
                    resource="configuration-set",
                    resource_name=self.configuration_set.configuration_set_name,
                ),
            ],
        )

        self.mailer = PythonFunction(
            self,
            "Mailer",
            handler="reportdesk.mailer.handler.handler",
            service="mailer",
            code=code,
            environment=environment,
            log_retention=log_retention,
            timeout=Duration.seconds(MAILER_TIMEOUT_SECONDS),
        )
        self.mailer.alias.add_event_source(
            sources.SqsEventSource(
                self.queue,
                batch_size=10,
                max_batching_window=Duration.seconds(5),
                report_batch_item_failures=True,
                # Few at a time: SES sending rate and the hourly cap are small anyway.
                max_concurrency=2,
            )
        )
        self.digest = PythonFunction(
            self,
            "Digest",
            handler="reportdesk.mailer.handler.digest_handler",
            service="mailer",
            code=code,
            environment=environment,
            log_retention=log_retention,
            timeout=Duration.minutes(2),
        )
        events.Rule(
            self,
            "Hourly",
            description="Send the digest of every finished hour (after its 5 min grace)",
            schedule=events.Schedule.cron(minute="10"),
            targets=[targets.LambdaFunction(self.digest.alias, retry_attempts=2)],
        )

        for fn in (self.mailer, self.digest):
            fn.role.add_to_principal_policy(self.send_email)
            # HEAD (s3:GetObject) of reports reads metadata only: no kms:Decrypt anywhere.
            storage.allow(fn.role, ["s3:GetObject"], [*layout.ANNOUNCED_PREFIXES, *MAILER_WRITES])
            storage.allow(fn.role, ["s3:PutObject"], MAILER_WRITES)
            # A cap slot is given back when SES refused the e-mail.
            storage.allow(fn.role, ["s3:DeleteObject"], [layout.MAILCAP_PREFIX])
            storage.allow_list_keys(fn.role, MAILER_LISTS)
            storage.allow_storage_key(fn.role, ["kms:GenerateDataKey"])
        # Deleting a report removes every object that names it (issue 16, item 7), also the
        # mailer's markers, leases and digest entries.
        storage.allow(
            storage.delete_role, ["s3:DeleteObject", "s3:DeleteObjectVersion"], NAMING_A_REPORT
        )
