"""Follow-up codes: 60 random bits in three groups of four Crockford characters, read back however
a child types them, and stored only as a keyed HMAC."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from reportdesk.core.reference import CROCKFORD_ALPHABET
from reportdesk.followup import store as followup_store
from reportdesk.followup.store import code_digest, new_code, normalise_code

SHAPE = re.compile(f"[{CROCKFORD_ALPHABET}]{{4}}(-[{CROCKFORD_ALPHABET}]{{4}}){{2}}")


def test_new_code_has_three_groups_of_four_crockford_characters() -> None:
    assert SHAPE.fullmatch(new_code())


def test_new_codes_do_not_repeat() -> None:
    assert len({new_code() for _ in range(10_000)}) == 10_000


def test_new_codes_use_every_character_in_every_position() -> None:
    codes = [new_code().replace("-", "") for _ in range(4_000)]
    for position in range(12):
        assert {code[position] for code in codes} == set(CROCKFORD_ALPHABET)


def test_code_carries_60_bits() -> None:
    assert len(CROCKFORD_ALPHABET) ** followup_store.CODE_LENGTH == 2**followup_store.CODE_BITS


@given(st.sampled_from(["", " ", "-", "  -  "]), st.booleans())
def test_code_reads_back_with_any_case_and_separators(separator: str, lower: bool) -> None:
    code = new_code()
    typed = separator.join(code.split("-"))
    typed = typed.lower() if lower else typed
    assert normalise_code(typed) == code.replace("-", "")


def test_confusable_letters_read_as_digits() -> None:
    assert normalise_code("OOOO-IIII-LLLL") == "000011111111"
    assert normalise_code("oooo iiii llll") == "000011111111"


def test_typographic_dashes_are_separators() -> None:
    assert normalise_code("ABCD\u2013EFGH\u2014JKMN") == "ABCDEFGHJKMN"


def test_reference_is_not_a_code() -> None:
    assert normalise_code("ABCD-EFGH") is None


def test_code_with_a_letter_outside_the_alphabet_is_malformed() -> None:
    assert normalise_code("ABCD-EFGH-JKMU") is None


def test_very_long_input_is_malformed() -> None:
    assert normalise_code("A" * 12 + " " * 100) is None


def test_digest_depends_on_the_secret() -> None:
    assert code_digest("one secret", "ABCDEFGHJKMN") != code_digest("another", "ABCDEFGHJKMN")


def test_digest_does_not_contain_the_code() -> None:
    digest = code_digest("secret", "ABCDEFGHJKMN")
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert "abcdefghjkmn" not in digest
