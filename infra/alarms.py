"""Alarms for the maintainers: an SNS topic with e-mail subscriptions, one alarm per failure."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.config import Config

PERIOD = Duration.minutes(5)


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
