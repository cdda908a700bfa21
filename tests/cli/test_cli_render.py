"""How api-inbox draws a report in a terminal: the child's words are never read as formatting."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from reportdesk.cli.render import report_plain, report_rich, report_view, safe
from rich.console import Console

from tests.cli.conftest import Inbox, StoreReport

MESSAGE = "Hij zei: [bold red]niemand[/] gelooft je :smile: [link=https://x.example]hier[/link]"
DOCUMENT: dict[str, Any] = {
    "schema": 1,
    "report_id": "0" * 32,
    "reference": "0000-0000",
    "submission_id": "6f1c7b9e-2a34-4c7d-9b1e-0d2f3a4b5c6d",
    "received_at": "2026-11-28T16:03:00+00:00",
    "language": "nl",
    "triage": "verified",
    "message": MESSAGE,
    "contact": {"wants_contact": True, "name": "[i]Sam[/i]", "email": "sam@example.org"},
}


def terminal() -> Console:
    return Console(record=True, force_terminal=True, width=200, emoji=False, highlight=False)


def test_rich_show_prints_markup_and_emoji_codes_as_typed() -> None:
    console = terminal()

    report_rich(report_view(DOCUMENT, "new"), console)

    text = console.export_text()
    assert MESSAGE in text
    assert "[i]Sam[/i]" in text


def test_rich_show_adds_no_hyperlink_from_the_message() -> None:
    console = terminal()

    report_rich(report_view(DOCUMENT, "new"), console)

    assert "\x1b]8;" not in console.export_text(styles=True)


def test_safe_keeps_newlines_and_tabs_and_shows_other_control_characters() -> None:
    assert safe("a\n\tb\x1b[2Jc\x9bd\x00") == "a\n\tb\\x1b[2Jc\\x9bd\\x00"


@pytest.mark.parametrize(
    ("hidden", "shown"),
    [
        ("\u202e", "\\u202e"),  # right-to-left override
        ("\u2066", "\\u2066"),  # left-to-right isolate
        ("\u2069", "\\u2069"),  # pop directional isolate
        ("\u200b", "\\u200b"),  # zero-width space
        ("\u2028", "\\u2028"),  # line separator
        ("\u2029", "\\u2029"),  # paragraph separator
        ("\ufeff", "\\ufeff"),  # zero-width no-break space
    ],
)
def test_safe_shows_invisible_characters_that_reorder_or_hide_text(hidden: str, shown: str) -> None:
    assert safe(f"Bel 0470{hidden}123456") == f"Bel 0470{shown}123456"


def test_export_shows_a_bidi_override_in_the_message_as_an_escape() -> None:
    view = report_view({"reference": "ABCD-1234", "message": "Bel me: \u202e65 43 21 0740"}, "new")
    exported = report_plain(view)
    assert "\u202e" not in exported
    assert "Bel me: \\u202e65 43 21 0740" in exported


def test_list_in_a_terminal_draws_a_table(
    store_report: StoreReport, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = store_report()
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)

    out = inbox("list").out

    assert "┏" in out
    assert report.reference in out


def test_list_into_a_pipe_is_plain_text(store_report: StoreReport, inbox: Inbox) -> None:
    store_report()

    out = inbox("list").out

    assert out.isascii()
    assert "\x1b" not in out
