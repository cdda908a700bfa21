"""The report intake's work, free of Lambda and HTTP: read a submission, triage it, encrypt it and
store it once. AWS clients come in as arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
    report_id = reference.report_id_for(submission_id)
    ref = reference.reference_for(report_id)

    def encrypted(triage: Triage) -> bytes:
        plaintext = document(
            report,
            report_id=report_id,
            reference=ref,
            submission_id=submission_id,
            received_at=now,
            triage=triage,
        )
        return crypto.encrypt(
            plaintext, report_id, key_arn=into.key_arn, botocore_session=into.botocore_session
        )

    assessment = _assess(report, into, now)
    # Encrypt before claiming the challenge: when KMS fails, the child's retry still verifies.
    ciphertext = encrypted(assessment.triage)
    if assessment.challenge_hash is not None and not storage.claim_challenge(
        into.s3, into.bucket, assessment.challenge_hash
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
            received=now,
            schema=SCHEMA_VERSION,
        ),
    )
    return Outcome(
        answer=Accepted(reference=ref, submission_id=submission_id),
        report_id=report_id,
        triage=assessment.triage,
        triage_reason=assessment.reason,
        created=stored.created,
    )
