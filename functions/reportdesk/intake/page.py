"""The pages that answer the report form when it is posted without JavaScript.

Each answer is one template in `templates/` (success.html, error.html), the same file the report
page holds as a `<template>` for its script: what the child sees after sending is decided there,
once. Filled with the standard library (runtime.answer_template), for the cold start.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

from reportdesk.core.model import FieldError
from reportdesk.core.texts import text
from reportdesk.runtime.answer_template import Value, fill, page, template, urgent

TEMPLATES: Final = Path(__file__).with_name("templates")
SUCCESS: Final = TEMPLATES / "success.html"
ERROR: Final = TEMPLATES / "error.html"


def success_page(
    reference: str, language: str, contact_wanted: bool, followup_code: str | None = None
) -> str:
    """The report is stored: its reference, the private follow-up code, what happens next, and
    where to get help now."""
    answer = fill(
        template(SUCCESS),
        language,
        {
            "in_page": False,
            "reference": reference,
            "followup_code": followup_code or "",
            "followup_href": text("followup.page_href", language),
            "contact": contact_wanted,
            "anonymous": not contact_wanted,
        },
    )
    title = text("answer.success.title", language)
    return page(language, title, title, answer + urgent(language))


def _error_page(heading_key: str, errors: list[dict[str, Value]], language: str) -> str:
    answer = fill(template(ERROR), language, {"errors": errors, "page": True})
    heading = text(heading_key, language)
    title = text("answer.error_title_prefix", language) + heading
    return page(language, title, heading, answer + urgent(language))


def invalid_page(errors: Iterable[FieldError], language: str) -> str:
    """The GOV.UK-style error summary: every problem, each linking to its field on the form."""
    form = text("answer.form_href", language)
    items: list[dict[str, Value]] = [
        {
            "message": text(error.text_key, language),
            "href": f"{form}#{error.field.replace('.', '_')}",
            "plain": False,
        }
        for error in errors
    ]
    return _error_page("answer.error.title", items, language)


def problem_page(code: str, language: str) -> str:
    """Nothing was stored (unreadable, too large, or our side failed): say so, and what to do."""
    item: dict[str, Value] = {
        "message": text(f"error.request.{code}", language),
        "href": "",
        "plain": True,
    }
    return _error_page("answer.unavailable.title", [item], language)
