"""MkDocs hook: the "My report" form, in the page's language, where a page has <!-- my-report -->.

Labels come from `reportdesk/texts/followup.toml` and limits from the report model, like the report
form: the page, its script and the follow-up API share one source for every string and rule.
"""

from __future__ import annotations

import json
from typing import Final

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from reportdesk.core import model, routes
from reportdesk.core.texts import TEXTS, text

MARKER: Final = "<!-- my-report -->"
# Loaded only on the page with the form (read by main.html).
STYLES = ["assets/stylesheets/form.css"]
SCRIPTS = ["assets/javascripts/my-report.js"]
TEMPLATE: Final = "partials/my-report.html"


def script_data(language: str) -> Markup:
    """The script's JSON data block; `<`, `>` and `&` escaped so it cannot end the element."""
    data = {
        "language": language,
        "read_url": routes.FOLLOWUP_READ_PATH,
        "messages_url": routes.FOLLOWUP_MESSAGES_PATH,
        "texts": {key: text(key, language) for key in TEXTS if key.startswith("followup.")},
        "rules": {"message_min": model.MESSAGE_MIN, "message_max": model.MESSAGE_MAX},
    }
    encoded = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(  # noqa: S704 -- JSON with the HTML-significant characters escaped
        encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )


def render(config: MkDocsConfig, language: str) -> str:
    def t(key: str) -> Markup:
        return Markup.escape(text(key, language))

    page = {
        "read_url": routes.FOLLOWUP_READ_PATH,
        "language": language,
        "client_json": script_data(language),
    }
    template = config.theme.get_env().get_template(TEMPLATE)
    return template.render(t=t, page=page)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if MARKER not in html:
        return html
    if html.count(MARKER) > 1:
        raise ValueError(f"{page.file.src_uri}: the My report form can appear only once on a page")
    page.meta["styles"] = STYLES
    page.meta["scripts"] = SCRIPTS
    return html.replace(MARKER, render(config, str(config.theme["language"])))
