"""Every validation rule of POST /api/reports, answered 422 in the report's language, all at once,
never echoing what was sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from reportdesk.core.texts import LANGUAGES, text

from tests.intake.conftest import Answer

PostJson = Callable[..., Answer]


@pytest.fixture
def function_env(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refusals never reach AWS: names only, no resources (moto answers any call with an error)."""
    for name, value in {
        "REPORTS_BUCKET": "no-such-bucket",
        "KMS_KEY_ARN": "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-0000000000",
        "CHALLENGE_SECRET_ID": "no-such-secret",
    }.items():
        monkeypatch.setenv(name, value)


VALID_MESSAGE = "Er is iets gebeurd op de training."
LANGUAGE_NAMES = list(LANGUAGES)


def contact(**fields: Any) -> dict[str, Any]:
    return {"contact": {"wants_contact": True, **fields}}


# (name, changes to a valid report, expected field, expected code)
RULES: list[tuple[str, dict[str, Any], str, str]] = [
    ("message missing", {"message": None}, "message", "required"),
    ("message only spaces", {"message": " \n\t "}, "message", "required"),
    ("message too short", {"message": "kort"}, "message", "too_short"),
    ("message too short after trim", {"message": "   abcdefghi   "}, "message", "too_short"),
    ("message too long", {"message": "a" * 10_001}, "message", "too_long"),
    ("message not text", {"message": 1234567890}, "message", "invalid"),
    ("message lone surrogate", {"message": "Een half teken: \ud800 hier"}, "message", "invalid"),
    ("organisation unknown", {"organisation": "unicef"}, "organisation", "invalid_choice"),
    ("when too long", {"when": "w" * 201}, "when", "too_long"),
    ("when not text", {"when": ["gisteren"]}, "when", "invalid"),
    ("age group unknown", {"age_group": "10"}, "age_group", "invalid_choice"),
    ("submission id not a uuid", {"submission_id": "abc-123"}, "submission_id", "invalid"),
    ("contact not an object", {"contact": "yes please"}, "contact", "invalid"),
    (
        "wants contact unclear",
        {"contact": {"wants_contact": "maybe", "email": "noor@example.be"}},
        "contact.wants_contact",
        "invalid",
    ),
    (
        "contact without email or phone",
        contact(name="Noor"),
        "contact.email",
        "email_or_phone_required",
    ),
    ("email without domain", contact(email="noor@"), "contact.email", "invalid"),
    ("email without dot", contact(email="noor@example"), "contact.email", "invalid"),
    ("email with space", contact(email="no or@example.be"), "contact.email", "invalid"),
    (
        "email with header injection",
        contact(email="noor@example.be\r\nBcc: all@example.org"),
        "contact.email",
        "invalid",
    ),
    ("email too long", contact(email="n" * 245 + "@example.be"), "contact.email", "too_long"),
    ("phone too short", contact(phone="12345"), "contact.phone", "invalid"),
    ("phone with letters", contact(phone="+32 470 ab cd ef"), "contact.phone", "invalid"),
    (
        "phone with line break",
        contact(phone="0470 12 34 56\nX-Extra: 1"),
        "contact.phone",
        "invalid",
    ),
    ("phone belgian too long", contact(phone="0470 12 34 56 78"), "contact.phone", "invalid"),
    ("name too long", contact(email="noor@example.be", name="N" * 101), "contact.name", "too_long"),
    (
        "name on two lines",
        contact(email="noor@example.be", name="Noor\nBcc: all@example.org"),
        "contact.name",
        "invalid",
    ),
    (
        "name with a right-to-left override",
        contact(email="noor@example.be", name="Noor \u202eiramA lE"),
        "contact.name",
        "invisible",
    ),
    (
        "name with a zero-width space",
        contact(email="noor@example.be", name="No\u200bor"),
        "contact.name",
        "invisible",
    ),
    (
        "name with a bidi isolate",
        contact(email="noor@example.be", name="Noor \u2066El\u2069"),
        "contact.name",
        "invisible",
    ),
    (
        "phone with a right-to-left override",
        contact(phone="0470 \u202e65 43 21"),
        "contact.phone",
        "invisible",
    ),
    (
        "phone with a zero-width joiner",
        contact(phone="0470\u200d12 34 56"),
        "contact.phone",
        "invisible",
    ),
    (
        "safe to leave message unclear",
        contact(phone="0470123456", safe_to_leave_message="perhaps"),
        "contact.safe_to_leave_message",
        "invalid",
    ),
    ("unknown field", {"colour": "blue-green"}, "body", "unknown_field"),
    (
        "unknown contact field",
        contact(email="noor@example.be", address="Kerkstraat 1"),
        "body",
        "unknown_field",
    ),
    ("honeypot not text", {"website": 12345678}, "website", "invalid"),
    ("proof of work not text", {"altcha": {"number": 12345678}}, "altcha", "invalid"),
]


def report(language: str, changes: dict[str, Any]) -> dict[str, Any]:
    sent: dict[str, Any] = {"language": language, "message": VALID_MESSAGE, **changes}
    return {name: value for name, value in sent.items() if value is not None}


@pytest.mark.parametrize("language", LANGUAGE_NAMES)
@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [pytest.param(changes, field, code, id=name) for name, changes, field, code in RULES],
)
def test_rule_is_answered_422_in_the_report_language(
    post_json: PostJson,
    language: str,
    changes: dict[str, Any],
    field: str,
    code: str,
) -> None:
    answer = post_json(report(language, changes))
    assert answer.status == 422
    [error] = answer.json()["errors"]
    assert (error["field"], error["code"]) == (field, code)
    key = f"error.{field.replace('.', '_')}.{code}"
    assert error["message"] == text(key, language)


@pytest.mark.parametrize("language", LANGUAGE_NAMES)
def test_unknown_language_is_refused_in_the_accept_language(
    post_json: PostJson, language: str
) -> None:
    answer = post_json(
        {"language": "de", "message": VALID_MESSAGE}, {"accept-language": f"{language};q=0.8"}
    )
    assert answer.status == 422
    assert answer.json()["errors"] == [
        {
            "field": "language",
            "code": "invalid_choice",
            "message": text("error.language.invalid_choice", language),
        }
    ]


def test_messages_differ_between_languages(post_json: PostJson) -> None:
    messages = {
        language: post_json(report(language, {"message": "kort"})).json()["errors"][0]["message"]
        for language in LANGUAGE_NAMES
    }
    assert len(set(messages.values())) == 3
    assert "minstens 10 tekens" in messages["nl"]
    assert "au moins 10 caractères" in messages["fr"]
    assert "at least 10 characters" in messages["en"]


def test_non_object_json_is_422_body_invalid(post_json: PostJson) -> None:
    answer = post_json(["Een melding als lijst."])
    assert answer.status == 422
    assert [(e["field"], e["code"]) for e in answer.json()["errors"]] == [("body", "invalid")]


def test_all_errors_are_answered_at_once(post_json: PostJson) -> None:
    answer = post_json(
        {
            "language": "en",
            "message": "short",
            "organisation": "unicef",
            "when": "w" * 201,
            "age_group": "10",
            "submission_id": "abc",
            "colour": "blue-green",
            "contact": {
                "wants_contact": True,
                "name": "Noor\nEl Amrani",
                "email": "noor@",
                "phone": "12345",
            },
        }
    )
    assert answer.status == 422
    assert [(e["field"], e["code"]) for e in answer.json()["errors"]] == [
        ("submission_id", "invalid"),
        ("message", "too_short"),
        ("organisation", "invalid_choice"),
        ("when", "too_long"),
        ("age_group", "invalid_choice"),
        ("contact.name", "invalid"),
        ("contact.email", "invalid"),
        ("contact.phone", "invalid"),
        ("body", "unknown_field"),
    ]


def test_refusal_never_echoes_what_was_sent(post_json: PostJson) -> None:
    sent = {
        "language": "nl",
        "message": "GEHEIM",
        "organisation": "ORG-GEHEIM",
        "when": "WHEN-GEHEIM" * 20,
        "age_group": "AGE-GEHEIM",
        "submission_id": "ID-GEHEIM",
        "VELD-GEHEIM": "WAARDE-GEHEIM",
        "contact": {
            "wants_contact": True,
            "name": "NAAM\nGEHEIM",
            "email": "MAIL-GEHEIM@",
            "phone": "TEL-GEHEIM",
            "GEHEIM-VELD": "x",
        },
    }
    answer = post_json(sent)
    assert answer.status == 422
    assert "GEHEIM" not in answer.body
    assert "GEHEIM" not in json.dumps(answer.headers)
