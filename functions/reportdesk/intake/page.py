"""The small HTML pages that answer the report form when it is posted without JavaScript.

They use the site's stylesheet only: no inline script or style, so the site's CSP allows them.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Final

from reportdesk.core.model import FieldError
from reportdesk.core.texts import text

STYLESHEET: Final = "/assets/stylesheets/site.css"
# The help lines every answer ends with, as (number, text key under answer.urgent); the form's
# script shows the same ones after a report sent with JavaScript.
URGENT_NUMBERS: Final = (("112", "emergency"), ("102", "awel"), ("103", "ecoute_enfants"))


def _page(language: str, title: str, body: Iterable[str]) -> str:
    lines = [
        "<!doctype html>",
        f'<html lang="{escape(language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="robots" content="noindex">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{escape(title)}</title>",
        f'<link rel="stylesheet" href="{STYLESHEET}">',
        "</head>",
        '<body class="answer-page">',
        '<main class="answer" id="main">',
        *body,
        f'<p class="answer__home"><a href="{_t("answer.home_href", language)}">'
        f"{_t('answer.home_link', language)}</a></p>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def _t(key: str, language: str) -> str:
    return escape(text(key, language))


def _paragraph(key: str, language: str, css: str = "answer__text") -> str:
    return f'<p class="{css}">{_t(key, language)}</p>'


def _urgent(language: str) -> list[str]:
    return [
        '<section class="answer__urgent" aria-labelledby="urgent-heading">',
        f'<h2 id="urgent-heading">{_t("answer.urgent.heading", language)}</h2>',
        "<ul>",
        *(
            f'<li><a href="tel:{number}">{_t(f"answer.urgent.{key}", language)}</a></li>'
            for number, key in URGENT_NUMBERS
        ),
        "</ul>",
        "</section>",
    ]


def _followup_code(code: str | None, language: str) -> list[str]:
    """The private follow-up code, shown this once, with what it is for (texts/followup.toml)."""
    if code is None:
        return []
    return [
        '<div class="answer__panel answer__panel--code">',
        _paragraph("followup.code.label", language, "answer__reference-label"),
        f'<p class="answer__reference answer__followup-code"><strong>{escape(code)}</strong></p>',
        _paragraph("followup.code.advice", language),
        _paragraph("followup.code.once", language),
        f'<p class="answer__text"><a href="{_t("followup.page_href", language)}">'
        f"{_t('followup.page_link', language)}</a></p>",
        "</div>",
    ]


def success_page(
    reference: str, language: str, contact_wanted: bool, followup_code: str | None = None
) -> str:
    """The report is stored: its reference, the private follow-up code, what happens next, and
    where to get help now."""
    return _page(
        language,
        text("answer.success.title", language),
        [
            '<div class="answer__panel answer__panel--success">',
            f"<h1>{_t('answer.success.title', language)}</h1>",
            _paragraph("answer.success.reference_label", language, "answer__reference-label"),
            f'<p class="answer__reference"><strong>{escape(reference)}</strong></p>',
            "</div>",
            _paragraph("answer.success.keep_reference", language),
            *_followup_code(followup_code, language),
            f"<h2>{_t('answer.success.next_heading', language)}</h2>",
            _paragraph("answer.success.next_read", language),
            _paragraph(
                "answer.success.next_contact"
                if contact_wanted
                else "answer.success.next_anonymous",
                language,
            ),
            *_urgent(language),
        ],
    )


def _error_title(key: str, language: str) -> str:
    return text("answer.error_title_prefix", language) + text(key, language)


def invalid_page(errors: Iterable[FieldError], language: str) -> str:
    """The GOV.UK-style error summary: every problem, each linking to its field on the form."""
    form = text("answer.form_href", language)
    items = [
        f'<li><a href="{escape(form)}#{escape(error.field.replace(".", "_"))}">'
        f"{_t(error.text_key, language)}</a></li>"
        for error in errors
    ]
    return _page(
        language,
        _error_title("answer.error.title", language),
        [
            f"<h1>{_t('answer.error.title', language)}</h1>",
            '<div class="answer__error-summary" role="alert" aria-labelledby="error-summary-title"'
            ' tabindex="-1">',
            f'<h2 id="error-summary-title">{_t("answer.error.summary_heading", language)}</h2>',
            '<ul class="answer__error-list">',
            *items,
            "</ul>",
            "</div>",
            _paragraph("answer.error.go_back", language),
            *_urgent(language),
        ],
    )


def problem_page(code: str, language: str) -> str:
    """Nothing was stored (unreadable, too large, or our side failed): say so, and what to do."""
    return _page(
        language,
        _error_title("answer.unavailable.title", language),
        [
            f"<h1>{_t('answer.unavailable.title', language)}</h1>",
            '<div class="answer__error-summary" role="alert">',
            _paragraph(f"error.request.{code}", language),
            "</div>",
            _paragraph("answer.error.go_back", language),
            *_urgent(language),
        ],
    )
