"""The follow-up of reports: its function and routes behind the report API, its HMAC secret, and
what the intake and the API persons may do with follow-up codes, replies and messages.
"""

from __future__ import annotations

from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct
from reportdesk.core import layout, routes

from infra.api import CREATE_ONLY, ReportApi
from infra.config import Config
from infra.functions import api_function
from infra.storage import ReportsStorage

# Prefixes of guides/reference.md "Storage layout".


class Followup(Construct):
    """`POST /api/followup/read` and `POST /api/followup/messages` on the report API's stage."""

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
    ) -> None:
        super().__init__(scope, construct_id)
        self.secret = api.hmac_secret("FollowupSecret", "follow-up codes")
        self.function = api_function(
            self,
            "Function",
            handler="reportdesk.followup.handler.handler",
            service="followup",
            code=code,
            storage=storage,
            environment={"DAILY_MESSAGES_PER_CODE": str(config.daily_messages_per_code)},
            log_retention=log_retention,
            reserved_concurrency=config.intake_concurrency,
        )
        self.function.read_secret("FOLLOWUP_SECRET_ID", self.secret)
        role = self.function.role
        # Reads replies (decrypt: purpose `reply` only) and the code mappings; writes messages it
        # can encrypt (purpose `message`) but never read back. It can never decrypt a report.
        # ...and the case state, to show the child where things stand (SSE-S3, no personal data).
        storage.allow(
            role,
            ["s3:GetObject"],
            [layout.FOLLOWUP_PREFIX, layout.REPLIES_PREFIX, layout.CASES_PREFIX],
        )
        storage.allow(role, ["s3:PutObject"], [layout.MESSAGES_PREFIX])
        # Listing only its own prefixes: a thread's replies and messages, and whether a code's
        # mapping exists (a GET of a missing key is a 403 without an unlimited ListBucket).
        storage.allow_list_keys(
            role, [layout.FOLLOWUP_PREFIX, layout.REPLIES_PREFIX, layout.MESSAGES_PREFIX]
        )
        storage.allow_reports_key(role, ["kms:Decrypt"], purpose="reply")
        storage.allow_reports_key(role, ["kms:GenerateDataKey"], purpose="message")
        storage.allow_storage_key(role, ["kms:Decrypt", "kms:GenerateDataKey"])
        for path, name in (
            (routes.FOLLOWUP_READ_PATH, "FollowupRead"),
            (routes.FOLLOWUP_MESSAGES_PATH, "FollowupMessages"),
        ):
            api.add_function_route(path, [apigwv2.HttpMethod.POST], self.function, name)

        # The intake issues a code with every accepted report: the mapping and its index entry.
        intake = api.intake
        intake.read_secret("FOLLOWUP_SECRET_ID", self.secret)
        storage.allow(
            intake.role,
            ["s3:PutObject"],
            [layout.FOLLOWUP_PREFIX, layout.FOLLOWUP_INDEX_PREFIX],
            conditions=CREATE_ONLY,
        )

        # The API persons (api-inbox): reply and read the thread; the delete role removes it with
        # the report.
        readers = storage.readers_role
        storage.allow(readers, ["s3:PutObject"], [layout.REPLIES_PREFIX])
        thread = [
            layout.REPLIES_PREFIX,
            layout.MESSAGES_PREFIX,
            layout.FOLLOWUP_PREFIX,
            layout.FOLLOWUP_INDEX_PREFIX,
        ]
        storage.allow(readers, ["s3:GetObject"], thread)
        storage.allow(storage.delete_role, ["s3:DeleteObject", "s3:DeleteObjectVersion"], thread)
        storage.allow_reports_key(readers, ["kms:GenerateDataKey"], purpose="reply")
        for purpose in ("reply", "message"):
            storage.allow_reports_key(readers, ["kms:Decrypt"], purpose=purpose)
        storage.allow_storage_key(readers, ["kms:GenerateDataKey"])
