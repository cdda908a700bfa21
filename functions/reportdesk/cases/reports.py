"""Finding a report by the reference a person types, decrypting it with its thread, noting that
it was opened, and answering the child: the one way the web inbox (`cases.actions`) and api-inbox
(`cases.store`) both do it. The callers write the access record entry first.

Decryption goes through `reportdesk.core.crypto` only; AWS clients come in as fields. A report that
cannot be found or trusted is a `CaseError` whose message says what to do; an AWS failure is
raised as it is.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final

from aws_encryption_sdk.exceptions import DecryptKeyError
from aws_encryption_sdk.internal.formatting.deserialize import deserialize_header
from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.cases import state as casestate
from reportdesk.cases.state import CaseState
from reportdesk.core import crypto
from reportdesk.core.layout import REPORTS_PREFIX, report_id_from_key
from reportdesk.core.reference import normalise_reference, reference_for
from reportdesk.core.s3 import NOT_FOUND, error_code
from reportdesk.followup import store as followup_store

TAMPERED: Final = "this report's content does not belong to it; it may have been tampered with"
DAMAGED: Final = "this report's content was changed or damaged; it cannot be read safely"
# The longest reply the API persons can send, from the web inbox or api-inbox.
REPLY_MAX: Final = 10_000
# Longer than any way of typing a reference: not worth normalising.
_TYPED_MAX: Final = 32


class CaseError(Exception):
    """A problem the reader can act on; the message says what (shown as one line)."""


class UnknownReport(CaseError):
    """No report has this reference (or it is not a reference at all)."""


@dataclass(frozen=True)
class Found:
    """A report found by its reference: its id, its reference and its object key."""

    report_id: str
    reference: str
    key: str


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


@dataclass(frozen=True)
class Reports:
    """The reports bucket as a reader sees it: find a report by reference and decrypt it."""

    s3: Any
    bucket: str
    key_arn: str
    botocore_session: Any

    def report_keys(self) -> dict[str, str]:
        """Every report id with its object key."""
        found: dict[str, str] = {}
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=REPORTS_PREFIX
        )
        for page in pages:
            for item in page.get("Contents", []):
                report_id = report_id_from_key(item["Key"])
                if report_id:
                    found[report_id] = item["Key"]
        return found

    def find(self, typed: str) -> Found:
        """The report a person's reference names (any case, no dash, O for 0). The reference
        derives from the report id in the key, so a listing finds it without reading any object.
        """
        wanted = normalise_reference(typed) if len(typed) <= _TYPED_MAX else None
        if wanted is None:
            shown = typed[:_TYPED_MAX]
            raise UnknownReport(f"{shown!r} is not a report reference (it looks like ABCD-1234)")
        matches = [
            Found(report_id, wanted, key)
            for report_id, key in self.report_keys().items()
            if reference_for(report_id) == wanted
        ]
        if not matches:
            raise UnknownReport(f"no report with reference {wanted}")
        if len(matches) > 1:
            raise CaseError(f"more than one report has reference {wanted}; ask a maintainer")
        return matches[0]

    def body(self, key: str) -> bytes:
        try:
            response = self.s3.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error_code(error) in NOT_FOUND:
                raise CaseError("this report's content is missing from the bucket") from None
            raise
        data: bytes = response["Body"].read()
        return data

    def document(self, found: Found) -> dict[str, Any]:
        """The decrypted JSON document of the report; CaseError when it cannot be trusted."""
        body = self.body(found.key)
        try:
            plaintext = crypto.decrypt(
                body, found.report_id, key_arn=self.key_arn, botocore_session=self.botocore_session
            )
        except crypto.WrongEncryptionContext:
            raise CaseError(TAMPERED) from None
        except crypto.DecryptionFailed as error:
            raise _not_decrypted(body, self.key_arn, error.__cause__) from None
        try:
            document = json.loads(plaintext)
        except ValueError:
            raise CaseError(DAMAGED) from None
        if not isinstance(document, dict) or document.get("report_id") != found.report_id:
            raise CaseError(TAMPERED)
        return document

    def thread(self, report_id: str) -> list[followup_store.Entry]:
        """The replies and the reporter's messages after the report, oldest first."""
        return followup_store.thread(self.s3, self.bucket, report_id)

    def mark_opened(
        self, found: Found, thread: list[followup_store.Entry], now: datetime
    ) -> CaseState:
        """Note in the case state that the report and its `thread` were read at `now`."""
        latest = max((entry.sent_at for entry in thread if entry.kind == "message"), default=None)
        return casestate.mark_opened(
            self.s3, self.bucket, found.report_id, casestate.iso(latest) if latest else None, now
        )

    def store_reply(self, found: Found, text: str, now: datetime) -> str:
        """Store an encrypted reply the child reads with the code, and note its time in the case
        state (the reminders count the report as answered); returns that time."""
        entry = followup_store.store_entry(
            self.s3,
            self.bucket,
            "reply",
            found.report_id,
            text,
            key_arn=self.key_arn,
            botocore_session=self.botocore_session,
            now=now,
            metadata={"reference": found.reference},
        )
        at = casestate.iso(entry.sent_at)
        casestate.update(
            self.s3, self.bucket, found.report_id, lambda case: replace(case, last_reply_at=at)
        )
        return at

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
