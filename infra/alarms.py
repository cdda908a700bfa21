"""Alarms for the maintainers: an SNS topic with e-mail subscriptions, one alarm per failure, and
a mail whenever someone changes who may use the reports key or read the reports bucket.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.config import Config

PERIOD = Duration.minutes(5)
# CloudTrail management events that change who may use the reports key, or that disable it.
KEY_EVENTS = ("PutKeyPolicy", "CreateGrant", "DisableKey", "ScheduleKeyDeletion")
# ... and that change who may read the reports bucket.
BUCKET_EVENTS = ("PutBucketPolicy", "DeleteBucketPolicy")
# ... and that let someone act as one of the stack's roles, each of which may use the key for
# its own purpose: trust or permissions of a role (IAM, recorded in us-east-1), or a function
# made or changed to run with it (Lambda).
ROLE_EVENTS = (
    "UpdateAssumeRolePolicy",
    "PutRolePolicy",
    "AttachRolePolicy",
    "DeleteRolePermissionsBoundary",
)
FUNCTION_EVENTS = ("CreateFunction20150331", "UpdateFunctionConfiguration20150331v2")
MESSAGE = events.RuleTargetInput.from_text(
    f"ReportDesk: {events.EventField.from_path('$.detail.eventName')} by "
    f"{events.EventField.from_path('$.detail.userIdentity.arn')} at "
    f"{events.EventField.from_path('$.detail.eventTime')} (error: "
    f"{events.EventField.from_path('$.detail.errorCode')}). Someone changed, or tried to change, "
    "who may read the reports. If this was not a planned deploy or break-glass use, act now: "
    'guides/deploying.md, "Security: who can read reports".'
)


class Alarms(Construct):
    """Every alarm fires on the first occurrence and tells the topic again when it recovers."""

    def __init__(self, scope: Construct, construct_id: str, *, config: Config) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(
            self, "Topic", display_name=f"ReportDesk {config.env} alarms", enforce_ssl=True
        )
        for address in config.alarm_emails:
            self.topic.add_subscription(subscriptions.EmailSubscription(address))
        self._action = actions.SnsAction(self.topic)

    def add(self, construct_id: str, metric: cloudwatch.IMetric, description: str) -> None:
        alarm = cloudwatch.Alarm(
            self,
            construct_id,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)

    def watch_dead_letters(self, construct_id: str, queue: sqs.IQueue) -> None:
        self.add(
            construct_id,
            queue.metric_approximate_number_of_messages_visible(
                period=PERIOD, statistic=cloudwatch.Stats.MAXIMUM
            ),
            "Report notices failed 5 times and wait in the dead-letter queue: the API persons "
            "were not told. Check the mailer logs and SES; then redrive the queue.",
        )

    def watch_api(self, construct_id: str, api: apigwv2.HttpApi) -> None:
        self.add(
            construct_id,
            api.metric_server_error(period=PERIOD, statistic=cloudwatch.Stats.SUM),
            "The report API answered 5xx: children may not be able to send reports.",
        )

    def watch_function(self, construct_id: str, function: lambda_.IFunction, role: str) -> None:
        self.add(
            f"{construct_id}Errors",
            function.metric_errors(period=PERIOD, statistic=cloudwatch.Stats.SUM),
            f"The {role} function failed. See its log group.",
        )
        self.add(
            f"{construct_id}Throttles",
            function.metric_throttles(period=PERIOD, statistic=cloudwatch.Stats.SUM),
            f"The {role} function was throttled (concurrency limit reached).",
        )

    def watch_access_changes(
        self, construct_id: str, *, key: kms.IKey, bucket_name: str, stack_name: str
    ) -> None:
        """Mail the maintainers at once for every attempt, allowed or refused, to change who may
        use the reports key, read the reports bucket, or act as one of this stack's roles
        (guides/deploying.md, "Security: who can read reports"). EventBridge gets these
        CloudTrail management events in this region; IAM's come from us-east-1 through the edge
        stack's rule."""
        roles = {"wildcard": f"arn:*:iam::*:role/{stack_name}-*"}
        for name, what, source, event_names, match in (
            (
                "Key",
                "the reports key",
                "kms",
                KEY_EVENTS,
                # CloudTrail names the key in `resources`; also its id or ARN as the caller gave
                # it, in case a record lacks `resources`.
                {
                    "$or": [
                        {"resources": {"ARN": [key.key_arn]}},
                        {"requestParameters": {"keyId": [key.key_arn, key.key_id]}},
                    ]
                },
            ),
            (
                "Bucket",
                "the reports bucket policy",
                "s3",
                BUCKET_EVENTS,
                {"requestParameters": {"bucketName": [bucket_name]}},
            ),
            (
                "Roles",
                "the stack's roles (forwarded from us-east-1)",
                "iam",
                ROLE_EVENTS,
                {"requestParameters": {"roleName": [role_names(stack_name)]}},
            ),
            (
                "Functions",
                "functions that run with the stack's roles",
                "lambda",
                FUNCTION_EVENTS,
                {"requestParameters": {"role": [roles]}},
            ),
        ):
            events.Rule(
                self,
                f"{construct_id}{name}",
                description=f"Changes to {what}",
                event_pattern=api_calls(source, event_names, match),
                targets=[targets.SnsTopic(self.topic, message=MESSAGE)],
            )


def role_names(stack_name: str) -> dict[str, str]:
    """CloudFormation names the stack's roles `<stack name>-<logical id>-<suffix>`."""
    return {"prefix": f"{stack_name}-"}


def api_calls(
    source: str, event_names: Sequence[str], match: dict[str, Any]
) -> events.EventPattern:
    """CloudTrail's record of the calls `event_names` to AWS service `source`, matching `match`."""
    return events.EventPattern(
        source=[f"aws.{source}"],
        detail_type=["AWS API Call via CloudTrail"],
        detail={
            "eventSource": [f"{source}.amazonaws.com"],
            "eventName": list(event_names),
            **match,
        },
    )
