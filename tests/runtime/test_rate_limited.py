"""What AWS WAF answers past its per-IP rate limits: a page in every language for a form posted
without JavaScript, the API's error code for a script, whose page holds the text for it."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from reportdesk.core.texts import LANGUAGES, TEXTS, text
from reportdesk.runtime import rate_limited

# AWS WAF's quota for one custom response body (the API takes more; the quota is what counts).
WAF_BODY_BYTES = 4096


class Sections(HTMLParser):
    """The text of each `<section lang>`, by language."""

    def __init__(self) -> None:
        super().__init__()
        self.language = ""
        self.texts: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.language = dict(attrs).get("lang") or ""
            self.texts[self.language] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.language = ""

    def handle_data(self, data: str) -> None:
        if self.language:
            self.texts[self.language] += data


def sections() -> dict[str, str]:
    parser = Sections()
    parser.feed(rate_limited.html_body())
    return parser.texts


def test_the_page_says_it_in_every_language_each_in_its_own_section() -> None:
    found = sections()
    assert list(found) == list(LANGUAGES)
    for language, words in found.items():
        assert text(rate_limited.TEXT_KEY, language) in words
        assert text("answer.urgent.heading", language) in words


def test_the_page_gives_the_help_lines_to_call_now() -> None:
    assert re.findall(r'href="tel:(\d+)"', rate_limited.html_body()) == ["112", "102", "103"] * 3


def test_the_page_has_no_script_and_no_inline_style_for_the_sites_csp() -> None:
    page = rate_limited.html_body()
    assert "<script" not in page and "style=" not in page and "<style" not in page


def test_both_answers_fit_in_a_waf_response_body() -> None:
    for body in (rate_limited.html_body(), rate_limited.json_body()):
        assert len(body.encode("utf-8")) <= WAF_BODY_BYTES


def test_a_script_gets_the_code_in_both_error_shapes_of_the_api() -> None:
    body = json.loads(rate_limited.json_body())
    assert body == {"error": "too_many", "errors": [{"field": "request", "code": "too_many"}]}


def test_each_page_that_calls_the_api_has_a_text_for_the_code() -> None:
    # error.<field>.<code> for the children's pages (shared.js, errorMessage); error.<code> in
    # the inbox's texts, which the inbox script reads for `error`.
    assert rate_limited.TEXT_KEY == "error.request.too_many"
    assert set(TEXTS[rate_limited.TEXT_KEY]) == set(LANGUAGES)
    assert "inbox.error.too_many" in TEXTS
