"""The scheduled work on cases: the daily reminder with retention from closing (working days at
09:00 Brussels time) and the weekly overview for the maintainers, each its own function and role.

Neither role has any KMS permission: reports are read by HEAD (metadata; a body could not be
decrypted), case states and markers are SSE-S3 objects that hold no personal data. The daily
role may add to the access record (the `delete` entry of each expired report), not read it.
"""

from __future__ import annotations

from aws_cdk import Duration, Stack, TimeZone
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from constructs import Construct
from reportdesk.core import layout

from infra import nag
from infra.config import Config
from infra.functions import PythonFunction
from infra.inbox import Inbox
from infra.notifications import Notifications
from infra.storage import ReportsStorage

DAILY = scheduler.ScheduleExpression.cron(
    minute="0", hour="9", week_day="MON-FRI", time_zone=TimeZone.EUROPE_BRUSSELS
)
WEEKLY = scheduler.ScheduleExpression.cron(
    minute="0", hour="8", week_day="MON", time_zone=TimeZone.EUROPE_BRUSSELS
)


class Reminders(Construct):
    """Two schedules, two functions; their errors are alarmed by the stack (`Alarms`)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: Config,
        storage: ReportsStorage,
        notifications: Notifications,
        inbox: Inbox,
        code: lambda_.Code,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)
        environment = {
            **notifications.mail_environment,
            "OVERVIEW_RECIPIENTS": ",".join(config.alarm_emails),
            "RETENTION_DAYS": str(config.retention_days),
            "NOTIFY_QUEUE_URL": notifications.queue.queue_url,
            "NOTIFY_DLQ_URL": notifications.dlq.queue_url,
        }

        def scheduled(
            construct_id: str, handler: str, more: dict[str, str] | None = None
        ) -> PythonFunction:
            return PythonFunction(
                self,
                construct_id,
                handler=handler,
                service="reminders",
                code=code,
                environment={**environment, **(more or {})},
                log_retention=log_retention,
                # Lists and HEADs every report: minutes for tens of thousands.
                timeout=Duration.minutes(5),
                reserved_concurrency=1,
            )

        self.reminders = scheduled(
            "Daily",
            "reportdesk.reminders.handler.handler",
            {"AUDIT_BUCKET": inbox.audit_bucket.bucket_name},
        )
        self.overview = scheduled("Weekly", "reportdesk.reminders.handler.overview_handler")
        for function in (self.reminders, self.overview):
            role = function.role
            role.add_to_principal_policy(notifications.send_email)
            # Key names only (report ids, hours): what lets it find every version of a trace.
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=["s3:ListBucket", "s3:ListBucketVersions"],
                    resources=[storage.bucket_arn],
                )
            )
            # HEAD of reports (metadata); case states. No KMS: a report body stays unreadable.
            storage.allow(role, ["s3:GetObject"], [layout.REPORTS_PREFIX, layout.CASES_PREFIX])
            storage.allow(role, ["s3:PutObject", "s3:DeleteObject"], [layout.REMINDED_PREFIX])
        # Retention: closed reports whose day has come, with every trace and every version, each
        # after its `delete` entry on the access record (add only: it never reads the record).
        inbox.allow_append(self.reminders.role)
        storage.allow(
            self.reminders.role,
            ["s3:DeleteObject", "s3:DeleteObjectVersion"],
            list(layout.TRACE_PREFIXES),
        )
        # `api-inbox delete` removes every trace (cases.delete), the case state too; the delete
        # role's other deletes are granted with the storage, the follow-up and the mailer.
        storage.allow(
            storage.delete_role,
            ["s3:DeleteObject", "s3:DeleteObjectVersion"],
            [layout.CASES_PREFIX],
        )
        self.overview.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["sqs:GetQueueAttributes"],
                resources=[notifications.queue.queue_arn, notifications.dlq.queue_arn],
            )
        )
        self.overview.role.add_to_principal_policy(
            iam.PolicyStatement(actions=["ses:GetSendQuota"], resources=["*"])
        )
        nag.acknowledge(
            self.overview.role,
            "AwsSolutions-IAM5[Resource::*]",
            "ses:GetSendQuota is an account-level read that supports no resource.",
        )

        # The schedules' own role: it may invoke these two functions and nothing else.
        invoker = iam.Role(
            self, "SchedulerRole", assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com")
        )
        stack = Stack.of(self)
        for function in (self.reminders, self.overview):
            cfn_function = function.function.node.default_child
            assert isinstance(cfn_function, lambda_.CfnFunction)
            nag.acknowledge(
                invoker,
                f"AwsSolutions-IAM5[Resource::<{stack.get_logical_id(cfn_function)}.Arn>:*]",
                "CDK's invoke grant also names the function's versions (`<function arn>:*`).",
            )
        self.daily = scheduler.Schedule(
            self,
            "DailySchedule",
            description="Reminders to the API persons and retention, working days 09:00 Brussels",
            schedule=DAILY,
            target=targets.LambdaInvoke(self.reminders.function, retry_attempts=2, role=invoker),
        )
        self.weekly = scheduler.Schedule(
            self,
            "WeeklySchedule",
            description="The weekly overview for the maintainers, Monday 08:00 Brussels",
            schedule=WEEKLY,
            target=targets.LambdaInvoke(self.overview.function, retry_attempts=2, role=invoker),
        )
