"""The report intake's work, free of Lambda and HTTP: read a submission, triage it, encrypt it and
store it once. AWS clients come in as arguments.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from pydantic import ValidationError

from reportdesk.core import crypto, reference
from reportdesk.core.model import (
    SCHEMA_VERSION,
    Accepted,
    FieldError,
    ReportIn,
    Triage,
    document,
    field_errors,
)
from reportdesk.intake import challenge, storage

# A retry of a stored submission gets a new follow-up code only this soon after the first store:
# long enough for a child whose answer was lost to send again, short enough that a submission id
# is no lasting credential.
CODE_WINDOW: Final = timedelta(minutes=15)
# Changing the label makes every stored fingerprint differ: retries then become new reports.
_FINGERPRINT_LABEL: Final = b"reportdesk/submission-fingerprint/v1\x00"


@dataclass(frozen=True)
class Invalid:
    """The submission was read but breaks rules: every problem at once (422)."""

    errors: list[FieldError]


@dataclass
class Outcome:
    """What happened to an accepted report (for the answer, the log and the metrics)."""

    answer: Accepted
    report_id: str
    triage: str
    triage_reason: str
    created: bool
    # A follow-up code may be given: this call stored the report, or within `CODE_WINDOW`.
    code_allowed: bool
    # The submission id was used before with other content: this is a report of its own.
    changed: bool


def validate(data: dict[str, Any]) -> ReportIn | Invalid:
    """The report, or every problem with it."""
    if "" in data:
        return Invalid([FieldError("body", "invalid")])
    try:
        return ReportIn.model_validate(data)
    except ValidationError as error:
        return Invalid(field_errors(error))


@dataclass(frozen=True)
class Storage:
    """Where reports go: the clients and settings `accept` needs."""

    s3: Any
    botocore_session: Any
    bucket: str
    key_arn: str
    # Called only when a proof of work must be checked; None when the secret cannot be had.
    challenge_secret: Callable[[], str | None]
    # The key of the submission fingerprints; None when it cannot be had.
    fingerprint_secret: Callable[[], str | None]


def fingerprint(secret: str, submission_id: str, report: ReportIn) -> str:
    """A keyed HMAC-SHA256 (hex) of what was sent: the submission id and every stored field,
    not the anti-abuse fields (a retry may carry a new proof). Stored on the submission marker,
    it tells a retry from other content under the same id without reading the report."""
    content = {"submission_id": submission_id, "language": report.language}
    content.update(report.report_fields())
    message = json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hmac.new(
        secret.encode("utf-8"), _FINGERPRINT_LABEL + message, hashlib.sha256
    ).hexdigest()


def _claim(
    report: ReportIn, submission_id: str, into: Storage, now: datetime
) -> tuple[str, storage.Submission, bool]:
    """The report id of this submission, its marker, and whether its content changed.

    The same id with other content is a new report, never dropped (a 409 would leave a child who
    changed the text after a failed send with nothing to do but send it again): its id derives
    from the submission id and the fingerprint, so its own retry finds it in turn.
    """
    secret = into.fingerprint_secret()
    mark = fingerprint(secret, submission_id, report) if secret else ""
    report_id = reference.report_id_for(submission_id)
    claimed = storage.claim_submission(into.s3, into.bucket, report_id, mark, now)
    if claimed.first or (mark and claimed.fingerprint == mark):
        return report_id, claimed, False
    # Without the key nothing can be compared: a report of its own (a duplicate, never a loss).
    variant = mark or secrets.token_hex(16)
    report_id = reference.report_id_for(f"{submission_id}/{variant}")
    return report_id, storage.claim_submission(into.s3, into.bucket, report_id, mark, now), True


def _assess(report: ReportIn, into: Storage, now: datetime) -> challenge.Assessment:
    if report.website or report.altcha is None:
        secret = ""
    else:
        loaded = into.challenge_secret()
        if loaded is None:
            # The proof cannot be checked: the report counts as sent without one.
            return challenge.Assessment("unverified", "secret_unavailable")
        secret = loaded
    return challenge.assess(altcha=report.altcha, website=report.website, secret=secret, now=now)


def accept(report: ReportIn, into: Storage, now: datetime) -> Outcome:
    """Triage, encrypt and store a valid report once; raises EncryptionUnavailable or
    StorageUnavailable when nothing could be stored.
    """
    submission_id = str(report.submission_id or reference.new_submission_id())
    report_id, claimed, changed = _claim(report, submission_id, into, now)
    ref = reference.reference_for(report_id)
    # A retry is stored as it was first received: the same key (month) and the same time.
    received = claimed.received

    def encrypted(triage: Triage) -> bytes:
        plaintext = document(
            report,
            report_id=report_id,
            reference=ref,
            submission_id=submission_id,
            received_at=received,
            triage=triage,
        )
        return crypto.encrypt(
            plaintext, report_id, key_arn=into.key_arn, botocore_session=into.botocore_session
        )

    assessment = _assess(report, into, now)
    # Encrypt before claiming the challenge: when KMS fails, the child's retry still verifies.
    ciphertext = encrypted(assessment.triage)
    # The fingerprint names the claim, so the child's own retry keeps its proof; without one,
    # a claim that no retry can match.
    claimant = claimed.fingerprint or secrets.token_hex(16)
    if assessment.challenge_hash is not None and not storage.claim_challenge(
        into.s3, into.bucket, assessment.challenge_hash, claimant
    ):
        assessment = challenge.replayed()
        ciphertext = encrypted(assessment.triage)
    stored = storage.store_report(
        into.s3,
        into.bucket,
        report_id,
        ciphertext,
        storage.ReportMetadata(
            reference=ref,
            language=report.language,
            triage=assessment.triage,
            contact_wanted=bool(report.contact and report.contact.wants_contact),
            received=received,
            schema=SCHEMA_VERSION,
        ),
    )
    return Outcome(
        answer=Accepted(reference=ref),
        report_id=report_id,
        triage=assessment.triage,
        triage_reason=assessment.reason,
        created=stored.created,
        code_allowed=stored.created or now - received <= CODE_WINDOW,
        changed=changed,
    )
