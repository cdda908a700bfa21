"""The Dutch e-mails the mailer sends to the API persons: a notice per report and the hourly digest.

They carry references, times and languages only: never what a child wrote or who the child is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from typing import Final

from reportdesk.core.clock import brussels_day, brussels_time

_LANGUAGE_NAMES: Final = {"nl": "Nederlands", "fr": "Frans", "en": "Engels"}

NO_CONTENT: Final = (
    "Deze e-mail bevat bewust niets van wat er gemeld werd en niets over wie meldde: "
    "e-mails worden doorgestuurd en lang bewaard."
)


@dataclass(frozen=True)
class Mail:
    """One e-mail: a subject, a plain text part and a simple HTML part."""

    subject: str
    text: str
    html: str


def read_command(reference: str) -> str:
    """The command that shows one report in the API persons' reader tool."""
    return f"api-inbox show {reference}"


def html_document(paragraphs: Sequence[str]) -> str:
    """The simple HTML part every e-mail shares, around `paragraphs` (already escaped)."""
    body = "\n".join(paragraphs)
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head><meta charset="utf-8"></head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def report_notice(reference: str, received: datetime, language: str) -> Mail:
    """The notice that one new report arrived."""
    language_name = _LANGUAGE_NAMES.get(language, language)
    when = f"{brussels_day(received)} om {brussels_time(received)} (Belgische tijd)"
    command = read_command(reference)
    text = (
        "Er is een nieuwe melding binnengekomen via het meldformulier.\n\n"
        f"Referentie: {reference}\n"
        f"Ontvangen: {when}\n"
        f"Taal: {language_name}\n\n"
        "Lees de melding met api-inbox:\n\n"
        f"    {command}\n\n"
        f"{NO_CONTENT}\n"
    )
    html = html_document(
        [
            "<p>Er is een nieuwe melding binnengekomen via het meldformulier.</p>",
            "<p>",
            f"Referentie: <strong>{escape(reference)}</strong><br>",
            f"Ontvangen: {escape(when)}<br>",
            f"Taal: {escape(language_name)}",
            "</p>",
            "<p>Lees de melding met api-inbox:</p>",
            f"<pre><code>{escape(command)}</code></pre>",
            f"<p>{escape(NO_CONTENT)}</p>",
        ]
    )
    return Mail(subject=f"Nieuwe melding {reference}", text=text, html=html)


def message_notice(reference: str, sent_at: datetime) -> Mail:
    """The notice that the child who made a report wrote a new message (never what it says)."""
    when = f"{brussels_day(sent_at)} om {brussels_time(sent_at)} (Belgische tijd)"
    command = read_command(reference)
    text = (
        "De melder schreef een nieuw bericht bij een melding, via de pagina Mijn melding.\n\n"
        f"Referentie: {reference}\n"
        f"Verstuurd: {when}\n\n"
        "Lees de melding met alle berichten en antwoord met api-inbox:\n\n"
        f"    {command}\n"
        f"    api-inbox reply {reference}\n\n"
        f"{NO_CONTENT}\n"
    )
    html = html_document(
        [
            "<p>De melder schreef een nieuw bericht bij een melding, "
            "via de pagina Mijn melding.</p>",
            "<p>",
            f"Referentie: <strong>{escape(reference)}</strong><br>",
            f"Verstuurd: {escape(when)}",
            "</p>",
            "<p>Lees de melding met alle berichten en antwoord met api-inbox:</p>",
            f"<pre><code>{escape(command)}\napi-inbox reply {escape(reference)}</code></pre>",
            f"<p>{escape(NO_CONTENT)}</p>",
        ]
    )
    return Mail(subject=f"Nieuw bericht bij melding {reference}", text=text, html=html)


def digest(
    hour_start: datetime, over_cap: Sequence[str], suspected_spam: Sequence[str], cap: int
) -> Mail:
    """The overview of one clock hour's reports that got no e-mail of their own (at least one)."""
    hour_end = hour_start + timedelta(hours=1)
    span = f"{brussels_time(hour_start)}-{brussels_time(hour_end)}"
    day = brussels_day(hour_start)
    count = len(over_cap) + len(suspected_spam)
    subject = f"Overzicht: {count} meldingen zonder eigen e-mail, {day} {span}"
    intro = (
        f"Tussen {span} (Belgische tijd) op {day} kwamen {count} meldingen binnen "
        "die geen eigen e-mail kregen."
    )
    sections = [
        (
            f"Boven het maximum van {cap} e-mails per uur ({len(over_cap)}):",
            "Er kwamen dat uur meer meldingen binnen dan er e-mails mogen vertrekken.",
            over_cap,
        ),
        (
            f"Waarschijnlijk spam ({len(suspected_spam)}):",
            "Het formulier zag tekenen van een computerprogramma. "
            "Kijk ze toch na: er kan een echte melding tussen zitten.",
            suspected_spam,
        ),
    ]
    example = read_command([*over_cap, *suspected_spam][0])
    text_parts = [intro, ""]
    html_parts = [f"<p>{escape(intro)}</p>"]
    for title, explanation, references in sections:
        if not references:
            continue
        text_parts += [title, explanation, *(f"  {ref}" for ref in references), ""]
        items = "".join(f"<li>{escape(ref)}</li>" for ref in references)
        html_parts += [
            f"<h2>{escape(title)}</h2>",
            f"<p>{escape(explanation)}</p>",
            f"<ul>{items}</ul>",
        ]
    text_parts += ["Lees een melding met api-inbox, bijvoorbeeld:", "", f"    {example}", ""]
    text_parts += [NO_CONTENT, ""]
    html_parts += [
        "<p>Lees een melding met api-inbox, bijvoorbeeld:</p>",
        f"<pre><code>{escape(example)}</code></pre>",
        f"<p>{escape(NO_CONTENT)}</p>",
    ]
    return Mail(subject=subject, text="\n".join(text_parts), html=html_document(html_parts))
