"""Where and how report objects and used-challenge markers are written in the reports bucket.

Every write is conditional (`IfNoneMatch="*"`), so a retried or concurrent submission is stored
once (reference guide, "Storage layout"). The intake never reads an object: it may only write, and
list report keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.core.layout import challenge_key, report_key
from reportdesk.core.s3 import CONDITIONAL_WRITE_LOST, StorageUnavailable, error_code

# A retry can reach us after midnight on the first of a month, while its first attempt is stored
# under the month before: in this first window of a month we look for it there (a key listing, as
# the intake may not read objects) before writing.
MONTH_BOUNDARY_WINDOW: Final = timedelta(hours=1)


@dataclass(frozen=True)
class ReportMetadata:
    """The object metadata of a report: never personal data."""

    reference: str
    language: str
    triage: str
    contact_wanted: bool
    received: datetime
    schema: int

    def as_s3_metadata(self) -> dict[str, str]:
        return {
            "reference": self.reference,
            "language": self.language,
            "triage": self.triage,
            "contact-wanted": "yes" if self.contact_wanted else "no",
            "received": self.received.astimezone(UTC).isoformat(timespec="seconds"),
            "schema": str(self.schema),
        }


@dataclass(frozen=True)
class StoredReport:
    """Where a report is, and whether this call wrote it (False: it was already stored)."""

    key: str
    created: bool


def _listed(s3: Any, bucket: str, key: str) -> bool:
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1)
    return any(item["Key"] == key for item in listing.get("Contents", []))


def _put_once(s3: Any, bucket: str, key: str, body: bytes, **extra: Any) -> bool:
    """True when this call created the object, False when it already existed."""
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=body, IfNoneMatch="*", **extra)
    except ClientError as error:
        if error_code(error) in CONDITIONAL_WRITE_LOST:
            return False
        raise
    return True


def store_report(
    s3: Any,
    bucket: str,
    report_id: str,
    ciphertext: bytes,
    metadata: ReportMetadata,
) -> StoredReport:
    """Write the encrypted report once; a second call for the same report id writes nothing."""
    key = report_key(report_id, metadata.received)
    received = metadata.received.astimezone(UTC)
    month_start = received.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    try:
        if received - month_start < MONTH_BOUNDARY_WINDOW:
            previous = report_key(report_id, month_start - timedelta(microseconds=1))
            if _listed(s3, bucket, previous):
                return StoredReport(key=previous, created=False)
        created = _put_once(
            s3,
            bucket,
            key,
            ciphertext,
            Metadata=metadata.as_s3_metadata(),
            Tagging="status=open",
            ContentType="application/octet-stream",
        )
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error
    return StoredReport(key=key, created=created)


def claim_challenge(s3: Any, bucket: str, challenge_hash: str) -> bool:
    """Record the use of a challenge; False when it was used before (a replay)."""
    try:
        return _put_once(s3, bucket, challenge_key(challenge_hash), b"")
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error
