"""MkDocs hook: puts each component where a page has its marker, in the page's language.

One hook for every marker, as Material's own `overrides/hooks/shortcodes.py` does: a marker
names a component, a small builder gives the component's settings and its script's data, and
`partials/marker.html` renders it (the component's partial, then the script's JSON data block).
Labels come from `reportdesk/texts/*.toml`, choices and limits from the report model: each page,
its script and the API share one source for every string and rule.
"""

from __future__ import annotations

import json
import re
import typing
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from reportdesk.core import model, routes
from reportdesk.core.texts import TEXTS, text
from reportdesk.followup import page as followup_page
from reportdesk.intake import challenge
from reportdesk.intake import page as intake_page
from reportdesk.runtime import answer_template, rate_limited
from reportdesk.runtime.answer_template import Values

MARKER: Final = re.compile(r"<!-- (report-form|my-report|inbox) -->")
WRAPPER: Final = "partials/marker.html"
# Both forms share one stylesheet; it loads only on the pages with a form (read by main.html).
FORM_STYLES: Final = ("assets/stylesheets/form.css",)

Settings = dict[str, Any]
ScriptData = dict[str, Any]


@dataclass(frozen=True)
class Built:
    """A component in one language: its partial's settings, its script's data, and the answers
    its script shows, as `<template id="<name>-template">` elements."""

    settings: Settings
    data: ScriptData
    answers: dict[str, Markup]


@dataclass(frozen=True)
class Component:
    """What a marker becomes: its partial, its page assets, and a builder of the rest."""

    template: str
    # ES modules: each imports the modules it needs (shared.js, ...).
    scripts: tuple[str, ...]
    styles: tuple[str, ...]
    build: Callable[[str], Built]
    # A staff page: kept out of search engines (`<meta name="robots">`, read by main.html).
    noindex: bool = False


def answer(path: Path, language: str, values: Values) -> Markup:
    """An answer template with its texts in `language` and the `values` known when building; the
    script fills the rest (runtime/answer_template.py explains the attributes)."""
    filled = answer_template.fill(answer_template.template(path), language, values)
    return Markup(filled)  # noqa: S704 -- our template, every text and value escaped by fill


def texts(language: str, prefixes: tuple[str, ...], keys: tuple[str, ...] = ()) -> dict[str, str]:
    """The texts a script needs, in the page's language: by key prefix and by exact key."""
    return {key: text(key, language) for key in TEXTS if key.startswith(prefixes) or key in keys}


# --- the report form ------------------------------------------------------------------------

# What the report form's script needs besides the error messages (error.*) and answers (answer.*).
REPORT_TEXTS: Final = (
    "form.sending",
    "form.network_error",
    "form.copy",
    "form.copied",
    "followup.page_href",
    "followup.page_link",
)
REPORT_PREFIXES: Final = ("error.", "answer.", "followup.code.")


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


def report_form(language: str) -> Built:
    settings = {
        "action": routes.REPORTS_PATH,
        "challenge_url": routes.CHALLENGE_PATH,
        "language": language,
        "choices": choices(),
        "contact_values": {"yes": "yes", "no": "no"},
    }
    data = {
        "language": language,
        "texts": texts(language, REPORT_PREFIXES, REPORT_TEXTS),
        "rules": rules(),
    }
    success: Values = {"in_page": True, "followup_href": text("followup.page_href", language)}
    answers = {
        "report-success": answer(intake_page.SUCCESS, language, success),
        "report-error": answer(intake_page.ERROR, language, {"page": False}),
        "answer-urgent": Markup(answer_template.urgent(language)),  # noqa: S704 -- as above
    }
    return Built(settings, data, answers)


# --- my report ------------------------------------------------------------------------------


def my_report(language: str) -> Built:
    settings = {"read_url": routes.FOLLOWUP_READ_PATH, "language": language}
    data = {
        "language": language,
        "read_url": routes.FOLLOWUP_READ_PATH,
        "messages_url": routes.FOLLOWUP_MESSAGES_PATH,
        # With the text for AWS WAF's rate limit answer, which carries its code alone.
        "texts": texts(language, ("followup.",), (rate_limited.TEXT_KEY,)),
        "rules": {"message_min": model.MESSAGE_MIN, "message_max": model.MESSAGE_MAX},
    }
    answers = {
        "my-report-thread": answer(followup_page.THREAD, language, {"in_page": True}),
        "my-report-write": answer(
            followup_page.WRITE,
            language,
            {"action": routes.FOLLOWUP_MESSAGES_PATH, "language": language, "thread": True},
        ),
    }
    return Built(settings, data, answers)


# --- the web inbox (the API persons' page) ----------------------------------------------------


def inbox(language: str) -> Built:
    """The sign-in, the list and the report view; the script needs every inbox text."""
    data = {
        "language": language,
        "auth_url": routes.INBOX_AUTH_PREFIX.rstrip("/"),
        "reports_url": routes.INBOX_REPORTS_PATH,
        "texts": {
            key.removeprefix("inbox."): value
            for key, value in texts(language, ("inbox.",)).items()
        },
    }
    return Built({}, data, {})


# --- the markers ----------------------------------------------------------------------------

COMPONENTS: Final = {
    "report-form": Component(
        template="partials/report-form.html",
        scripts=("assets/javascripts/report-form.js",),
        styles=FORM_STYLES,
        build=report_form,
    ),
    "my-report": Component(
        template="partials/my-report.html",
        scripts=("assets/javascripts/my-report.js",),
        styles=FORM_STYLES,
        build=my_report,
    ),
    "inbox": Component(
        template="partials/inbox.html",
        # One concern per script, in the order they build on each other.
        scripts=tuple(
            f"assets/javascripts/inbox/{name}.js"
            for name in ("core", "session", "api", "list", "report", "app")
        ),
        styles=(*FORM_STYLES, "assets/stylesheets/inbox.css"),
        build=inbox,
        noindex=True,
    ),
}


def script_data(data: ScriptData) -> Markup:
    """A script's JSON data block; `<`, `>` and `&` escaped so it cannot end the element."""
    encoded = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(  # noqa: S704 -- JSON with the HTML-significant characters escaped
        encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )


def render(name: str, config: MkDocsConfig, language: str) -> str:
    """The component `name` in `language`, with its answers and its script's data block."""
    component = COMPONENTS[name]
    built = component.build(language)

    def t(key: str) -> Markup:
        return Markup.escape(text(key, language))

    template = config.theme.get_env().get_template(WRAPPER)
    return template.render(
        name=name,
        template=component.template,
        t=t,
        settings=built.settings,
        answers=built.answers,
        data=script_data(built.data),
    )


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    found = Counter(MARKER.findall(html))
    if not found:
        return html
    for name, count in found.items():
        if count > 1:
            raise ValueError(f"{page.file.src_uri}: <!-- {name} --> can appear only once on a page")
    used = [COMPONENTS[name] for name in found]
    page.meta["styles"] = list(dict.fromkeys(path for c in used for path in c.styles))
    page.meta["scripts"] = list(dict.fromkeys(path for c in used for path in c.scripts))
    if any(c.noindex for c in used):
        page.meta["robots"] = "noindex, nofollow"
    language = str(config.theme["language"])
    return MARKER.sub(lambda match: render(match[1], config, language), html)
