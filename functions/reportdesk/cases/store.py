"""The reports as cases, free of any UI: list, find by reference, read and decrypt, the thread of
replies and messages, the status, and deleting every trace of a report.

Used by `api-inbox` (and the web inbox). Decryption goes through `reportdesk.core.crypto` only; AWS
clients come in as arguments. A problem the reader can act on is a `CaseError` whose message says
what to do.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from aws_encryption_sdk.exceptions import DecryptKeyError
from aws_encryption_sdk.internal.formatting.deserialize import deserialize_header
from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.cases.delete import delete_every_trace
from reportdesk.core import clock, crypto
from reportdesk.core.layout import REPORTS_PREFIX, report_id_from_key
from reportdesk.core.reference import normalise_reference, reference_for
from reportdesk.core.s3 import NOT_FOUND, StorageUnavailable, error_code
from reportdesk.followup import store as followup_store

STATUSES: Final = ("open", "handled")
REPLY_MAX: Final = 10_000
TAMPERED: Final = "this report's content does not belong to it; it may have been tampered with"
DAMAGED: Final = "this report's content was changed or damaged; it cannot be read safely"
# Enough parallel requests to list a few thousand reports in seconds, few enough to be polite.
_WORKERS: Final = 16


class CaseError(Exception):
    """A problem the reader can act on; the message says what (shown as one line)."""


@dataclass(frozen=True)
class ReportRow:
    """One report as a listing shows it, built from object metadata and tags (never decrypted)."""

    reference: str
    report_id: str
    received: datetime | None
    language: str
    triage: str
    contact_wanted: bool | None
    status: str


@dataclass(frozen=True)
class StoredReport:
    """A report object and what its metadata and tags say about it."""

    key: str
    row: ReportRow
    tags: dict[str, str]


def wrapping_key_arns(body: bytes) -> set[str] | None:
    """The KMS keys named in the message header, or None when the header cannot be read.

    Only used to explain a failed decryption; `deserialize_header` is internal to the AWS
    Encryption SDK (pinned), and reads the header without decrypting anything.
    """
    try:
        header, _raw = deserialize_header(io.BytesIO(body), max_encrypted_data_keys=1)
        return {
            key.key_provider.key_info.decode("utf-8", "replace")
            for key in header.encrypted_data_keys
        }
    except Exception:  # any unreadable header is simply "damaged"
        return None


def _not_decrypted(body: bytes, key_arn: str, cause: BaseException | None) -> Exception:
    """Why a decryption failed: the AWS failure itself, or a CaseError saying what to check."""
    if isinstance(cause, BotoCoreError | ClientError):
        aws_failure: Exception = cause
        return aws_failure
    keys = wrapping_key_arns(body)
    if keys is None:
        return CaseError(DAMAGED)
    if key_arn not in keys:
        return CaseError(
            "this report was encrypted with another KMS key than the configured one "
            "(KMS_KEY_ARN); check your settings"
        )
    if isinstance(cause, DecryptKeyError):
        return CaseError(
            "KMS refused to decrypt this report: your AWS identity may not use the key, "
            "or the content was changed"
        )
    return CaseError(DAMAGED)


class Cases:
    """The reports bucket seen by a reader: reports, their threads and their status."""

    def __init__(self, s3: Any, bucket: str, key_arn: str, botocore_session: Any) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.key_arn = key_arn
        self.botocore_session = botocore_session

    def keys(self) -> list[str]:
        paginator = self.s3.get_paginator("list_objects_v2")
        keys: list[str] = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=REPORTS_PREFIX):
            keys += [item["Key"] for item in page.get("Contents", [])]
        return [key for key in keys if report_id_from_key(key)]

    def tags(self, key: str) -> dict[str, str]:
        response = self.s3.get_object_tagging(Bucket=self.bucket, Key=key)
        return {tag["Key"]: tag["Value"] for tag in response["TagSet"]}

    def _head(self, key: str) -> tuple[str, dict[str, str], datetime]:
        response = self.s3.head_object(Bucket=self.bucket, Key=key)
        return key, response.get("Metadata", {}), response["LastModified"]

    def _report(self, key: str, metadata: Mapping[str, str], modified: datetime) -> StoredReport:
        tags = self.tags(key)
        wanted = metadata.get("contact-wanted")
        row = ReportRow(
            reference=metadata.get("reference", "?"),
            report_id=report_id_from_key(key) or "?",
            received=clock.received_time(metadata, modified),
            language=metadata.get("language", "?"),
            triage=metadata.get("triage", "?"),
            contact_wanted=None if wanted is None else wanted == "yes",
            status=tags.get("status", "open"),
        )
        return StoredReport(key=key, row=row, tags=tags)

    def all(self) -> list[StoredReport]:
        """Every report, newest first."""

        def load(key: str) -> StoredReport:
            return self._report(*self._head(key))

        with ThreadPoolExecutor(_WORKERS) as pool:
            reports = list(pool.map(load, self.keys()))
        return sorted(reports, key=lambda report: report.row.received or datetime.min, reverse=True)

    def find(self, reference: str) -> StoredReport:
        """The report with this reference; the reference derives from the report id in the key,
        so a listing finds it without reading any object."""
        wanted = normalise_reference(reference)
        if wanted is None:
            raise CaseError(f"{reference!r} is not a report reference (it looks like ABCD-1234)")
        keys = [
            key for key in self.keys() if reference_for(report_id_from_key(key) or "") == wanted
        ]
        if not keys:
            raise CaseError(f"no report with reference {wanted}")
        if len(keys) > 1:
            raise CaseError(f"more than one report has reference {wanted}; ask a maintainer")
        return self._report(*self._head(keys[0]))

    def body(self, key: str) -> bytes:
        try:
            response = self.s3.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error_code(error) in NOT_FOUND:
                raise CaseError("this report's content is missing from the bucket") from None
            raise
        data: bytes = response["Body"].read()
        return data

    def document(self, stored: StoredReport) -> dict[str, Any]:
        """The decrypted JSON document of the report; CaseError when it cannot be trusted."""
        body = self.body(stored.key)
        report_id = stored.row.report_id
        try:
            plaintext = crypto.decrypt(
                body, report_id, key_arn=self.key_arn, botocore_session=self.botocore_session
            )
        except crypto.WrongEncryptionContext:
            raise CaseError(TAMPERED) from None
        except crypto.DecryptionFailed as error:
            raise _not_decrypted(body, self.key_arn, error.__cause__) from None
        try:
            document: dict[str, Any] = json.loads(plaintext)
        except ValueError:
            raise CaseError(DAMAGED) from None
        if document.get("report_id") != report_id:
            raise CaseError(TAMPERED)
        return document

    def thread(self, report_id: str) -> list[followup_store.Entry]:
        """The replies and the reporter's messages after the report, oldest first."""
        return followup_store.thread(self.s3, self.bucket, report_id)

    def entry_text(self, entry: followup_store.Entry) -> str:
        """The decrypted text of a reply or message; CaseError when it cannot be trusted."""
        try:
            return followup_store.read_entry(
                self.s3,
                self.bucket,
                entry,
                key_arn=self.key_arn,
                botocore_session=self.botocore_session,
            )
        except crypto.WrongEncryptionContext:
            raise CaseError(TAMPERED.replace("report's", f"{entry.kind}'s")) from None
        except crypto.DecryptionFailed as error:
            body = self.body(entry.key)
            raise _not_decrypted(body, self.key_arn, error.__cause__) from None

    def reply(self, stored: StoredReport, text: str, now: datetime) -> None:
        """Store an encrypted reply; the reporter reads it with their follow-up code."""
        if len(text) > REPLY_MAX:
            raise CaseError(f"the reply is longer than {REPLY_MAX} characters; nothing was sent")
        followup_store.store_entry(
            self.s3,
            self.bucket,
            "reply",
            stored.row.report_id,
            text,
            key_arn=self.key_arn,
            botocore_session=self.botocore_session,
            now=now,
            metadata={"reference": stored.row.reference},
        )

    def set_status(self, stored: StoredReport, status: str) -> None:
        tags = {**stored.tags, "status": status}
        self.s3.put_object_tagging(
            Bucket=self.bucket,
            Key=stored.key,
            Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]},
        )

    def delete(self, stored: StoredReport) -> int:
        """Delete every trace of the report (`cases.delete`): its follow-up first (from then on
        the reporter's code is an unknown code), the mailer's markers and digest entries, every
        version of the report, its case state; returns how many versions were removed."""
        try:
            return delete_every_trace(self.s3, self.bucket, stored.key)
        except StorageUnavailable as error:
            raise CaseError(f"could not delete every version: {error}") from None
