"""`api-inbox show` and `export`: reading one report, decrypted with the reader's identity."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

from infra.local_aws import Resources
from tests.cli.conftest import Inbox, StoreReport
from tests.intake.conftest import LambdaContext, http_event

WRITTEN = "Hij zei: [bold]niemand[/bold] gelooft je :smile:\n\n  Echt waar.\tEcht."


def test_show_prints_the_message_exactly_as_written(
    store_report: StoreReport, inbox: Inbox
) -> None:
    report = store_report(WRITTEN)

    result = inbox("show", report.reference)

    assert result.code == 0
    assert WRITTEN in result.out


def test_show_lists_the_contact_details(store_report: StoreReport, inbox: Inbox) -> None:
    report = store_report(
        contact={
            "wants_contact": True,
            "name": "Sam",
            "email": "sam@example.org",
            "phone": "0470 12 34 56",
        }
    )

    lines = inbox("show", report.reference).out.splitlines()

    contact = lines[lines.index("Contact") + 2 :]
    assert [line.split("  ")[-1].strip() for line in contact[:4]] == [
        "yes",
        "Sam",
        "sam@example.org",
        "0470 12 34 56",
    ]


def test_show_says_received_language_triage_and_status(
    store_report: StoreReport, inbox: Inbox
) -> None:
    report = store_report(
        received=datetime(2026, 1, 15, 12, 0, tzinfo=UTC), language="fr", triage="unverified"
    )

    head = inbox("show", report.reference).out.split("\n\n")[0]

    assert [line.split(maxsplit=1) for line in head.splitlines()] == [
        ["Reference", report.reference],
        ["Received", "2026-01-15 13:00 (Brussels)"],
        ["Language", "fr"],
        ["Triage", "unverified"],
        ["Status", "read"],  # opening it made it read, as in the web inbox
    ]


def test_show_json_prints_the_decrypted_document(store_report: StoreReport, inbox: Inbox) -> None:
    report = store_report(
        WRITTEN,
        received=datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC),
        language="en",
        triage="verified",
        contact={"wants_contact": True, "phone": "0470123456"},
        submission_id="6f1c7b9e-2a34-4c7d-9b1e-0d2f3a4b5c6d",
    )

    document = json.loads(inbox("show", report.reference, "--json").out)

    assert document == {
        "schema": 1,
        "report_id": report.report_id,
        "reference": report.reference,
        "submission_id": "6f1c7b9e-2a34-4c7d-9b1e-0d2f3a4b5c6d",
        "received_at": "2026-02-03T04:05:06+00:00",
        "language": "en",
        "triage": "verified",
        "message": WRITTEN,
        "contact": {"wants_contact": True, "phone": "0470123456", "safe_to_leave_message": False},
        "thread": [],
    }


def test_show_makes_terminal_control_characters_visible(
    store_report: StoreReport, inbox: Inbox
) -> None:
    report = store_report("Kijk hier \x1b]52;c;cm0gLXJmIH4=\x07 en verder niets meer.")

    out = inbox("show", report.reference).out

    assert "\x1b" not in out
    assert "\\x1b]52;c;cm0gLXJmIH4=\\x07" in out


def test_show_accepts_lower_case_without_dash_and_confusable_letters(
    store_report: StoreReport, inbox: Inbox
) -> None:
    # A reference that has a 0 and a 1, so both spoken aliases (O for 0, L for 1) are exercised.
    report = next(
        report
        for report in (
            store_report(submission_id=f"00000000-0000-4000-8000-{n:012d}") for n in range(64)
        )
        if "0" in report.reference and "1" in report.reference
    )
    typed = report.reference.replace("-", "").replace("0", "o").replace("1", "l").lower()

    result = inbox("show", typed, "--json")

    assert json.loads(result.out)["reference"] == report.reference


def test_export_writes_the_report_as_plain_text(
    store_report: StoreReport, inbox: Inbox, tmp_path: Path
) -> None:
    report = store_report(WRITTEN)
    out = tmp_path / "case" / "report.txt"
    out.parent.mkdir()

    result = inbox("export", report.reference, "--out", str(out))

    assert result.code == 0
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].split() == ["Reference", report.reference]
    assert WRITTEN in text


def test_export_file_is_readable_by_its_owner_only(
    store_report: StoreReport, inbox: Inbox, tmp_path: Path
) -> None:
    report = store_report()
    out = tmp_path / "report.txt"

    inbox("export", report.reference, "--out", str(out))

    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_export_refuses_to_overwrite_an_existing_file(
    store_report: StoreReport, inbox: Inbox, tmp_path: Path
) -> None:
    report = store_report()
    out = tmp_path / "report.txt"
    out.write_text("notes of the case\n")

    result = inbox("export", report.reference, "--out", str(out))

    assert result.code == 1
    assert out.read_text() == "notes of the case\n"
    assert result.err == f"api-inbox: {out} already exists: choose another name or add --force\n"


def test_export_force_overwrites_an_existing_file(
    store_report: StoreReport, inbox: Inbox, tmp_path: Path
) -> None:
    report = store_report(WRITTEN)
    out = tmp_path / "report.txt"
    out.write_text("old export\n")

    result = inbox("export", report.reference, "--out", str(out), "--force")

    assert result.code == 0
    assert WRITTEN in out.read_text(encoding="utf-8")
    assert "old export" not in out.read_text(encoding="utf-8")


def test_show_reads_a_report_posted_to_the_intake_function(
    resources: Resources, inbox: Inbox
) -> None:
    from reportdesk.intake import handler as intake

    event = http_event(
        "POST",
        "/api/reports",
        json.dumps({"language": "fr", "message": "On se moque de moi à l'entraînement."}),
        {"content-type": "application/json"},
    )
    answer = intake.handler(event, LambdaContext())
    assert answer["statusCode"] == 201
    reference = json.loads(answer["body"])["reference"]

    document = json.loads(inbox("show", reference, "--json").out)

    assert document["message"] == "On se moque de moi à l'entraînement."
    assert document["triage"] == "unverified"
