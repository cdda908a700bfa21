"""The seed's facts appear on the right page in every language, and Dutch sentences stay short."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportdesk.core.texts import LANGUAGES
from site_pages import PAGES, ROOT, page_path, parse_page, sentences, words

# The facts of the organisation's page (/work/shared/seed), per page and language, as the
# words a child reads. Each must appear in that page's text (case-insensitive).
FACTS: dict[str, dict[str, list[str]]] = {
    "index": {
        "nl": [
            "is iemand over je grenzen gegaan",
            "slecht gevoel",
            "Lien",
            "Ellen",
            "in alle vertrouwen",
            "advies",
        ],
        "fr": [
            "quelqu'un a dépassé tes limites",
            "mauvais pressentiment",
            "Lien",
            "Ellen",
            "en toute confiance",
            "conseils",
        ],
        "en": [
            "has someone crossed your boundaries",
            "bad feeling",
            "Lien",
            "Ellen",
            "in full confidence",
            "advice",
        ],
    },
    "what-is-an-api": {
        "nl": [
            "Aanspreekpersoon Integriteit",
            "eerste aanspreekpunt",
            "vertrouwenspersoon",
            "pesten",
            "discriminatie",
            "agressie",
            "aanrakingen die je niet leuk vindt",
        ],
        "fr": [
            "Aanspreekpersoon Integriteit",
            "premier point de contact",
            "personne de confiance",
            "harcèlement",
            "discrimination",
            "agression",
            "contacts physiques",
        ],
        "en": [
            "Aanspreekpersoon Integriteit",
            "first point of contact",
            "trusted person",
            "bullying",
            "discrimination",
            "aggression",
            "touching that you do not like",
        ],
    },
    "what-the-api-does": {
        "nl": [
            "eerste contact",
            "aanpak en doorverwijzing",
            "opvolging",
            "elke melding wordt serieus genomen",
            "adviserende rol",
            "jouw welzijn",
            "discreet",
            "geen beroepsgeheim",
            "politie",
            "na overleg met jou",
        ],
        "fr": [
            "premier contact",
            "approche et orientation",
            "suivi",
            "chaque signalement est pris au sérieux",
            "rôle de conseil",
            "ton bien-être",
            "discrète",
            "pas de secret professionnel",
            "police",
            "après en avoir parlé avec toi",
        ],
        "en": [
            "first contact",
            "approach and referral",
            "follow-up",
            "every report is taken seriously",
            "advisory role",
            "your wellbeing",
            "discreetly",
            "no professional secrecy",
            "police",
            "after talking with you",
        ],
    },
    "what-the-api-does-not-do": {
        "nl": [
            "geen hulpverlener",
            "geen begeleidingstraject",
            "doorverwezen",
            "nooit op onderzoek",
            "schuldige",
            "niet kunnen helpen",
            "opvolging",
        ],
        "fr": [
            "pas un service d'aide",
            "pas d'accompagnement personnel",
            "orienter",
            "jamais d'enquête",
            "coupable",
            "ne peuvent pas aider",
            "suivi",
        ],
        "en": [
            "not a counsellor",
            "not start a personal support programme",
            "referred",
            "never investigates",
            "guilty",
            "cannot help",
            "follow-up",
        ],
    },
    "who": {
        lang: [
            "Lien Magerman",
            "Ellen Van Vooren",
            "Kinderrechtencoalitie",
            "Kenniscentrum Kinderrechten",
            "tZitemzo",
        ]
        for lang in LANGUAGES
    },
    # The follow-up page: who answers, and the emergency number (its own facts are the code's).
    "my-report": {
        "nl": ["Lien", "Ellen", "geheime code", "112"],
        "fr": ["Lien", "Ellen", "code secret", "112"],
        "en": ["Lien", "Ellen", "secret code", "112"],
    },
    "report": {
        "nl": [
            "anoniem",
            "geen beroepsgeheim",
            "politie",
            "na overleg met jou",
            "niet kunnen helpen",
            "112",
        ],
        "fr": [
            "anonyme",
            "pas de secret professionnel",
            "police",
            "après en avoir parlé avec toi",
            "ne peuvent pas aider",
            "112",
        ],
        "en": [
            "anonymous",
            "no professional secrecy",
            "police",
            "after talking with you",
            "cannot help",
            "112",
        ],
    },
    "urgent-help": {
        "nl": [
            "112",
            "101",
            "1712",
            "Awel 102",
            "103 Écoute-Enfants",
            "Child Focus 116 000",
            "ziekenwagen",
            "brandweer",
            "politie",
            "geen noodnummer",
            "vermiste kinderen",
        ],
        "fr": [
            "112",
            "101",
            "1712",
            "Awel 102",
            "103 Écoute-Enfants",
            "Child Focus 116 000",
            "ambulance",
            "pompiers",
            "police",
            "pas un numéro d'urgence",
            "enfants disparus",
        ],
        "en": [
            "112",
            "101",
            "1712",
            "Awel 102",
            "103 Écoute-Enfants",
            "Child Focus 116 000",
            "ambulance",
            "fire brigade",
            "police",
            "not an emergency number",
            "missing children",
        ],
    },
    "privacy": {
        "nl": [
            "versleuteld",
            "Europese Unie",
            "Lien en Ellen",
            "gewist",
            "geen cookies",
            "privévenster",
            "wis je geschiedenis",
            "snel weg wist je geschiedenis niet",
        ],
        "fr": [
            "chiffré",
            "Union européenne",
            "Lien et Ellen",
            "effacé",
            "pas de cookies",
            "fenêtre privée",
            "efface ton historique",
            "partir vite n'efface pas ton historique",
        ],
        "en": [
            "encrypted",
            "European Union",
            "Lien and Ellen",
            "deleted",
            "no cookies",
            "private window",
            "clear your history",
            "leave quickly does not clear your history",
        ],
    },
}

# Each help line with the number its tel: link must dial.
HELP_LINES = {
    "112": "tel:112",
    "101": "tel:101",
    "1712": "tel:1712",
    "102": "tel:102",
    "103": "tel:103",
    "116 000": "tel:116000",
}

MAX_AVERAGE_WORDS = 12
MAX_SENTENCE_WORDS = 25


def test_facts_cover_every_page_and_language() -> None:
    assert set(FACTS) == set(PAGES)
    assert all(set(per_language) == set(LANGUAGES) for per_language in FACTS.values())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("stem", FACTS)
def test_seed_facts_appear_on_the_page(site: Path, stem: str, language: str) -> None:
    text = parse_page(page_path(site, stem, language)).article_text.lower()
    missing = [fact for fact in FACTS[stem][language] if fact.lower() not in text]
    assert not missing, f"{stem} ({language}) lacks {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_help_line_has_a_tel_link(site: Path, language: str) -> None:
    page = parse_page(page_path(site, "urgent-help", language))
    assert set(HELP_LINES.values()) <= set(page.links())


@pytest.mark.parametrize("language", LANGUAGES)
def test_report_page_marks_where_the_form_goes(language: str) -> None:
    lines = (ROOT / "docs" / f"report.{language}.md").read_text(encoding="utf-8").splitlines()
    assert lines.count("<!-- report-form -->") == 1


def test_no_page_names_contact_details_of_the_api_persons() -> None:
    # Their e-mail addresses and phone numbers are deployment configuration, never page text.
    for source in (ROOT / "docs").glob("*.md"):
        text = source.read_text(encoding="utf-8")
        assert "@" not in text, source.name
        assert "mailto:" not in text, source.name


def test_dutch_sentences_are_short(site: Path) -> None:
    counts: list[int] = []
    too_long: list[str] = []
    for stem in PAGES:
        for sentence in sentences(parse_page(page_path(site, stem, "nl")).prose):
            count = len(words(sentence))
            counts.append(count)
            if count > MAX_SENTENCE_WORDS:
                too_long.append(f"{stem}: {sentence}")
    average = sum(counts) / len(counts)
    print(f"Dutch pages: {len(counts)} sentences, {average:.1f} words on average")
    assert average <= MAX_AVERAGE_WORDS
    assert not too_long
