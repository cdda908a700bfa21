"""The whole follow-up, as the people do it: a child reports and gets a code, an API person replies
with api-inbox, the child reads the reply with the code and writes back, the API person sees it.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.followup.conftest import Bucket, Captured, Post

REPLIES = {
    "nl": "Dank je voor je melding. Wanneer is dit gebeurd?",
    "fr": "Merci pour ton signalement. Quand est-ce arrivé ?",
    "en": "Thank you for your report. When did this happen?",
}
MESSAGES = {
    "nl": "Het gebeurde vorige woensdag na de training.",
    "fr": "C\u2019est arrivé mercredi dernier après l\u2019entraînement.",
    "en": "It happened last Wednesday after training.",
}


@pytest.mark.parametrize("form", [False, True], ids=["json", "form-post"])
@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_report_reply_read_write_back_and_show(
    report: Post, read: Post, write: Post, inbox: Any, language: str, form: bool
) -> None:
    sent = report(language=language).json()
    code, reference = sent["followup_code"], sent["reference"]

    replied = inbox("reply", reference, "--message", REPLIES[language])
    assert replied.code == 0, replied.err

    thread = read(code, language=language, form=form)
    assert thread.status == 200
    if form:
        assert html.escape(REPLIES[language]) in thread.body
    else:
        assert [reply["text"] for reply in thread.json()["replies"]] == [REPLIES[language]]

    assert write(code, MESSAGES[language], language=language, form=form).status == 201

    shown = inbox("show", reference)
    assert shown.code == 0, shown.err
    assert shown.out.index(REPLIES[language]) < shown.out.index(MESSAGES[language])
    assert "Message from the reporter" in shown.out


def test_form_post_report_answer_page_shows_the_code_with_advice(report: Post) -> None:
    answer = report(language="nl", form=True)
    assert answer.status == 201
    assert re.search(r"<strong>[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}</strong>", answer.body)
    assert "Houd ze geheim" in answer.body
    assert 'href="/my-report/"' in answer.body


def test_show_prints_the_thread_oldest_first(
    report: Post, write: Post, inbox: Any, bucket: Bucket
) -> None:
    sent = report().json()
    inbox("reply", sent["reference"], "--message", "Eerste antwoord van Lien.")
    write(sent["followup_code"], "Eerste bericht van het kind.")
    inbox("reply", sent["reference"], "--message", "Tweede antwoord van Ellen.")
    out = inbox("show", sent["reference"]).out
    positions = [
        out.index(text)
        for text in (
            "Eerste antwoord van Lien.",
            "Eerste bericht van het kind.",
            "Tweede antwoord van Ellen.",
        )
    ]
    assert positions == sorted(positions)


def test_show_json_includes_the_thread_oldest_first(report: Post, write: Post, inbox: Any) -> None:
    sent = report().json()
    inbox("reply", sent["reference"], "--message", "Eerste antwoord van Lien.")
    write(sent["followup_code"], "Eerste bericht van het kind.")
    shown = inbox("show", sent["reference"], "--json")
    assert shown.code == 0, shown.err
    thread = json.loads(shown.out)["thread"]
    assert [(entry["kind"], entry["text"]) for entry in thread] == [
        ("reply", "Eerste antwoord van Lien."),
        ("message", "Eerste bericht van het kind."),
    ]
    assert all(entry["sent_at"].endswith("Z") for entry in thread)


def test_reply_text_can_come_from_a_file(
    report: Post, read: Post, inbox: Any, tmp_path: Path
) -> None:
    sent = report().json()
    reply_file = tmp_path / "reply.txt"
    reply_file.write_text("Antwoord uit een bestand.\nMet twee regels.\n", encoding="utf-8")
    assert inbox("reply", sent["reference"], "--file", str(reply_file)).code == 0
    [reply] = read(sent["followup_code"]).json()["replies"]
    assert reply["text"] == "Antwoord uit een bestand.\nMet twee regels."


def test_reply_text_can_come_from_the_editor(
    report: Post, read: Post, inbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\nopen(sys.argv[1], 'w').write('Antwoord uit de editor.')\n", encoding="utf-8"
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    sent = report().json()
    assert inbox("reply", sent["reference"]).code == 0
    [reply] = read(sent["followup_code"]).json()["replies"]
    assert reply["text"] == "Antwoord uit de editor."


def test_empty_reply_is_not_sent(report: Post, read: Post, inbox: Any) -> None:
    sent = report().json()
    assert inbox("reply", sent["reference"], "--message", "   ").code == 1
    assert read(sent["followup_code"]).json()["replies"] == []


def test_reply_is_stored_encrypted_under_replies_prefix(
    report: Post, inbox: Any, bucket: Bucket
) -> None:
    sent = report().json()
    inbox("reply", sent["reference"], "--message", "Een antwoord dat geheim blijft.")
    [key] = bucket.names("replies/")
    assert re.fullmatch(r"replies/[0-9a-f]{32}/\d{8}T\d{12}Z-[0-9a-f]{8}", key)
    assert b"Een antwoord dat geheim blijft." not in bucket.everything()


def _code_forms(code: str) -> set[bytes]:
    compact = code.replace("-", "")
    forms = {code, compact, " ".join([code[:4], code[5:9], code[10:]])}
    return {variant.encode() for form in forms for variant in (form, form.lower())}


def test_code_appears_nowhere_at_rest_or_in_logs(
    report: Post, read: Post, write: Post, inbox: Any, bucket: Bucket, captured: Captured
) -> None:
    codes: list[str] = []
    for language, form in (("nl", False), ("fr", True), ("en", False)):
        answer = report(language=language, form=form)
        match = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", answer.body)
        assert match
        codes.append(match.group())
    for code in codes:
        inbox("reply", read(code).json()["reference"], "--message", "Hallo, hier Lien.")
        read(code.lower(), form=True)
        write(code, "Een bericht van het kind.")
        write(code, "Nog een bericht.", form=True)
    inbox("show", read(codes[0]).json()["reference"])
    at_rest = bucket.everything().lower()
    logs = captured.text().encode().lower()
    for code in codes:
        for form in _code_forms(code):
            assert form.lower() not in at_rest
            assert form.lower() not in logs
