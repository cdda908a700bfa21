"""Mailer Lambda: tells the API persons by e-mail that a report arrived (never what it says),
at most `MAIL_HOURLY_CAP` e-mails an hour; the rest go into one digest e-mail per hour.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import unquote_plus

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from snapshot_restore_py import register_after_restore

from reportdesk.core.layout import (
    message_from_key,
    report_id_from_key,
)
from reportdesk.core.s3 import error_code
from reportdesk.mailer.announce import notify_message, notify_report
from reportdesk.mailer.common import (
    DEFAULT_HOURLY_CAP,
    DIGEST_GRACE,
    LEASE_SECONDS,
    Clients,
    DigestRun,
    Outcome,
    RetryLater,
    Settings,
    logger,
)
from reportdesk.mailer.digest import send_due_digests
from reportdesk.runtime import snapstart as _snapstart  # noqa: F401 - registers its hooks first

# The mailer's interface (the Lambda entry points, and what its tests and the local stack use).
__all__ = [
    "DEFAULT_HOURLY_CAP",
    "DIGEST_GRACE",
    "LEASE_SECONDS",
    "Clients",
    "DigestRun",
    "Outcome",
    "RetryLater",
    "Settings",
    "digest_handler",
    "handler",
    "logger",
    "notify_message",
    "notify_report",
    "process_message",
    "send_due_digests",
]

# The messages of one batch are announced side by side: each waits on S3 most of its time, and the
# leases and conditional writes already make concurrent deliveries safe.
BATCH_WORKERS: Final = 5


def process_message(
    clients: Clients, settings: Settings, body: str, now: datetime
) -> list[Outcome]:
    """Handle one queue message: an S3 event with ObjectCreated records, or S3's test event."""
    message = json.loads(body)
    outcomes: list[Outcome] = []
    # S3's `s3:TestEvent` (sent when notifications are configured) has no Records.
    for record in message.get("Records", []):
        if not str(record.get("eventName", "")).startswith("ObjectCreated:"):
            continue
        if record["s3"]["bucket"]["name"] != settings.bucket:
            continue
        # S3 URL-encodes the key in event records.
        key = unquote_plus(record["s3"]["object"]["key"])
        message = message_from_key(key)
        report_id = message[0] if message else report_id_from_key(key)
        if report_id is None:
            continue
        notify = notify_message if message else notify_report
        try:
            outcome = notify(clients, settings, key, now)
        except RetryLater:
            logger.info("report", report_id=report_id, outcome="lease_held")
            raise
        except (BotoCoreError, ClientError) as error:
            logger.error("report", report_id=report_id, outcome="failed", error=error_code(error))
            raise
        except ValueError:
            logger.error("report", report_id=report_id, outcome="failed", error="bad_metadata")
            raise
        logger.info("report", report_id=report_id, outcome=outcome)
        outcomes.append(outcome)
    return outcomes


@functools.cache
def _aws_clients() -> Clients:
    # Short timeouts: a hung call must end well inside the Lambda timeout and the lease.
    config = Config(connect_timeout=5, read_timeout=10, retries={"mode": "standard"})
    return Clients(s3=boto3.client("s3", config=config), sesv2=boto3.client("sesv2", config=config))


# After a SnapStart restore: new clients (pooled connections do not survive a snapshot).
register_after_restore(_aws_clients.cache_clear)


def handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    """SQS-triggered: each message that fails is reported alone and retried alone."""
    clients = _aws_clients()
    settings = Settings.from_environment(os.environ)

    def failed(record: Mapping[str, Any]) -> str | None:
        try:
            process_message(clients, settings, record["body"], datetime.now(UTC))
        except Exception:  # any failure: SQS delivers this message again
            return str(record["messageId"])
        return None

    records = event.get("Records", [])
    with ThreadPoolExecutor(max_workers=max(1, min(BATCH_WORKERS, len(records)))) as pool:
        failures = [message_id for message_id in pool.map(failed, records) if message_id]
    # A batch where every message failed is answered like any other, not raised: SQS retries
    # exactly the failed messages either way, and the DLQ alarm covers what keeps failing.
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failures]}


def digest_handler(event: dict[str, Any], context: Any) -> dict[str, list[str]]:
    """Run hourly by a schedule, best a few minutes after `DIGEST_GRACE` past the hour; raises
    when an hour failed, so the run counts as an error (the next run sends it)."""
    run = send_due_digests(_aws_clients(), Settings.from_environment(os.environ), datetime.now(UTC))
    if run.failed:
        raise RuntimeError(f"digest not sent for {len(run.failed)} hour(s); next run retries")
    return {"sent": run.sent}
