"""The hourly digest: one e-mail per finished hour for what the cap or the spam triage held back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.core.layout import (
    DIGEST_PREFIX,
    DIGEST_SENT_PREFIX,
    digest_lease_key,
    digest_prefix,
    digest_sent_key,
)
from reportdesk.core.s3 import error_code
from reportdesk.mailer import notices
from reportdesk.mailer.announce import send_mail
from reportdesk.mailer.common import (
    DIGEST_GRACE,
    Clients,
    DigestRun,
    RetryLater,
    Settings,
    head,
    hour_start,
    logger,
    put_new,
)
from reportdesk.mailer.leases import lease


def _keys(s3: Any, bucket: str, prefix: str) -> Iterator[str]:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            yield item["Key"]


def _hours_with_entries(s3: Any, bucket: str) -> set[str]:
    hours: set[str] = set()
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=DIGEST_PREFIX, Delimiter="/"):
        for prefix in page.get("CommonPrefixes", []):
            hours.add(prefix["Prefix"].removeprefix(DIGEST_PREFIX).rstrip("/"))
    return hours


def _send_digest(clients: Clients, settings: Settings, hour: str, now: datetime) -> bool:
    s3, bucket = clients.s3, settings.bucket
    with lease(s3, bucket, digest_lease_key(hour), now):
        if head(s3, bucket, digest_sent_key(hour)) is not None:
            return False
        by_reason: dict[str, list[str]] = {"over_cap": [], "suspected_spam": []}
        for key in _keys(s3, bucket, digest_prefix(hour)):
            entry = head(s3, bucket, key)
            if entry is not None:
                metadata = entry["Metadata"]
                by_reason[metadata.get("reason", "over_cap")].append(metadata["reference"])
        count = sum(len(refs) for refs in by_reason.values())
        mail = notices.digest(
            hour_start(hour),
            sorted(by_reason["over_cap"]),
            sorted(by_reason["suspected_spam"]),
            settings.hourly_cap,
        )
        send_mail(clients, settings, mail)
        put_new(s3, bucket, digest_sent_key(hour), {"count": str(count)})
        logger.info("digest", hour=hour, count=count, outcome="emailed")
        return True


def send_due_digests(clients: Clients, settings: Settings, now: datetime) -> DigestRun:
    """Send one digest for every finished hour that has entries and no digest yet.

    Hours are never skipped: an hour whose digest failed stays due until a later run sends it.
    """
    s3, bucket = clients.s3, settings.bucket
    sent = {key.removeprefix(DIGEST_SENT_PREFIX) for key in _keys(s3, bucket, DIGEST_SENT_PREFIX)}
    run = DigestRun()
    for hour in sorted(_hours_with_entries(s3, bucket) - sent):
        if hour_start(hour) + timedelta(hours=1) + DIGEST_GRACE > now:
            continue
        try:
            if _send_digest(clients, settings, hour, now):
                run.sent.append(hour)
        except (BotoCoreError, ClientError, RetryLater) as error:
            logger.error("digest", hour=hour, outcome="failed", error=error_code(error))
            run.failed.append(hour)
    return run
