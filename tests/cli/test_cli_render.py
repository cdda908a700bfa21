"""How api-inbox draws a report in a terminal: the child's words are never read as formatting."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from reportdesk.cli.render import report_rich, report_view, safe
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

    report_rich(report_view(DOCUMENT, "open"), console)

    text = console.export_text()
    assert MESSAGE in text
    assert "[i]Sam[/i]" in text


def test_rich_show_adds_no_hyperlink_from_the_message() -> None:
    console = terminal()

    report_rich(report_view(DOCUMENT, "open"), console)

    assert "\x1b]8;" not in console.export_text(styles=True)


def test_safe_keeps_newlines_and_tabs_and_shows_other_control_characters() -> None:
    assert safe("a\n\tb\x1b[2Jc\x9bd\x00") == "a\n\tb\\x1b[2Jc\\x9bd\\x00"


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
