"""The HTML pages that answer the "My report" forms when they are posted without JavaScript.

Built like `reportdesk.intake.page`: the site's stylesheet only, no inline script or style.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape
from typing import Final

from reportdesk.core import routes
from reportdesk.core.clock import BRUSSELS, child_datetime
from reportdesk.core.texts import text
from reportdesk.intake.page import _page, _urgent

MESSAGES_ACTION: Final = routes.FOLLOWUP_MESSAGES_PATH
# The child lives in Belgium; tzdata is a dependency because Lambda has no system zone files.


def _t(key: str, language: str) -> str:
    return escape(text(key, language))


def day_in_words(moment: datetime, language: str) -> str:
    """`maandag 30 november 2026`: the Belgian day, as a child says it."""
    local = moment.astimezone(BRUSSELS)
    return text("followup.date.pattern", language).format(
        weekday=text("followup.date.weekdays", language).split()[local.weekday()],
        day=local.day,
        month=text("followup.date.months", language).split()[local.month - 1],
        year=local.year,
    )


def status_section(steps: Sequence[tuple[str, datetime]], language: str) -> list[str]:
    """Where the report stands: each step with its day, the last one is now. The same markup as
    the script's `<template id="my-report-status">` (partials/my-report-status.html)."""
    items = []
    for n, (status, at) in enumerate(steps):
        current = ' aria-current="step"' if n == len(steps) - 1 else ""
        said = text(f"followup.status.{status}", language).format(date=day_in_words(at, language))
        items.append(f'<li class="followup__step"{current}>{escape(said)}</li>')
    return [
        '<section class="followup__status">',
        f"<h2>{_t('followup.status.heading', language)}</h2>",
        '<ol class="followup__steps">',
        *items,
        "</ol>",
        "</section>",
    ]


def _lines(reply: str) -> str:
    """A reply's text with its line breaks kept (the answer pages have no style for that)."""
    return "<br>".join(escape(line) for line in reply.splitlines())


def _back_link(language: str) -> str:
    return (
        f'<p class="answer__text"><a href="{_t("followup.page_href", language)}">'
        f"{_t('followup.page_link', language)}</a></p>"
    )


def message_form(
    code: str, language: str, message: str = "", error_key: str | None = None
) -> list[str]:
    """The form to write back. Without JavaScript the code can only travel in the form itself;
    the page is never cached (Cache-Control: no-store) and the code never goes into a URL.
    After a refused message it comes back with the error and the child's own text.
    """
    described = "message-hint message-error" if error_key else "message-hint"
    error = (
        [f'<p class="report-form__error-message" id="message-error">{_t(error_key, language)}</p>']
        if error_key
        else []
    )
    return [
        f'<form class="followup-form" method="post" action="{MESSAGES_ACTION}"'
        ' accept-charset="utf-8">',
        f'<input type="hidden" name="code" value="{escape(code)}">',
        f'<input type="hidden" name="language" value="{escape(language)}">',
        f'<label class="report-form__label" for="message">'
        f"{_t('followup.message.label', language)}</label>",
        f'<p class="report-form__hint" id="message-hint">'
        f"{_t('followup.message.hint', language)}</p>",
        *error,
        '<textarea class="report-form__textarea" id="message" name="message" rows="6"'
        f' aria-describedby="{described}">{escape(message)}</textarea>',
        f'<button class="md-button md-button--primary" type="submit">'
        f"{_t('followup.message.button', language)}</button>",
        "</form>",
    ]


def thread_page(
    reference: str,
    steps: Sequence[tuple[str, datetime]],
    replies: Sequence[tuple[datetime, str]],
    messages: Sequence[datetime],
    code: str,
    language: str,
) -> str:
    """Where the report stands, the API persons' replies (text and date), the dates of the
    child's messages, and a form."""
    if replies:
        reply_items = [
            '<ol class="followup__replies">',
            *(
                f'<li class="followup__reply"><p class="followup__date">'
                f"{escape(child_datetime(sent))}</p>"
                f'<p class="followup__text">{_lines(reply)}</p></li>'
                for sent, reply in replies
            ),
            "</ol>",
        ]
    else:
        reply_items = [f'<p class="answer__text">{_t("followup.thread.no_replies", language)}</p>']
    if messages:
        message_items = [
            f'<p class="answer__text">{_t("followup.thread.messages_intro", language)}</p>',
            '<ul class="followup__messages">',
            *(
                f"<li>{_t('followup.thread.sent_on', language)} {escape(child_datetime(sent))}</li>"
                for sent in messages
            ),
            "</ul>",
        ]
    else:
        message_items = [
            f'<p class="answer__text">{_t("followup.thread.no_messages", language)}</p>'
        ]
    title = f"{text('followup.thread.title', language)} {reference}"
    return _page(
        language,
        title,
        [
            f"<h1>{escape(title)}</h1>",
            *status_section(steps, language),
            f"<h2>{_t('followup.thread.replies_heading', language)}</h2>",
            *reply_items,
            f"<h2>{_t('followup.thread.messages_heading', language)}</h2>",
            *message_items,
            *message_form(code, language),
            f'<p class="answer__text">{_t("followup.close.text", language)}</p>',
        ],
    )


def message_problem_page(error_key: str, code: str, message: str, language: str) -> str:
    """The message was refused (too short, too long): say why, with the form to try again right
    here, since going back to a posted page would ask to send the code again."""
    title = text("followup.error.title", language)
    return _page(
        language,
        text("answer.error_title_prefix", language) + title,
        [
            f"<h1>{escape(title)}</h1>",
            '<div class="answer__error-summary" role="alert">',
            f'<p class="answer__text"><a href="#message">{_t(error_key, language)}</a></p>',
            "</div>",
            *message_form(code, language, message, error_key),
            *_urgent(language),
        ],
    )


def sent_page(language: str) -> str:
    """The child's message is stored."""
    return _page(
        language,
        text("followup.sent.title", language),
        [
            '<div class="answer__panel answer__panel--success">',
            f"<h1>{_t('followup.sent.title', language)}</h1>",
            "</div>",
            f'<p class="answer__text">{_t("followup.sent.text", language)}</p>',
            f'<p class="answer__text">{_t("followup.close.text", language)}</p>',
            *_urgent(language),
        ],
    )


def problem_page(title_key: str, message_keys: Iterable[str], language: str) -> str:
    """Something stopped the request (unknown code, invalid message, our side): what to do."""
    title = text(title_key, language)
    return _page(
        language,
        text("answer.error_title_prefix", language) + title,
        [
            f"<h1>{escape(title)}</h1>",
            '<div class="answer__error-summary" role="alert">',
            *(f'<p class="answer__text">{_t(key, language)}</p>' for key in message_keys),
            "</div>",
            f'<p class="answer__text">{_t("followup.error.go_back", language)}</p>',
            _back_link(language),
            *_urgent(language),
        ],
    )
