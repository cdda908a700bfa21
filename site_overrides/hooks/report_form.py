"""MkDocs hook: puts the report form, in the page's language, where a page has <!-- report-form -->.

Labels come from `reportdesk/texts/form.toml`, choices and limits from the report model: the page,
its script and the report API share one source for every string and rule.
"""

from __future__ import annotations

import json
import typing
from typing import Any, Final

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from reportdesk.core import model, routes
from reportdesk.core.texts import TEXTS, text
from reportdesk.intake import challenge
from reportdesk.intake import page as answer_page

MARKER: Final = "<!-- report-form -->"
# Loaded only on the page with the form (read by main.html).
STYLES = ["assets/stylesheets/form.css"]
SCRIPTS = ["assets/javascripts/altcha-solver.js", "assets/javascripts/report-form.js"]
TEMPLATE: Final = "partials/report-form.html"
ACTION: Final = routes.REPORTS_PATH
CHALLENGE_URL: Final = routes.CHALLENGE_PATH
# What the page's script needs besides the error messages (error.*) and answers (answer.*).
SCRIPT_TEXTS: Final = (
    "form.sending",
    "form.network_error",
    "form.copy",
    "form.copied",
    "followup.page_href",
    "followup.page_link",
)
SCRIPT_PREFIXES: Final = ("error.", "answer.", "followup.code.")


def choices() -> dict[str, tuple[str, ...]]:
    """The values the report model accepts for each choice field, in the model's order."""
    return {
        "organisation": typing.get_args(model.Organisation),
        "age_group": typing.get_args(model.AgeGroup),
    }


def rules() -> dict[str, Any]:
    """The report model's limits and patterns, for the script's checks before sending."""
    return {
        "message_min": model.MESSAGE_MIN,
        "message_max": model.MESSAGE_MAX,
        "when_max": model.WHEN_MAX,
        "name_max": model.NAME_MAX,
        "email_max": model.EMAIL_MAX,
        "min_fill_seconds": challenge.MIN_FILL_SECONDS,
        "email": model.EMAIL_RE.pattern,
        "phone_chars": model.PHONE_CHARS_RE.pattern,
        "phone_separators": model.PHONE_SEPARATORS_RE.pattern,
        "phone_belgian": model.BELGIAN_PHONE_RE.pattern,
        "phone_international": model.INTERNATIONAL_PHONE_RE.pattern,
        "control": model.CONTROL_RE.pattern,
    }


def script_data(language: str) -> Markup:
    """The script's JSON data block; `<`, `>` and `&` escaped so it cannot end the element."""
    texts = {
        key: text(key, language)
        for key in TEXTS
        if key.startswith(SCRIPT_PREFIXES) or key in SCRIPT_TEXTS
    }
    urgent = [
        {"number": number, "key": f"answer.urgent.{key}"}
        for number, key in answer_page.URGENT_NUMBERS
    ]
    data = {"language": language, "texts": texts, "rules": rules(), "urgent": urgent}
    encoded = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(  # noqa: S704 -- JSON with the HTML-significant characters escaped
        encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )


def render_form(config: MkDocsConfig, language: str) -> str:
    def t(key: str) -> Markup:
        return Markup.escape(text(key, language))

    form = {
        "action": ACTION,
        "challenge_url": CHALLENGE_URL,
        "language": language,
        "choices": choices(),
        "contact_values": {"yes": "yes", "no": "no"},
        "client_json": script_data(language),
    }
    template = config.theme.get_env().get_template(TEMPLATE)
    return template.render(t=t, form=form)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if MARKER not in html:
        return html
    if html.count(MARKER) > 1:
        raise ValueError(f"{page.file.src_uri}: the report form can appear only once on a page")
    page.meta["styles"] = STYLES
    page.meta["scripts"] = SCRIPTS
    return html.replace(MARKER, render_form(config, str(config.theme["language"])))
