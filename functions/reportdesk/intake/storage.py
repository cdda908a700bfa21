"""Where and how report objects, submission markers and used-challenge markers are written.

Every write is conditional (`IfNoneMatch="*"`), so a retried or concurrent submission is stored
once (reference guide, "Storage layout"). The intake never lists the bucket and never reads a
report: the only objects it may read are its own markers, whose metadata is not personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.core.layout import challenge_key, report_key, submission_key
from reportdesk.core.s3 import CONDITIONAL_WRITE_LOST, StorageUnavailable, error_code

_RECEIVED: Final = "received"
_FINGERPRINT: Final = "fingerprint"
_CLAIMANT: Final = "claimant"


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


def _put_once(s3: Any, bucket: str, key: str, body: bytes, **extra: Any) -> bool:
    """True when this call created the object, False when it already existed."""
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=body, IfNoneMatch="*", **extra)
    except ClientError as error:
        if error_code(error) in CONDITIONAL_WRITE_LOST:
            return False
        raise
    return True


@dataclass(frozen=True)
class Submission:
    """The marker of a report id: when the report was first stored (its key's month) and the
    fingerprint of what was sent then; `first` when this call wrote the marker."""

    received: datetime
    fingerprint: str
    first: bool


def _metadata(s3: Any, bucket: str, key: str) -> dict[str, str]:
    """The metadata of one of the intake's own markers (HeadObject: no body is read)."""
    metadata: dict[str, str] = s3.head_object(Bucket=bucket, Key=key).get("Metadata", {})
    return metadata


def claim_submission(
    s3: Any, bucket: str, report_id: str, fingerprint: str, now: datetime
) -> Submission:
    """Write the marker `submissions/<report_id>` once; when it exists, read what it says."""
    key = submission_key(report_id)
    received = now.astimezone(UTC)
    metadata = {_RECEIVED: received.isoformat(), _FINGERPRINT: fingerprint}
    try:
        if _put_once(s3, bucket, key, b"", Metadata=metadata):
            return Submission(received=received, fingerprint=fingerprint, first=True)
        stored = _metadata(s3, bucket, key)
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error
    try:
        first_received = datetime.fromisoformat(stored[_RECEIVED])
    except (KeyError, ValueError):
        raise StorageUnavailable("unreadable submission marker") from None
    return Submission(
        received=first_received, fingerprint=stored.get(_FINGERPRINT, ""), first=False
    )


def store_report(
    s3: Any,
    bucket: str,
    report_id: str,
    ciphertext: bytes,
    metadata: ReportMetadata,
) -> StoredReport:
    """Write the encrypted report once, under the month of `metadata.received` (the first
    attempt's time, from the submission marker); a second call writes nothing."""
    key = report_key(report_id, metadata.received)
    try:
        created = _put_once(
            s3,
            bucket,
            key,
            ciphertext,
            Metadata=metadata.as_s3_metadata(),
            ContentType="application/octet-stream",
        )
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error
    return StoredReport(key=key, created=created)


def claim_challenge(s3: Any, bucket: str, challenge_hash: str, claimant: str) -> bool:
    """Record the use of a challenge by `claimant` (the submission's fingerprint, never a report
    id); False when another claimant used it before (a replay). The same claimant again is the
    child's retry after a failed write, and keeps its proof."""
    key = challenge_key(challenge_hash)
    try:
        if _put_once(s3, bucket, key, b"", Metadata={_CLAIMANT: claimant}):
            return True
        return bool(claimant) and _metadata(s3, bucket, key).get(_CLAIMANT) == claimant
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error
