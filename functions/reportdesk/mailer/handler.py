"""Mailer Lambda: tells the API persons by e-mail that a report arrived (never what it says),
at most `MAIL_HOURLY_CAP` e-mails an hour; the rest go into one digest e-mail per hour.
"""

from __future__ import annotations

import functools
import json
import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal
from urllib.parse import unquote_plus

import boto3
from aws_lambda_powertools import Logger
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from snapshot_restore_py import register_after_restore

from reportdesk.core.layout import (
    DIGEST_PREFIX,
    DIGEST_SENT_PREFIX,
    digest_key,
    digest_lease_key,
    digest_prefix,
    digest_sent_key,
    mailcap_key,
    message_from_key,
    notified_key,
    notifying_key,
    report_id_from_key,
)
from reportdesk.core.reference import normalise_reference, reference_for
from reportdesk.core.s3 import CONDITIONAL_WRITE_LOST, NOT_FOUND, error_code
from reportdesk.mailer import notices
from reportdesk.runtime import snapstart as _snapstart  # noqa: F401 - registers its hooks first

# Exactly one e-mail per report although S3 events arrive at least once, and concurrently:
# - `notified/<report_id>` (IfNoneMatch) is written only after SES accepted the e-mail, or after the
#   report was put in a digest; a delivery that finds it does nothing.
# - Before deciding, a delivery claims the lease `notifying/<report_id>` (IfNoneMatch): of two
#   concurrent deliveries only one sends; the other fails its batch item and SQS delivers it again
#   later, when it finds the marker. A check-then-send without a lease would let both send.
# - A lease older than `LEASE_SECONDS` belongs to a delivery that crashed (the Lambda timeout is
#   shorter), so another may take it over with IfMatch on its ETag: only one taker wins. A holder
#   frees its lease by overwriting it without a claim, so a retry can take it at once.
# - A holder that wrote the marker leaves its lease claimed: every later delivery stops at the
#   marker before it looks at the lease, so freeing it would be one more write per report.
# - What remains: a delivery that dies after SES accepted and before the marker was written is
#   sent again by the retry. Sending and writing cannot be one step; a duplicate beats a lost one.
#
# The hourly caps count UTC clock hours (Belgian hours have the same boundaries, as Belgium is a
# whole number of hours from UTC) by claiming `mailcap/<hour>/<kind>/<n>`, n = 1..cap, with
# IfNoneMatch; reports and the children's messages have separate caps, so cheap messages cannot
# use up the reports' e-mails. An `unverified` report (no proof of work) may only take the first
# half of the report slots: however many cheap reports arrive, the other half stays for verified
# ones. Past the cap, and for every `suspected_spam` report, `digest/<hour>/<entry>` instead.
# The last usable slot is looked at first: when it is taken the hour is full (slots are claimed
# from 1 up), so a flood costs one HEAD per report instead of one failed PUT per slot.

logger = Logger(service="mailer")

DEFAULT_HOURLY_CAP: Final = 10
DEFAULT_MESSAGE_HOURLY_CAP: Final = 5
# Longer than the mailer's Lambda timeout: a lease this old has no living holder.
LEASE_SECONDS: Final = 120
# An hour's digest waits this long after the hour ended: longer than the Lambda timeout, so no
# delivery that read the clock inside that hour can still be adding an entry to it.
DIGEST_GRACE: Final = timedelta(minutes=5)
# The messages of one batch are announced side by side: each waits on S3 most of its time, and the
# leases and conditional writes already make concurrent deliveries safe.
BATCH_WORKERS: Final = 5

_HOUR_FORMAT: Final = "%Y-%m-%dT%HZ"

Outcome = Literal[
    "emailed", "digest_over_cap", "digest_suspected_spam", "already_notified", "report_missing"
]
DigestReason = Literal["over_cap", "suspected_spam"]
SlotKind = Literal["report", "message"]


class RetryLater(Exception):
    """Another delivery is working on this; SQS must deliver the message again later."""


@dataclass(frozen=True)
class Settings:
    """The mailer's deployment configuration (README: function settings)."""

    bucket: str
    sender: str
    recipients: tuple[str, ...]
    hourly_cap: int = DEFAULT_HOURLY_CAP
    message_hourly_cap: int = DEFAULT_MESSAGE_HOURLY_CAP
    configuration_set: str | None = None

    def usable_slots(self, kind: SlotKind, verified: bool = True) -> int:
        """How many of the hour's slots an announcement may take: its kind's cap, and for an
        unverified report only the first half (rounded down: with a cap of 1, none)."""
        if kind == "message":
            return self.message_hourly_cap
        return self.hourly_cap if verified else self.hourly_cap // 2

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> Settings:
        """Read `REPORTS_BUCKET`, `MAIL_SENDER`, `MAIL_RECIPIENTS`, `MAIL_HOURLY_CAP`,
        `MAIL_HOURLY_MESSAGE_CAP`, ..."""
        recipients = tuple(a.strip() for a in env["MAIL_RECIPIENTS"].split(",") if a.strip())
        if not recipients:
            raise ValueError("MAIL_RECIPIENTS names nobody")
        return cls(
            bucket=env["REPORTS_BUCKET"],
            sender=env["MAIL_SENDER"],
            recipients=recipients,
            hourly_cap=int(env.get("MAIL_HOURLY_CAP") or DEFAULT_HOURLY_CAP),
            message_hourly_cap=int(
                env.get("MAIL_HOURLY_MESSAGE_CAP") or DEFAULT_MESSAGE_HOURLY_CAP
            ),
            configuration_set=env.get("SES_CONFIGURATION_SET") or None,
        )


@dataclass(frozen=True)
class Clients:
    """The AWS clients the mailer uses (boto3 clients; boto3 ships no type hints), and the last
    slots this container found taken: such an hour stays full, so they are not looked at again."""

    s3: Any
    sesv2: Any
    taken_last_slots: set[str] = field(default_factory=set)


@dataclass
class DigestRun:
    """What one digest run did, by hour key."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def hour_key(moment: datetime) -> str:
    """The UTC clock hour of an aware datetime, as used in keys: `2026-11-28T16Z`."""
    return moment.astimezone(UTC).strftime(_HOUR_FORMAT)


def hour_start(key: str) -> datetime:
    """The start of the hour named by `hour_key`."""
    return datetime.strptime(key, _HOUR_FORMAT).replace(tzinfo=UTC)


def _head(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    """Metadata only: the mailer never reads an object's body (and has no kms:Decrypt)."""
    try:
        response: dict[str, Any] = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error_code(error) in NOT_FOUND:
            return None
        raise
    return response


def _put_new(s3: Any, bucket: str, key: str, metadata: Mapping[str, str]) -> bool:
    """Create an empty object unless the key exists; False when it did."""
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=b"", Metadata=dict(metadata), IfNoneMatch="*")
    except ClientError as error:
        if error_code(error) in CONDITIONAL_WRITE_LOST:
            return False
        raise
    return True


def _delete(s3: Any, bucket: str, key: str) -> None:
    """Best effort: a slot left behind only sends one more report to the digest."""
    try:
        s3.delete_object(Bucket=bucket, Key=key)
    except ClientError as error:
        logger.warning("slot release failed", error=error_code(error))


def _write_lease(s3: Any, bucket: str, key: str, metadata: dict[str, str], **condition: str) -> str:
    """Write a lease version and return its ETag. The body is random so every version has its
    own ETag: IfMatch on an ETag then means "nobody has written the lease since"."""
    body = uuid.uuid4().hex.encode()
    response = s3.put_object(Bucket=bucket, Key=key, Body=body, Metadata=metadata, **condition)
    return str(response["ETag"])


def _lease_is_live(lease: Mapping[str, Any], now: datetime) -> bool:
    try:
        since = datetime.fromisoformat(lease["Metadata"]["claimed"])
    except (KeyError, ValueError):
        return False
    return now - since < timedelta(seconds=LEASE_SECONDS)


@dataclass(frozen=True)
class Lease:
    """A held lease: its ETag, and whether it is the key's first lease ever (then nobody can have
    written the marker, which is only written under the lease, and the holder keeps it after)."""

    etag: str
    first: bool


def _claim_lease(s3: Any, bucket: str, key: str, now: datetime) -> Lease | None:
    """Claim the lease `key`; the lease when this call holds it, None when another one does."""
    claim = {"claimed": now.isoformat()}
    try:
        return Lease(_write_lease(s3, bucket, key, claim, IfNoneMatch="*"), first=True)
    except ClientError as error:
        if error_code(error) not in CONDITIONAL_WRITE_LOST:
            raise
    held = _head(s3, bucket, key)
    if held is None or _lease_is_live(held, now):
        # None: removed between our two calls; the redelivery will claim it or find the marker.
        return None
    try:
        # Released, or older than any holder can live: take it over, unless someone did already.
        return Lease(_write_lease(s3, bucket, key, claim, IfMatch=held["ETag"]), first=False)
    except ClientError as error:
        if error_code(error) in CONDITIONAL_WRITE_LOST | NOT_FOUND:
            return None
        raise


def _release_lease(s3: Any, bucket: str, key: str, etag: str) -> None:
    """Free the lease by overwriting it without a claim, if it is still ours. Not a delete:
    it must stay claimable with IfMatch whatever S3 does with delete markers in a versioned
    bucket. Best effort: a lease left claimed is free again after `LEASE_SECONDS`."""
    try:
        _write_lease(s3, bucket, key, {}, IfMatch=etag)
    except ClientError as error:
        logger.warning("lease release failed", error=error_code(error))


@contextmanager
def _lease(s3: Any, bucket: str, key: str, now: datetime) -> Iterator[Lease]:
    """Hold `key` while deciding and sending; RetryLater when another delivery holds it.
    Freed when the work failed; kept when it was done (see "A holder that wrote the marker")."""
    lease = _claim_lease(s3, bucket, key, now)
    if lease is None:
        raise RetryLater
    try:
        yield lease
    except BaseException:
        _release_lease(s3, bucket, key, lease.etag)
        raise


def _send(clients: Clients, settings: Settings, mail: notices.Mail) -> None:
    """One e-mail addressed to all API persons: SES accepts or refuses it as a whole, so the
    marker written after it is true for everyone (one e-mail each could half succeed)."""
    utf8 = "UTF-8"
    request: dict[str, Any] = {
        "FromEmailAddress": settings.sender,
        "Destination": {"ToAddresses": list(settings.recipients)},
        "Content": {
            "Simple": {
                "Subject": {"Data": mail.subject, "Charset": utf8},
                "Body": {
                    "Text": {"Data": mail.text, "Charset": utf8},
                    "Html": {"Data": mail.html, "Charset": utf8},
                },
            }
        },
    }
    if settings.configuration_set:
        request["ConfigurationSetName"] = settings.configuration_set
    clients.sesv2.send_email(**request)


def _received(report: Mapping[str, Any]) -> datetime:
    try:
        received = datetime.fromisoformat(report["Metadata"]["received"])
    except (KeyError, ValueError):
        received = report["LastModified"]
    return received if received.tzinfo else received.replace(tzinfo=UTC)


def _claim_slot(
    clients: Clients, bucket: str, hour: str, kind: SlotKind, usable: int
) -> str | None:
    """Claim the lowest free slot of 1..`usable`; None when the hour has none left for this one.

    Slots are claimed from 1 up, so a taken last slot means every lower one was taken too (one
    given back after an SES refusal is only lost to the digest: one e-mail fewer, never more).
    """
    s3 = clients.s3
    if usable < 1:
        return None
    last = mailcap_key(hour, kind, usable)
    if last in clients.taken_last_slots:
        return None
    if _head(s3, bucket, last) is not None:
        clients.taken_last_slots.add(last)
        return None
    for n in range(1, usable + 1):
        key = mailcap_key(hour, kind, n)
        if _put_new(s3, bucket, key, {}):
            return key
    return None


def _to_digest(
    s3: Any, bucket: str, marker: str, entry: str, reference: str, hour: str, reason: DigestReason
) -> None:
    """Put the report or message in the digest of `hour`, then mark it announced."""
    s3.put_object(
        Bucket=bucket,
        Key=digest_key(hour, entry),
        Body=b"",
        Metadata={"reference": reference, "reason": reason},
    )
    _put_new(s3, bucket, marker, {"via": "digest", "hour": hour})


@dataclass(frozen=True)
class Announcement:
    """What to announce once: its marker and lease, its digest entry, and the e-mail to send."""

    marker: str
    lease: str
    digest_entry: str
    reference: str
    mail: Callable[[], notices.Mail]
    kind: SlotKind = "report"
    suspected_spam: bool = False
    verified: bool = True


def _announce(clients: Clients, settings: Settings, what: Announcement, now: datetime) -> Outcome:
    """The marker, lease, slot, send, marker steps shared by reports and messages: by e-mail
    within the hourly cap, else (and always for suspected spam) in the digest of `now`'s hour."""
    s3, bucket = clients.s3, settings.bucket
    with _lease(s3, bucket, what.lease, now) as lease:
        # Another delivery may have finished between our first look and our claim; not if this
        # is the first lease ever (a lifecycle rule removes leases only days after their holder).
        if not lease.first and _head(s3, bucket, what.marker) is not None:
            return "already_notified"
        hour = hour_key(now)
        if what.suspected_spam:
            _to_digest(
                s3, bucket, what.marker, what.digest_entry, what.reference, hour, "suspected_spam"
            )
            return "digest_suspected_spam"
        usable = settings.usable_slots(what.kind, what.verified)
        slot = _claim_slot(clients, bucket, hour, what.kind, usable)
        if slot is None:
            _to_digest(s3, bucket, what.marker, what.digest_entry, what.reference, hour, "over_cap")
            return "digest_over_cap"
        try:
            _send(clients, settings, what.mail())
        except ClientError:
            # SES refused: this one did not use its slot, so give it back to the hour. (After a
            # timeout SES may have sent it, so that slot stays counted.)
            _delete(s3, bucket, slot)
            raise
        # False only after a lease takeover whose old holder wrote it: still exactly one marker.
        _put_new(s3, bucket, what.marker, {"via": "email"})
        return "emailed"


def notify_report(clients: Clients, settings: Settings, key: str, now: datetime) -> Outcome:
    """Announce the report stored at `key` once: by e-mail, or in the digest of `now`'s hour."""
    s3, bucket = clients.s3, settings.bucket
    report_id = report_id_from_key(key)
    if report_id is None:
        raise ValueError("not a report key")
    marker = notified_key(report_id)
    if _head(s3, bucket, marker) is not None:
        return "already_notified"
    report = _head(s3, bucket, key)
    if report is None:
        # Deleted with api-inbox before this delivery: nobody needs to be told any more.
        return "report_missing"
    metadata = report["Metadata"]
    reference = metadata.get("reference", "")
    if normalise_reference(reference) != reference:
        raise ValueError("report metadata has no valid reference")
    language = metadata.get("language", "")
    what = Announcement(
        marker=marker,
        lease=notifying_key(report_id),
        digest_entry=report_id,
        reference=reference,
        mail=lambda: notices.report_notice(reference, _received(report), language),
        suspected_spam=metadata.get("triage") == "suspected_spam",
        verified=metadata.get("triage") != "unverified",
    )
    return _announce(clients, settings, what, now)


def notify_message(clients: Clients, settings: Settings, key: str, now: datetime) -> Outcome:
    """Announce a child's new message at `key` once, like a report: by e-mail within the hourly
    cap (same lease and marker scheme), else in the digest of `now`'s hour under its reference."""
    s3, bucket = clients.s3, settings.bucket
    found = message_from_key(key)
    if found is None:
        raise ValueError("not a message key")
    report_id, name = found
    marker = notified_key(report_id, name)
    if _head(s3, bucket, marker) is not None:
        return "already_notified"
    message = _head(s3, bucket, key)
    if message is None:
        return "report_missing"
    reference = reference_for(report_id)
    what = Announcement(
        marker=marker,
        lease=notifying_key(report_id, name),
        digest_entry=f"{report_id}-{name}",
        reference=reference,
        mail=lambda: notices.message_notice(reference, _received(message)),
        kind="message",
    )
    return _announce(clients, settings, what, now)


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
    with _lease(s3, bucket, digest_lease_key(hour), now):
        if _head(s3, bucket, digest_sent_key(hour)) is not None:
            return False
        by_reason: dict[str, list[str]] = {"over_cap": [], "suspected_spam": []}
        for key in _keys(s3, bucket, digest_prefix(hour)):
            entry = _head(s3, bucket, key)
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
        _send(clients, settings, mail)
        _put_new(s3, bucket, digest_sent_key(hour), {"count": str(count)})
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
