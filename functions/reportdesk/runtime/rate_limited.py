"""What AWS WAF answers instead of the API past its per-IP rate limits (429). infra/edge.py puts
both bodies into the web ACL at synth time, from the same texts and templates as the API's own.

The WAF cannot know the page's language, so it answers:
- a script (JSON) with the code alone, in both error shapes of the API: `errors` for the
  children's pages, which show their own text for `error.request.too_many`, and `error` for the
  inbox, which shows `inbox.error.too_many`;
- a form posted without JavaScript with one short page that says it in every language.
"""

from __future__ import annotations

import json
from typing import Final

from reportdesk.core.texts import DEFAULT_LANGUAGE, LANGUAGES, text
from reportdesk.runtime.answer_template import TEMPLATES, fill, page, template, urgent_lines

CODE: Final = "too_many"
FIELD: Final = "request"
# The children's text for the code, as the report page's script looks it up: error.<field>.<code>.
TEXT_KEY: Final = f"error.{FIELD}.{CODE}"
TITLE_KEY: Final = "followup.error.title"
SECTION: Final = TEMPLATES / "too_many.html"


def json_body() -> str:
    """The answer to a script: the API's error shapes with the code and no message."""
    body = {"error": CODE, "errors": [{"field": FIELD, "code": CODE}]}
    return json.dumps(body, separators=(",", ":"))


def html_body() -> str:
    """The answer to a form posted without JavaScript: one section per language, each with
    its own `lang`, and the help lines to call now."""
    sections = "".join(
        fill(
            template(SECTION),
            language,
            {"language": language, "urgent": urgent_lines(language)},
        )
        for language in LANGUAGES
    )
    title = " / ".join(text(TITLE_KEY, language) for language in LANGUAGES)
    return page(DEFAULT_LANGUAGE, title, "", sections)
