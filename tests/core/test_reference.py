"""Report ids and references: deterministic, short, and readable aloud."""

from __future__ import annotations

import re
import uuid

import pytest
from reportdesk.core import reference


def test_report_id_is_32_hex_characters() -> None:
    assert re.fullmatch(r"[0-9a-f]{32}", reference.report_id_for(str(uuid.uuid4())))


def test_same_submission_id_gives_the_same_report_id() -> None:
    submission_id = str(uuid.uuid4())
    assert reference.report_id_for(submission_id) == reference.report_id_for(submission_id)


def test_different_submission_ids_give_different_report_ids() -> None:
    ids = {reference.report_id_for(str(uuid.uuid4())) for _ in range(1000)}
    assert len(ids) == 1000


def test_report_id_is_fixed_for_a_known_submission_id() -> None:
    # Changing the derivation would give retried submissions a second report: it must never move.
    submission_id = "3f1c2a9e-0000-4000-8000-000000000000"
    assert reference.report_id_for(submission_id) == "f607113019a2e4fd8595d3f71ac79151"


def test_reference_is_crockford_base32_of_the_first_40_bits() -> None:
    assert reference.reference_for("f607113019" + "0" * 22) == "YR3H-2C0S"
    assert reference.reference_for("0000000000" + "f" * 22) == "0000-0000"
    assert reference.reference_for("ffffffffff" + "0" * 22) == "ZZZZ-ZZZZ"


def test_reference_uses_no_confusable_letters() -> None:
    for _ in range(500):
        ref = reference.reference_for(reference.report_id_for(str(uuid.uuid4())))
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", ref)


def test_reference_of_something_else_than_a_report_id_is_refused() -> None:
    with pytest.raises(ValueError, match="not a report id"):
        reference.reference_for("../../etc/passwd")


@pytest.mark.parametrize("typed", ["yr3h-2c0s", "YR3H 2COS", " yr3h2cos ", "YR3H-2C0S"])
def test_typed_reference_is_normalised(typed: str) -> None:
    assert reference.normalise_reference(typed) == "YR3H-2C0S"


@pytest.mark.parametrize("typed", ["", "YR3H-2C0", "YR3H-2C0SX", "YR3U-2C0S", "YR3H/2C0S"])
def test_something_else_is_not_a_reference(typed: str) -> None:
    assert reference.normalise_reference(typed) is None
