"""Values the validation must let through: real phone numbers and addresses, boundary lengths,
blank optional fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.intake.conftest import Answer, Bucket

PostJson = Callable[..., Answer]


def report(**changes: Any) -> dict[str, Any]:
    return {"language": "nl", "message": "Er is iets gebeurd op de training.", **changes}


def contact(**fields: Any) -> dict[str, Any]:
    return {"contact": {"wants_contact": True, **fields}}


@pytest.mark.parametrize(
    "phone",
    [
        "0470 12 34 56",
        "0470/12.34.56",
        "0470-123456",
        "+32 470 12 34 56",
        "0032 470 12 34 56",
        "02 123 45 67",
        "+44 20 7946 0958",
        "+1 (202) 555-0143",
    ],
)
def test_belgian_and_international_phone_numbers_are_accepted(
    post_json: PostJson, phone: str
) -> None:
    assert post_json(report(**contact(phone=phone))).status == 201


@pytest.mark.parametrize(
    "email", ["noor@example.be", "noor.el-amrani+api@mail.example.co.uk", "o'brien@example.ie"]
)
def test_ordinary_email_addresses_are_accepted(post_json: PostJson, email: str) -> None:
    assert post_json(report(**contact(email=email))).status == 201


def test_message_of_exactly_10_and_10000_characters_is_accepted(post_json: PostJson) -> None:
    assert post_json(report(message="0123456789")).status == 201
    long = report(message="a" * 10_000, submission_id=str(uuid.uuid4()))
    assert post_json(long).status == 201


def test_empty_optional_fields_count_as_not_given(post_json: PostJson, bucket: Bucket) -> None:
    answer = post_json(report(organisation="", when="  ", age_group=""))
    assert answer.status == 201
    [key] = bucket.report_keys()
    assert set(bucket.decrypt(key)) >= {"message", "contact"}
    assert "organisation" not in bucket.decrypt(key)
