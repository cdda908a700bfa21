"""The Dutch e-mails of the scheduled work, in the mailer's style: the daily reminder to the API
persons (references, ages and what waits; never content) and the weekly overview (numbers only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Final

from reportdesk.core.clock import BRUSSELS, brussels_day
from reportdesk.mailer.notices import NO_CONTENT, Mail, html_document
from reportdesk.reminders import rules
from reportdesk.reminders.rules import Item, Waiting

# A bot flood must not make an e-mail nobody can read: past this, a part says how many more.
MAX_LINES_PER_PART: Final = 50


def _days_ago(received: datetime, now: datetime) -> str:
    days = rules.age_in_days(received, now)
    if days == 0:
        return "vandaag ontvangen"
    return f"{days} {'dag' if days == 1 else 'dagen'} geleden ontvangen"


def _day(day: date) -> str:
    return brussels_day(datetime(day.year, day.month, day.day, 12, tzinfo=BRUSSELS))


@dataclass(frozen=True)
class _Part:
    title: str
    explanation: str
    lines: tuple[str, ...]


def _parts(waiting: Waiting, now: datetime, retention_days: int) -> list[_Part]:
    def age(item: Item) -> str:
        return f"{item.reference}: {_days_ago(item.received, now)}"

    def unread(item: Item) -> str:
        since = brussels_day(item.since or item.received)
        messages = "1 ongelezen bericht" if item.count == 1 else f"{item.count} ongelezen berichten"
        return f"{item.reference}: {messages}, het oudste van {since}"

    def expiring(item: Item) -> str:
        return f"{item.reference}: wordt verwijderd op {_day(item.expires_on or now.date())}"

    parts = [
        _Part(
            f"Nog niet geopend na {rules.UNOPENED_WORKING_DAYS} werkdagen",
            "Niemand opende deze meldingen al.",
            tuple(map(age, waiting.unopened)),
        ),
        _Part(
            f"Niet beantwoord en niet afgesloten na {rules.UNANSWERED_DAYS} dagen",
            "Geef de melder een antwoord, ook als het kort is.",
            tuple(map(age, waiting.unanswered)),
        ),
        _Part(
            f"Berichten van de melder, {rules.UNREAD_MESSAGE_WORKING_DAYS} werkdagen ongelezen",
            "De melder schreef terug via de pagina Mijn melding.",
            tuple(map(unread, waiting.unread_messages)),
        ),
        _Part(
            f"Afgesloten, verwijderd binnen {rules.EXPIRY_WARNING_DAYS} dagen",
            "Deze meldingen worden op die dag verwijderd, met alles erbij. "
            "In de inbox kan je dat één keer uitstellen.",
            tuple(map(expiring, waiting.expiring)),
        ),
        _Part(
            f"Nooit afgesloten, ouder dan de bewaartermijn van {retention_days} dagen",
            "Ze worden niet vanzelf verwijderd. Sluit ze af, of verwijder ze zelf.",
            tuple(map(age, waiting.never_closed)),
        ),
    ]
    return [part for part in parts if part.lines]


def _shown(lines: Sequence[str]) -> list[str]:
    if len(lines) <= MAX_LINES_PER_PART:
        return list(lines)
    more = len(lines) - MAX_LINES_PER_PART
    return [*lines[:MAX_LINES_PER_PART], f"en nog {more} (zie de inbox)"]


def reminder(waiting: Waiting, now: datetime, retention_days: int) -> Mail:
    """The one reminder of a run: every waiting report, by what waits (`waiting` is not empty)."""
    day = brussels_day(now)
    count = len({item.reference for part in waiting.parts() for item in part})
    subject = f"Herinnering: {count} {'melding wacht' if count == 1 else 'meldingen wachten'}"
    intro = f"Dit wacht op jullie op {day}."
    outro = "Bekijk ze in de inbox, of met api-inbox list."
    text_parts = [intro, ""]
    html_parts = [f"<p>{escape(intro)}</p>"]
    for part in _parts(waiting, now, retention_days):
        title = f"{part.title} ({len(part.lines)}):"
        lines = _shown(part.lines)
        text_parts += [title, part.explanation, *(f"  {line}" for line in lines), ""]
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        html_parts += [
            f"<h2>{escape(title)}</h2>",
            f"<p>{escape(part.explanation)}</p>",
            f"<ul>{items}</ul>",
        ]
    text_parts += [outro, "", NO_CONTENT, ""]
    html_parts += [f"<p>{escape(outro)}</p>", f"<p>{escape(NO_CONTENT)}</p>"]
    return Mail(subject=subject, text="\n".join(text_parts), html=html_document(html_parts))


@dataclass(frozen=True)
class Overview:
    """The week's numbers for the maintainers: never a reference, never content."""

    since: datetime
    until: datetime
    received: int
    suspected_spam: int
    open: int
    closed: int
    digests_sent: int
    queue_waiting: int | None
    dead_letters: int | None
    sent_last_24_hours: int | None


def _number(value: int | None) -> str:
    return "onbekend (niet te lezen)" if value is None else str(value)


def overview(numbers: Overview) -> Mail:
    """The weekly overview: how many reports, and how mail and queue are doing."""
    span = f"{brussels_day(numbers.since)} tot {brussels_day(numbers.until)}"
    subject = f"Weekoverzicht meldingen: {numbers.received} ontvangen"
    rows = [
        ("Ontvangen deze week", _number(numbers.received)),
        ("Waarvan waarschijnlijk spam", _number(numbers.suspected_spam)),
        ("Open (alle)", _number(numbers.open)),
        ("Afgesloten, nog bewaard (alle)", _number(numbers.closed)),
        ("Overzichtsmails van het uur verstuurd deze week", _number(numbers.digests_sent)),
        ("Meldingen in de wachtrij van de mailer", _number(numbers.queue_waiting)),
        ("Mislukte meldingen in de dead-letter queue", _number(numbers.dead_letters)),
        ("E-mails verstuurd de laatste 24 uur", _number(numbers.sent_last_24_hours)),
    ]
    intro = f"Het weekoverzicht van {span} (Belgische tijd). Alleen aantallen."
    advice = (
        "Staan er meldingen in de dead-letter queue, of blijven ze in de wachtrij, dan kregen "
        "de API-personen geen e-mail: zie guides/deploying.md, alarmen."
    )
    text = "\n".join([intro, "", *(f"{label}: {value}" for label, value in rows), "", advice, ""])
    cells = "".join(
        f'<tr><th scope="row">{escape(label)}</th><td>{escape(value)}</td></tr>'
        for label, value in rows
    )
    html = html_document(
        [f"<p>{escape(intro)}</p>", f"<table>{cells}</table>", f"<p>{escape(advice)}</p>"]
    )
    return Mail(subject=subject, text=text, html=html)
