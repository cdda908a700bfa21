"""The weekly overview for the maintainers: numbers only (reports received, open, closed,
suspected spam; mail and queue health), once a week, to the alarm addresses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.core.clock import brussels_date
from reportdesk.core.layout import DIGEST_SENT_PREFIX, overview_sent_key
from reportdesk.core.s3 import error_code
from reportdesk.mailer.common import hour_start
from reportdesk.reminders import mail
from reportdesk.reminders.config import Clients, Settings, send
from reportdesk.reminders.store import (
    Outcome,
    claim_marker,
    listing,
    load_cases,
)

logger = Logger(service="reminders")


def _queue_depth(sqs: Any, url: str | None) -> int | None:
    if url is None:
        return None
    try:
        attributes = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])
    except (BotoCoreError, ClientError, KeyError, ValueError) as error:
        logger.warning("overview", part="queue", error=error_code(error))
        return None


def _sent_last_24_hours(ses: Any) -> int | None:
    """SES's own count (the v1 API: it is what moto emulates too)."""
    try:
        return int(ses.get_send_quota()["SentLast24Hours"])
    except (BotoCoreError, ClientError, KeyError, ValueError) as error:
        logger.warning("overview", part="ses", error=error_code(error))
        return None


def overview_numbers(clients: Clients, settings: Settings, now: datetime) -> mail.Overview:
    """The numbers of the week before `now`."""
    since = now - timedelta(days=7)
    cases = [case for case, _ in load_cases(clients.s3, settings.bucket).cases]
    this_week = [case for case in cases if since <= case.received < now]
    digests = [
        item["Key"].removeprefix(DIGEST_SENT_PREFIX)
        for item in listing(clients.s3, settings.bucket, DIGEST_SENT_PREFIX)
    ]
    return mail.Overview(
        since=since,
        until=now,
        received=len(this_week),
        suspected_spam=sum(case.triage == "suspected_spam" for case in this_week),
        open=sum(case.state.status != "handled" for case in cases),
        closed=sum(case.state.status == "handled" for case in cases),
        digests_sent=sum(_in_week(hour, since, now) for hour in digests),
        queue_waiting=_queue_depth(clients.sqs, settings.queue_url),
        dead_letters=_queue_depth(clients.sqs, settings.dlq_url),
        sent_last_24_hours=_sent_last_24_hours(clients.ses),
    )


def _in_week(hour: str, since: datetime, now: datetime) -> bool:
    try:
        return since <= hour_start(hour) < now
    except ValueError:
        return False


def run_overview(clients: Clients, settings: Settings, now: datetime) -> Outcome:
    """Send the week's overview to the maintainers, once per week."""
    if not settings.overview_recipients:
        logger.info("overview", outcome="nothing_waits", reason="no_recipients")
        return "nothing_waits"
    numbers = overview_numbers(clients, settings, now)
    marker = overview_sent_key(brussels_date(now))
    if not claim_marker(clients.s3, settings.bucket, marker):
        return "already_sent"
    try:
        send(clients, settings, settings.overview_recipients, mail.overview(numbers))
    except (BotoCoreError, ClientError):
        clients.s3.delete_object(Bucket=settings.bucket, Key=marker)
        raise
    logger.info("overview", outcome="sent")
    return "sent"
