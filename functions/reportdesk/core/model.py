"""The report as the child sends it, as it is stored (encrypted), and the API's answers.

Validation errors become `FieldError`s (field + code), never carrying the submitted value.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from reportdesk.core.texts import TEXTS, Language

SCHEMA_VERSION: Final = 1
MESSAGE_MIN: Final = 10
MESSAGE_MAX: Final = 10_000
WHEN_MAX: Final = 200
NAME_MAX: Final = 100
EMAIL_MAX: Final = 254

Organisation = Literal[
    "kinderrechtencoalitie", "kenniscentrum-kinderrechten", "tzitemzo", "unknown", "other"
]
AgeGroup = Literal["under-12", "12-15", "16-18", "over-18"]
Triage = Literal["verified", "unverified", "suspected_spam"]

# Public: the report form's script checks the same patterns (site hook).
# ASCII only and no control characters, so an address can never smuggle a header line.
EMAIL_RE: Final = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
# Digits with the separators people type; then a Belgian number (0470 12 34 56, 02 123 45 67,
# +32 / 0032 ...) or an international one in E.164 form (+ and 8 to 15 digits).
PHONE_CHARS_RE: Final = re.compile(r"\+?[0-9 ./()-]{8,30}")
PHONE_SEPARATORS_RE: Final = re.compile(r"[ ./()-]")
BELGIAN_PHONE_RE: Final = re.compile(r"(?:0|\+32|0032)[1-9][0-9]{7,8}")
INTERNATIONAL_PHONE_RE: Final = re.compile(r"(?:\+|00)[1-9][0-9]{7,14}")
CONTROL_RE: Final = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Characters that are not shown but change what is shown: bidirectional overrides and isolates,
# zero-width characters (category Cf), line and paragraph separators (Zl, Zp). In a name or a phone
# number they could reorder or hide what an API person reads; readers escape them everywhere.
HIDDEN_CATEGORIES: Final = frozenset({"Cf", "Zl", "Zp"})
_TRUE_WORDS: Final = frozenset({"true", "yes", "on", "1"})
_FALSE_WORDS: Final = frozenset({"false", "no", "off", "0", ""})


def _unicode_text(value: str) -> str:
    """Reject lone surrogates: they are not Unicode text and cannot be stored as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("invalid", "not Unicode text") from None
    return value


def _blank_to_none(value: Any) -> Any:
    """Forms send empty strings for untouched optional fields: they mean "not given"."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _one_line(value: str) -> str:
    if CONTROL_RE.search(value):
        raise PydanticCustomError("invalid", "line breaks or control characters")
    return value


def is_hidden(char: str) -> bool:
    """True for a character of `HIDDEN_CATEGORIES`."""
    return unicodedata.category(char) in HIDDEN_CATEGORIES


def _visible(value: str) -> str:
    if any(is_hidden(char) for char in value):
        raise PydanticCustomError("invisible", "invisible characters")
    return value


def _email(value: str) -> str:
    if not EMAIL_RE.fullmatch(value):
        raise PydanticCustomError("invalid", "not an e-mail address")
    return value


def _phone(value: str) -> str:
    digits = PHONE_SEPARATORS_RE.sub("", value)
    if not PHONE_CHARS_RE.fullmatch(value) or not (
        BELGIAN_PHONE_RE.fullmatch(digits) or INTERNATIONAL_PHONE_RE.fullmatch(digits)
    ):
        raise PydanticCustomError("invalid", "not a phone number")
    return value


Text = Annotated[str, AfterValidator(_unicode_text)]
# Optional fields: blank means not given; the constraints apply to the text, not to None.
When = Annotated[
    Annotated[Text, Field(max_length=WHEN_MAX)] | None, BeforeValidator(_blank_to_none)
]
Name = Annotated[
    Annotated[Text, Field(max_length=NAME_MAX), AfterValidator(_one_line), AfterValidator(_visible)]
    | None,
    BeforeValidator(_blank_to_none),
]
Email = Annotated[
    Annotated[Text, Field(max_length=EMAIL_MAX), AfterValidator(_email)] | None,
    BeforeValidator(_blank_to_none),
]
Phone = Annotated[
    Annotated[Text, AfterValidator(_visible), AfterValidator(_phone)] | None,
    BeforeValidator(_blank_to_none),
]


def _as_flag(value: Any) -> bool | None:
    """The boolean a JSON value or form word stands for, or None when it is neither."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
        return value.strip().lower() in _TRUE_WORDS
    return None


class Contact(BaseModel):
    """How the child may be contacted; details are kept only when the child wants contact."""

    model_config = ConfigDict(
        extra="forbid", hide_input_in_errors=True, str_strip_whitespace=True, defer_build=True
    )

    wants_contact: bool = False
    name: Name = None
    email: Email = None
    phone: Phone = None
    safe_to_leave_message: bool = False

    @model_validator(mode="before")
    @classmethod
    def _drop_details_without_consent(cls, data: Any) -> Any:
        # Details sent by a child who does not want contact are never stored, not even validated.
        if isinstance(data, dict) and _as_flag(data.get("wants_contact")) is False:
            return {"wants_contact": False}
        return data

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if self.wants_contact and not (self.email or self.phone):
            raise PydanticCustomError("email_or_phone_required", "e-mail or phone needed")
        return self


class ReportIn(BaseModel):
    """A report as sent by the page (JSON, or the form's flat fields regrouped)."""

    model_config = ConfigDict(
        extra="forbid", hide_input_in_errors=True, str_strip_whitespace=True, defer_build=True
    )

    submission_id: uuid.UUID | None = None
    language: Language = "nl"
    message: Annotated[Text, Field(min_length=MESSAGE_MIN, max_length=MESSAGE_MAX)]
    organisation: Annotated[Organisation | None, BeforeValidator(_blank_to_none)] = None
    when: When = None
    age_group: Annotated[AgeGroup | None, BeforeValidator(_blank_to_none)] = None
    contact: Contact | None = None
    # Anti-abuse (see challenge.py): the hidden honeypot field and the proof-of-work payload.
    website: str | None = None
    altcha: Annotated[str | None, BeforeValidator(_blank_to_none)] = None

    @field_validator("message", mode="before")
    @classmethod
    def _message_given(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise PydanticCustomError("required", "message needed")
        return value

    def report_fields(self) -> dict[str, Any]:
        """The validated fields as stored in the document (no anti-abuse fields, no empties)."""
        fields = self.model_dump(
            mode="json",
            exclude_none=True,
            exclude={"submission_id", "language", "website", "altcha"},
        )
        fields.setdefault("contact", {"wants_contact": False})
        return fields


class ReportDocument(BaseModel):
    """The decrypted content of a report object (guides/reference.md, "Storage layout").

    The intake writes it with `document()`; readers validate what they decrypt with this model
    (built on first use: the intake never needs it).
    """

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, hide_input_in_errors=True, defer_build=True
    )

    schema_version: int = Field(alias="schema")
    report_id: str
    reference: str
    submission_id: str
    received_at: datetime
    language: Language
    triage: Triage
    message: str
    organisation: Organisation | None = None
    when: str | None = None
    age_group: AgeGroup | None = None
    contact: Contact


def document(
    report: ReportIn,
    *,
    report_id: str,
    reference: str,
    submission_id: str,
    received_at: datetime,
    triage: Triage,
) -> bytes:
    """The report document as stored (encrypted): JSON, matching `ReportDocument`."""
    content = {
        "schema": SCHEMA_VERSION,
        "report_id": report_id,
        "reference": reference,
        "submission_id": submission_id,
        "received_at": received_at.astimezone(UTC).isoformat(),
        "language": report.language,
        "triage": triage,
        **report.report_fields(),
    }
    # ensure_ascii=False keeps every character exactly as sent, as UTF-8.
    return json.dumps(content, ensure_ascii=False).encode("utf-8")


# The answers are plain dataclasses: building pydantic models costs import time on every cold
# start, and these are only written, never validated. openapi.py derives their schemas.
@dataclass(frozen=True)
class Accepted:
    """201: the report is stored. A new answer field is a new attribute here."""

    reference: str
    # The child's private follow-up code (`XXXX-XXXX-XXXX`); None when it could not be issued.
    followup_code: str | None = None


@dataclass(frozen=True)
class FieldErrorOut:
    field: str
    code: str
    message: str


@dataclass(frozen=True)
class ErrorsOut:
    """4xx and 5xx: every problem at once, in the report's language; never a submitted value."""

    errors: list[FieldErrorOut]


@dataclass(frozen=True)
class FieldError:
    """One problem with one field, as `field` (dotted path) and `code`."""

    field: str
    code: str

    @property
    def text_key(self) -> str:
        """The key of its message in texts/errors.toml (`contact.email` -> `contact_email`)."""
        return f"error.{self.field.replace('.', '_')}.{self.code}"


_CODES: Final = {
    "missing": "required",
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "literal_error": "invalid_choice",
}


def _field_error(error: Any) -> FieldError:
    if error["type"] == "extra_forbidden":
        return FieldError("body", "unknown_field")
    location = [str(part) for part in error["loc"] if isinstance(part, str)]
    # A model-level error of the contact block belongs to its first input, the e-mail address.
    if location == ["contact"] and error["type"] == "email_or_phone_required":
        location = ["contact", "email"]
    field = ".".join(location) or "body"
    candidate = FieldError(field, _CODES.get(error["type"], error["type"]))
    if candidate.text_key in TEXTS:
        return candidate
    fallback = FieldError(field, "invalid")
    return fallback if fallback.text_key in TEXTS else FieldError("body", "invalid")


def field_errors(error: ValidationError) -> list[FieldError]:
    """Every problem of a failed validation, once each, in field order."""
    seen: dict[FieldError, None] = {}
    for item in error.errors(include_input=False, include_url=False, include_context=False):
        seen.setdefault(_field_error(item), None)
    return list(seen)
