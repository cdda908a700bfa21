"""How api-inbox shows reports: rich tables in a terminal, plain text when piped or exported."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from reportdesk.cases import audit
from reportdesk.cases.store import ReportRow
from reportdesk.core import clock
from reportdesk.core.model import is_hidden
from reportdesk.core.texts import text

# Terminal control characters in a report could rewrite the screen or the clipboard of the reader,
# and invisible ones (bidirectional overrides, zero-width characters, line separators) could reorder
# or hide text such as a phone number: all are shown as visible escapes instead. Newlines and tabs
# are kept: they are the writer's text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Fields of the decrypted document shown elsewhere than in the "Details" table.
_NOT_DETAILS = frozenset(
    {"schema", "report_id", "submission_id", "reference", "received_at", "language", "triage"}
    | {"message", "contact"}
)


def row_json(row: ReportRow) -> dict[str, Any]:
    """The stable JSON form of a listed report (API persons' guide, "Reading reports")."""
    return {
        "reference": row.reference,
        "report_id": row.report_id,
        "received": utc_iso(row.received),
        "language": row.language,
        "status": row.status,
        "triage": row.triage,
        "contact_wanted": row.contact_wanted,
    }


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def safe(text: str) -> str:
    """The text with control and invisible characters made visible (`\\x1b`, `\\u202e`)."""
    return "".join(
        _escape(char) if _CONTROL.match(char) or is_hidden(char) else char for char in text
    )


def utc_iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a `Z`, as stored by the intake."""
    return None if moment is None else clock.utc_iso(moment)


def local_time(moment: datetime | None) -> str:
    """The moment in Brussels time, the way the API persons read a clock."""
    return "?" if moment is None else clock.brussels_minute(moment)


def actor(who: audit.Actor) -> str:
    """Who made an access record entry: a person and how, or the automatic retention (in the
    web inbox's words)."""
    if who.via == "retention":
        return text("inbox.actor.retention", "en")
    return f"{safe(who.email or who.id)} via {safe(who.via)}"


def yes_no(value: bool | None) -> str:
    if value is None:
        return "?"
    return "yes" if value else "no"


def dump_json(value: Any, out: TextIO) -> None:
    """Sorted keys keep the output stable; escaped non-ASCII keeps it safe in a terminal."""
    out.write(json.dumps(value, indent=2, sort_keys=True, ensure_ascii=True) + "\n")


_LIST_HEADERS = (
    "Reference",
    "Received (Brussels)",
    "Language",
    "Status",
    "Triage",
    "Contact wanted",
)


def _list_cells(row: ReportRow) -> tuple[str, ...]:
    return (
        safe(row.reference),
        local_time(row.received),
        safe(row.language),
        safe(row.status),
        safe(row.triage),
        yes_no(row.contact_wanted),
    )


def list_plain(rows: Sequence[ReportRow]) -> str:
    """Aligned columns, one report per line, easy to grep."""
    if not rows:
        return "No reports.\n"
    table = [_LIST_HEADERS, *(_list_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(_LIST_HEADERS))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        + "\n"
        for line in table
    )


def list_rich(rows: Sequence[ReportRow], console: Console) -> None:
    if not rows:
        console.print("No reports.")
        return
    table = Table(title=f"{len(rows)} report(s), newest first")
    for header in _LIST_HEADERS:
        table.add_column(header)
    for row in rows:
        cells = _list_cells(row)
        status_style = "green" if row.status == "handled" else "bold"
        triage_style = "red" if row.triage == "suspected_spam" else ""
        table.add_row(
            Text(cells[0], style="bold"),
            cells[1],
            cells[2],
            Text(cells[3], style=status_style),
            Text(cells[4], style=triage_style),
            cells[5],
        )
    console.print(table)


# Readable labels for the document's fields; a field added later still shows, with its own name.
_LABELS = {
    "organisation": "Organisation",
    "when": "When",
    "age_group": "Age group",
    "wants_contact": "Wants contact",
    "name": "Name",
    "email": "E-mail",
    "phone": "Phone",
    "safe_to_leave_message": "Safe to leave a message",
}


def _label(key: str) -> str:
    return _LABELS.get(key) or key.replace("_", " ").replace(".", ": ").capitalize()


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested fields as (dotted key, text) pairs, in the document's order; empty ones left out."""
    if isinstance(value, Mapping):
        pairs: list[tuple[str, str]] = []
        for key, inner in value.items():
            pairs.extend(_flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return pairs
    if value is None or value == "" or value == [] or value == {}:
        return []
    if isinstance(value, bool):
        return [(prefix, yes_no(value))]
    if isinstance(value, list):
        return [(prefix, ", ".join(str(item) for item in value))]
    return [(prefix, str(value))]


def _pairs(value: Any) -> list[tuple[str, str]]:
    return [(_label(key), safe(text)) for key, text in _flatten(value)]


@dataclass(frozen=True)
class ReportView:
    """A decrypted report split the way the reader needs it."""

    about: list[tuple[str, str]]
    details: list[tuple[str, str]]
    contact: list[tuple[str, str]]
    message: str


def report_view(document: Mapping[str, Any], status: str) -> ReportView:
    received = document.get("received_at")
    received_text = "?"
    if isinstance(received, str):
        received_text = local_time(datetime.fromisoformat(received.replace("Z", "+00:00")))
    about = [
        ("Reference", safe(str(document.get("reference", "?")))),
        ("Received", f"{received_text} (Brussels)"),
        ("Language", safe(str(document.get("language", "?")))),
        ("Triage", safe(str(document.get("triage", "?")))),
        ("Status", status),
    ]
    rest = {k: v for k, v in document.items() if k not in _NOT_DETAILS}
    return ReportView(
        about=about,
        details=_pairs(rest),
        contact=_pairs(document.get("contact", {})),
        message=safe(str(document.get("message", ""))),
    )


def _plain_section(title: str, pairs: list[tuple[str, str]], width: int) -> list[str]:
    lines = ["", title, "-" * len(title)]
    return lines + ([f"{label.ljust(width)}  {value}" for label, value in pairs] or ["(none)"])


def report_plain(view: ReportView) -> str:
    """The report as plain text: for a pipe, and for the export file of the case folder."""
    width = max(len(label) for label, _ in [*view.about, *view.details, *view.contact])
    lines = [f"{label.ljust(width)}  {value}" for label, value in view.about]
    lines += _plain_section("Details", view.details, width)
    lines += _plain_section("Contact", view.contact, width)
    lines += ["", "Message (exactly as written)", "-" * 28, view.message]
    return "\n".join(lines) + "\n"


def _rich_pairs(title: str, pairs: list[tuple[str, str]]) -> RenderableType:
    if not pairs:
        return Text(f"{title}: (none)")
    table = Table(title=title, title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    for label, value in pairs:
        table.add_row(label, Text(value))
    return table


def report_rich(view: ReportView, console: Console) -> None:
    about = Table.grid(padding=(0, 2))
    about.add_column(style="bold")
    about.add_column()
    for label, value in view.about:
        about.add_row(label, Text(value))
    console.print(about)
    console.print()
    console.print(_rich_pairs("Details", view.details))
    console.print(_rich_pairs("Contact", view.contact))
    console.rule("Message (exactly as written)", align="left")
    # A Text object: the writer's brackets and colons are never read as rich markup or emoji codes.
    console.print(Text(view.message), soft_wrap=True)
    console.rule()
