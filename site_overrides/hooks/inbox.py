"""MkDocs hook: the API persons' web inbox, in the page's language, where a page has <!-- inbox -->.

Its texts come from `reportdesk/texts/inbox.toml` (the same files as every other text); the page
is kept out of search engines (`noindex`) and out of the children's navigation.
"""

from __future__ import annotations

import json
from typing import Final

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from reportdesk.core import routes
from reportdesk.core.texts import TEXTS, text

MARKER: Final = "<!-- inbox -->"
STYLES = ["assets/stylesheets/form.css", "assets/stylesheets/inbox.css"]
# One concern per script, in the order they build on each other.
SCRIPTS = [
    "assets/javascripts/inbox/core.js",
    "assets/javascripts/inbox/session.js",
    "assets/javascripts/inbox/api.js",
    "assets/javascripts/inbox/list.js",
    "assets/javascripts/inbox/report.js",
    "assets/javascripts/inbox/app.js",
]
TEMPLATE: Final = "partials/inbox.html"
AUTH_PATH: Final = routes.INBOX_AUTH_PREFIX.rstrip("/")
REPORTS_PATH: Final = routes.INBOX_REPORTS_PATH


def script_data(language: str) -> Markup:
    """The script's JSON data block; `<`, `>` and `&` escaped so it cannot end the element."""
    data = {
        "language": language,
        "auth_url": AUTH_PATH,
        "reports_url": REPORTS_PATH,
        "texts": {
            key.removeprefix("inbox."): text(key, language)
            for key in TEXTS
            if key.startswith("inbox.")
        },
    }
    encoded = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(  # noqa: S704 -- JSON with the HTML-significant characters escaped
        encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )


def render(config: MkDocsConfig, language: str) -> str:
    def t(key: str) -> Markup:
        return Markup.escape(text(f"inbox.{key}", language))

    template = config.theme.get_env().get_template(TEMPLATE)
    return template.render(t=t, client_json=script_data(language))


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if MARKER not in html:
        return html
    page.meta["styles"] = STYLES
    page.meta["scripts"] = SCRIPTS
    page.meta["robots"] = "noindex, nofollow"
    return html.replace(MARKER, render(config, str(config.theme["language"])))
