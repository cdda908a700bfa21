"""The user-facing strings: every text in every language, loaded from texts/*.toml."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportdesk.core import texts
from reportdesk.core.model import FieldError


def test_languages_are_dutch_french_english_with_dutch_first() -> None:
    assert texts.LANGUAGES == ("nl", "fr", "en")
    assert texts.DEFAULT_LANGUAGE == "nl"


@pytest.mark.parametrize("key", sorted(texts.TEXTS))
def test_every_text_has_every_language_and_none_is_empty(key: str) -> None:
    assert set(texts.TEXTS[key]) == set(texts.LANGUAGES)
    assert all(value.strip() for value in texts.TEXTS[key].values())


def test_text_in_an_unknown_language_falls_back_to_dutch() -> None:
    assert texts.text("error.message.required", "de") == texts.text("error.message.required", "nl")


def test_unknown_key_is_an_error() -> None:
    with pytest.raises(KeyError):
        texts.text("error.nothing.here", "nl")


def test_error_titles_have_the_agreed_prefixes() -> None:
    assert [texts.text("answer.error_title_prefix", lang) for lang in texts.LANGUAGES] == [
        "Fout: ",
        "Erreur : ",
        "Error: ",
    ]


def test_field_error_key_uses_the_form_field_name() -> None:
    assert FieldError("contact.email", "invalid").text_key == "error.contact_email.invalid"


def test_text_missing_a_language_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[x.y]\nnl = "a"\nfr = "b"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"x\.y"):
        texts.load_texts(tmp_path)


def test_text_defined_in_two_files_is_refused(tmp_path: Path) -> None:
    table = '[x.y]\nnl = "a"\nfr = "b"\nen = "c"\n'
    (tmp_path / "a.toml").write_text(table, encoding="utf-8")
    (tmp_path / "b.toml").write_text(table, encoding="utf-8")
    with pytest.raises(ValueError, match="defined twice"):
        texts.load_texts(tmp_path)
