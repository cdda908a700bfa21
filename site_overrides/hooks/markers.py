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
from typing import Any, Final

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from reportdesk.core import model
from reportdesk.core.texts import TEXTS, text
from reportdesk.followup import handler as followup
from reportdesk.intake import challenge
from reportdesk.intake import page as answer_page

MARKER: Final = re.compile(r"<!-- (report-form|my-report) -->")
WRAPPER: Final = "partials/marker.html"
# Both forms share one stylesheet; it loads only on the pages with a form (read by main.html).
FORM_STYLES: Final = ("assets/stylesheets/form.css",)

Settings = dict[str, Any]
ScriptData = dict[str, Any]


@dataclass(frozen=True)
class Component:
    """What a marker becomes: its partial, its page assets, and a builder of its settings."""

    template: str
    # ES modules: each imports the modules it needs (shared.js, ...).
    scripts: tuple[str, ...]
    styles: tuple[str, ...]
    build: Callable[[str], tuple[Settings, ScriptData]]


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
        "email": model._EMAIL_RE.pattern,
        "phone_chars": model._PHONE_CHARS_RE.pattern,
        "phone_separators": model._PHONE_SEPARATORS_RE.pattern,
        "phone_belgian": model._BELGIAN_PHONE_RE.pattern,
        "phone_international": model._INTERNATIONAL_PHONE_RE.pattern,
        "control": model._CONTROL_RE.pattern,
    }


def report_form(language: str) -> tuple[Settings, ScriptData]:
    settings = {
        "action": "/api/reports",
        "challenge_url": "/api/challenge",
        "language": language,
        "choices": choices(),
        "contact_values": {"yes": "yes", "no": "no"},
    }
    urgent = [
        {"number": number, "key": f"answer.urgent.{key}"}
        for number, key in answer_page.URGENT_NUMBERS
    ]
    data = {
        "language": language,
        "texts": texts(language, REPORT_PREFIXES, REPORT_TEXTS),
        "rules": rules(),
        "urgent": urgent,
    }
    return settings, data


# --- my report ------------------------------------------------------------------------------


def my_report(language: str) -> tuple[Settings, ScriptData]:
    settings = {"read_url": followup.READ_PATH, "language": language}
    data = {
        "language": language,
        "read_url": followup.READ_PATH,
        "messages_url": followup.MESSAGES_PATH,
        "texts": texts(language, ("followup.",)),
        "rules": {"message_min": model.MESSAGE_MIN, "message_max": model.MESSAGE_MAX},
    }
    return settings, data


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
}


def script_data(data: ScriptData) -> Markup:
    """A script's JSON data block; `<`, `>` and `&` escaped so it cannot end the element."""
    encoded = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(  # noqa: S704 -- JSON with the HTML-significant characters escaped
        encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )


def render(name: str, config: MkDocsConfig, language: str) -> str:
    """The component `name` in `language`, with its script's data block."""
    component = COMPONENTS[name]
    settings, data = component.build(language)

    def t(key: str) -> Markup:
        return Markup.escape(text(key, language))

    template = config.theme.get_env().get_template(WRAPPER)
    return template.render(
        name=name, template=component.template, t=t, settings=settings, data=script_data(data)
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
    language = str(config.theme["language"])
    return MARKER.sub(lambda match: render(match[1], config, language), html)
