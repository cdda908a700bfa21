"""What every part of the mailer shares: how exactly-once works, the settings, the clients,
the hour keys and the small S3 steps (look, create once, release a slot)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from reportdesk.core.s3 import CONDITIONAL_WRITE_LOST, NOT_FOUND, error_code

# Exactly one e-mail per report although S3 events arrive at least once, and concurrently:
# - `notified/<report_id>` (IfNoneMatch) is written only after SES accepted the e-mail, or after the
#   report was put in a digest; a delivery that finds it does nothing.
# - Before deciding, a delivery claims the lease `notifying/<report_id>` (IfNoneMatch): of two
#   concurrent deliveries only one sends; the other fails its batch item and SQS delivers it again
#   later, when it finds the marker. A check-then-send without a lease would let both send.
# - A lease older than `LEASE_SECONDS` belongs to a delivery that crashed (the Lambda timeout is
#   shorter), so another may take it over with IfMatch on its ETag: only one taker wins. A holder
#   that failed frees its lease by overwriting it without a claim, so a retry can take it at once.
# - A holder that wrote the marker leaves its lease claimed: every later delivery stops at the
#   marker before it looks at the lease, so freeing it would be one more write per report. And
#   the holder of a key's first lease ever (IfNoneMatch won) need not look for the marker again:
#   markers are only written under the lease (a lifecycle rule removes leases only days later).
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
    """The mailer's deployment configuration (guides/reference.md, "Settings")."""

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


# How S3 denies a HEAD (no body: the status is the code) or a GET.
FORBIDDEN: Final = frozenset({"403", "AccessDenied", "Forbidden"})


def listed(s3: Any, bucket: str, key: str) -> bool:
    """Whether `key` exists, by listing it: the mailer may list only its own and the announced
    prefixes, so S3 answers a HEAD of a missing key with 403, not 404. An exact key sorts before
    every longer key it is a prefix of (`notified/<id>` before `notified/<id>/<name>`)."""
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1)
    return any(item["Key"] == key for item in listing.get("Contents", []))


def head(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    """Metadata only: the mailer never reads an object's body (and has no kms:Decrypt). None
    when the key does not exist: a 404, or a 403 while a listing shows no such key (`listed`);
    a 403 for a key that is there is a real denial and is raised."""
    try:
        response: dict[str, Any] = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        code = error_code(error)
        if code in NOT_FOUND or (code in FORBIDDEN and not listed(s3, bucket, key)):
            return None
        raise
    return response


def put_new(s3: Any, bucket: str, key: str, metadata: Mapping[str, str]) -> bool:
    """Create an empty object unless the key exists; False when it did."""
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=b"", Metadata=dict(metadata), IfNoneMatch="*")
    except ClientError as error:
        if error_code(error) in CONDITIONAL_WRITE_LOST:
            return False
        raise
    return True


def release_slot(s3: Any, bucket: str, key: str) -> None:
    """Best effort: a slot left behind only sends one more report to the digest."""
    try:
        s3.delete_object(Bucket=bucket, Key=key)
    except ClientError as error:
        logger.warning("slot release failed", error=error_code(error))
