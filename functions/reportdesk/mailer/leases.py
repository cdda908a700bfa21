"""Leases: one delivery at a time decides and sends for a key; a crashed holder's lease is
taken over after `LEASE_SECONDS`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from botocore.exceptions import ClientError

from reportdesk.core.s3 import CONDITIONAL_WRITE_LOST, NOT_FOUND, error_code
from reportdesk.mailer.common import LEASE_SECONDS, RetryLater, head, logger


def write_lease(s3: Any, bucket: str, key: str, metadata: dict[str, str], **condition: str) -> str:
    """Write a lease version and return its ETag. The body is random so every version has its
    own ETag: IfMatch on an ETag then means "nobody has written the lease since"."""
    body = uuid.uuid4().hex.encode()
    response = s3.put_object(Bucket=bucket, Key=key, Body=body, Metadata=metadata, **condition)
    return str(response["ETag"])


def lease_is_live(lease: Mapping[str, Any], now: datetime) -> bool:
    try:
        since = datetime.fromisoformat(lease["Metadata"]["claimed"])
    except (KeyError, ValueError):
        return False
    return now - since < timedelta(seconds=LEASE_SECONDS)


@dataclass(frozen=True)
class Lease:
    """A held lease: its ETag, and whether it is the key's first lease ever (see common.py)."""

    etag: str
    first: bool


def claim_lease(s3: Any, bucket: str, key: str, now: datetime) -> Lease | None:
    """Claim the lease `key`; the lease when this call holds it, None when another one does."""
    claim = {"claimed": now.isoformat()}
    try:
        return Lease(write_lease(s3, bucket, key, claim, IfNoneMatch="*"), first=True)
    except ClientError as error:
        if error_code(error) not in CONDITIONAL_WRITE_LOST:
            raise
    held = head(s3, bucket, key)
    if held is None or lease_is_live(held, now):
        # None: removed between our two calls; the redelivery will claim it or find the marker.
        return None
    try:
        # Released, or older than any holder can live: take it over, unless someone did already.
        return Lease(write_lease(s3, bucket, key, claim, IfMatch=held["ETag"]), first=False)
    except ClientError as error:
        if error_code(error) in CONDITIONAL_WRITE_LOST | NOT_FOUND:
            return None
        raise


def release_lease(s3: Any, bucket: str, key: str, etag: str) -> None:
    """Free the lease by overwriting it without a claim, if it is still ours. Not a delete:
    it must stay claimable with IfMatch whatever S3 does with delete markers in a versioned
    bucket. Best effort: a lease left claimed is free again after `LEASE_SECONDS`."""
    try:
        write_lease(s3, bucket, key, {}, IfMatch=etag)
    except ClientError as error:
        logger.warning("lease release failed", error=error_code(error))


@contextmanager
def lease(s3: Any, bucket: str, key: str, now: datetime) -> Iterator[Lease]:
    """Hold `key` while deciding and sending; RetryLater when another delivery holds it.
    Freed when the work failed; kept when it was done (see common.py)."""
    held = claim_lease(s3, bucket, key, now)
    if held is None:
        raise RetryLater
    try:
        yield held
    except BaseException:
        release_lease(s3, bucket, key, held.etag)
        raise
