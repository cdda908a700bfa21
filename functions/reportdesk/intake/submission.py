"""The report intake's work, free of Lambda and HTTP: read a submission, triage it, encrypt it and
store it once. AWS clients come in as arguments.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from urllib.parse import parse_qsl

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
from reportdesk.core.texts import DEFAULT_LANGUAGE, Language, is_language
from reportdesk.intake import challenge, storage

MAX_BODY_BYTES: Final = 32 * 1024
JSON_TYPE: Final = "application/json"
FORM_TYPE: Final = "application/x-www-form-urlencoded"
# The form sends the contact block as flat names: contact_email -> contact.email.
_CONTACT_PREFIX: Final = "contact_"
_MAX_FORM_FIELDS: Final = 50


class RequestProblem(Exception):
    """The request cannot be read as a report at all (400, 413, 415)."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


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


def media_type(content_type: str | None) -> str:
    """`application/json; charset=utf-8` -> `application/json`."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def preferred_language(accept_language: str | None) -> Language:
    """The first of the site's languages named in an Accept-Language header, else the default."""
    for part in (accept_language or "").split(","):
        tag = part.split(";", 1)[0].strip().lower()[:2]
        if is_language(tag):
            return tag
    return DEFAULT_LANGUAGE


def _form_fields(text: str) -> dict[str, Any]:
    """A form body as the JSON the page would send; a repeated name keeps its last value."""
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=_MAX_FORM_FIELDS,
            errors="strict",
        )
    except (ValueError, UnicodeDecodeError) as error:
        raise RequestProblem(400, "malformed") from error
    data: dict[str, Any] = {}
    contact: dict[str, Any] = {}
    for name, value in pairs:
        if name.startswith(_CONTACT_PREFIX):
            contact[name.removeprefix(_CONTACT_PREFIX)] = value
        else:
            data[name] = value
    if contact:
        data["contact"] = contact
    return data


def read_body(raw: bytes, content_type: str | None) -> dict[str, Any]:
    """The submitted fields of a JSON or form body; RequestProblem when it cannot be read."""
    kind = media_type(content_type)
    if kind not in (JSON_TYPE, FORM_TYPE):
        raise RequestProblem(415, "unsupported_media_type")
    if len(raw) > MAX_BODY_BYTES:
        raise RequestProblem(413, "too_large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RequestProblem(400, "malformed") from error
    if kind == FORM_TYPE:
        return _form_fields(text)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise RequestProblem(400, "malformed") from error
    # Valid JSON of another shape is read, then refused by validation as `body.invalid`.
    return data if isinstance(data, dict) else {"": data}


def answer_language(data: dict[str, Any], fallback: Language) -> Language:
    """The report's language when it names one of ours, else `fallback`."""
    language = data.get("language")
    return language if is_language(language) else fallback


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
