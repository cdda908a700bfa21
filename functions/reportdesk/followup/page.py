"""The HTML pages that answer the "My report" forms when they are posted without JavaScript.

Inside the answer page of runtime.answer_template: the site's stylesheet only, no inline script or
style. Each page brings its own heading.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
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
# The answers without JavaScript only: the message is stored, or something stopped the request.
SENT: Final = TEMPLATES / "sent.html"
PROBLEM: Final = TEMPLATES / "problem.html"


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


def _problem(title: str, messages: list[dict[str, Value]], language: str, go_back: bool) -> str:
    return fill(
        template(PROBLEM),
        language,
        {
            "title": title,
            "messages": messages,
            "go_back": go_back,
            "page_href": text("followup.page_href", language),
            "page_link": text("followup.page_link", language),
        },
    )


def message_problem_page(error_key: str, code: str, message: str, language: str) -> str:
    """The message was refused (too short, too long): say why, with the form to try again right
    here, since going back to a posted page would ask to send the code again."""
    title = text("followup.error.title", language)
    problem: list[dict[str, Value]] = [
        {"message": text(error_key, language), "href": "#message", "plain": False}
    ]
    answer = _problem(title, problem, language, go_back=False)
    form = message_form(code, language, message, error_key, thread=False)
    return page(
        language,
        text("answer.error_title_prefix", language) + title,
        "",
        answer + form + urgent(language),
    )


def sent_page(language: str) -> str:
    """The child's message is stored."""
    answer = fill(template(SENT), language, {})
    return page(language, text("followup.sent.title", language), "", answer + urgent(language))


def problem_page(title_key: str, message_keys: Iterable[str], language: str) -> str:
    """Something stopped the request (unknown code, invalid message, our side): what to do."""
    title = text(title_key, language)
    messages: list[dict[str, Value]] = [
        {"message": text(key, language), "href": False, "plain": True} for key in message_keys
    ]
    answer = _problem(title, messages, language, go_back=True)
    return page(
        language, text("answer.error_title_prefix", language) + title, "", answer + urgent(language)
    )
