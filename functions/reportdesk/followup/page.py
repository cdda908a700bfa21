"""The HTML pages that answer the "My report" forms when they are posted without JavaScript.

Inside the answer page of runtime.answer_template: the site's stylesheet only, no inline script or
style. Each page brings its own heading.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Final

from reportdesk.core import routes
from reportdesk.core.clock import BRUSSELS, child_datetime
from reportdesk.core.texts import text
from reportdesk.runtime.answer_template import Value, Values, fill, page, template, urgent

TEMPLATES: Final = Path(__file__).with_name("templates")
# The thread ("My report") and the form to write back: also the page's templates for its script.
THREAD: Final = TEMPLATES / "thread.html"
WRITE: Final = TEMPLATES / "write.html"


def _page(language: str, title: str, body: Iterable[str]) -> str:
    return page(language, title, "", "\n".join(body))


def _t(key: str, language: str) -> str:
    return escape(text(key, language))


def _back_link(language: str) -> str:
    return (
        f'<p class="answer__text"><a href="{_t("followup.page_href", language)}">'
        f"{_t('followup.page_link', language)}</a></p>"
    )


def message_form(
    code: str, language: str, message: str = "", error_key: str | None = None, thread: bool = True
) -> str:
    """The form to write back (templates/write.html). Without JavaScript the code can only travel
    in the form itself; the page is never cached (Cache-Control: no-store) and the code never goes
    into a URL. After a refused message it comes back with the error and the child's own text.
    """
    return fill(
        template(WRITE),
        language,
        {
            "action": routes.FOLLOWUP_MESSAGES_PATH,
            "code": code,
            "language": language,
            "message": message,
            "error": text(error_key, language) if error_key else "",
            "describedby": "message-hint message-error" if error_key else "message-hint",
            "thread": thread,
        },
    )


def day_in_words(moment: datetime, language: str) -> str:
    """`maandag 30 november 2026`: the Belgian day, as a child says it (my-report.js says it the
    same way, from the same texts)."""
    local = moment.astimezone(BRUSSELS)
    return text("followup.date.pattern", language).format(
        weekday=text("followup.date.weekdays", language).split()[local.weekday()],
        day=local.day,
        month=text("followup.date.months", language).split()[local.month - 1],
        year=local.year,
    )


def status_steps(steps: Sequence[tuple[str, datetime]], language: str) -> list[dict[str, Value]]:
    """Where the report stands, one sentence per step with its day; the last one is now."""
    return [
        {
            "step": text(f"followup.status.{status}", language).format(
                date=day_in_words(at, language)
            )
        }
        for status, at in steps
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
    title = f"{text('followup.thread.title', language)} {reference}"
    values: Values = {
        "in_page": False,
        "notice": "",
        "steps": status_steps(steps, language),
        "replies": [{"date": child_datetime(sent), "text": reply} for sent, reply in replies],
        "no_replies": not replies,
        "messages": [{"date": child_datetime(sent)} for sent in messages],
        "no_messages": not messages,
    }
    answer = fill(template(THREAD), language, values)
    return page(language, title, title, answer + message_form(code, language))


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
            message_form(code, language, message, error_key, thread=False),
            urgent(language),
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
            urgent(language),
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
            urgent(language),
        ],
    )
