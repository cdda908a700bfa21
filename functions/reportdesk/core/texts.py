"""User-facing strings in every language, loaded once from `texts/*.toml`.

Each TOML table whose keys are exactly the languages is one text; nested tables give dotted keys
(`[error.message.too_short]` is the key `error.message.too_short`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Final, Literal, TypeGuard

# The one declaration of the site's languages in Python; the first is the default.
LANGUAGES: Final = ("nl", "fr", "en")
DEFAULT_LANGUAGE: Final = "nl"

Language = Literal["nl", "fr", "en"]

TEXTS_DIR: Final = Path(__file__).with_name("texts")


def is_language(value: object) -> TypeGuard[Language]:
    """True when `value` is one of the site's languages."""
    return value in LANGUAGES


def _flatten(table: dict[str, Any], prefix: str, into: dict[str, dict[str, str]]) -> None:
    if set(table) == set(LANGUAGES) and all(isinstance(v, str) for v in table.values()):
        if prefix in into:
            raise ValueError(f"text {prefix!r} is defined twice")
        into[prefix] = dict(table)
        return
    for name, value in table.items():
        key = f"{prefix}.{name}" if prefix else name
        if not isinstance(value, dict):
            raise ValueError(f"text {key!r} must be a table with exactly {LANGUAGES}")
        _flatten(value, key, into)


def load_texts(directory: Path = TEXTS_DIR) -> dict[str, dict[str, str]]:
    """Every text of every `*.toml` file in `directory`, by dotted key."""
    texts: dict[str, dict[str, str]] = {}
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as file:
            _flatten(tomllib.load(file), "", texts)
    return texts


TEXTS: Final = load_texts()


def text(key: str, language: str) -> str:
    """The text `key` in `language`; a missing key is a programming error (KeyError)."""
    return TEXTS[key][language if is_language(language) else DEFAULT_LANGUAGE]
