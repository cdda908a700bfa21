"""POST /api/reports from the form without JavaScript: the same rules, answered with a small HTML
page in the report's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from reportdesk.core.texts import LANGUAGES, text

from tests.intake.conftest import Answer, Bucket, Invoke

PostForm = Callable[[dict[str, str]], Answer]
LANGUAGE_NAMES = list(LANGUAGES)
TITLE_PREFIX = {"nl": "Fout: ", "fr": "Erreur : ", "en": "Error: "}


class Page(HTMLParser):
    """The parts of an answer page the tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang = ""
        self.title = ""
        self.stylesheets: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.scripts = 0
        self.inline_styles = 0
        self._in: list[str] = []
        self._href = ""
        self._text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self._in.append(tag)
        if tag == "html":
            self.lang = attributes.get("lang") or ""
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes.get("href") or "")
        if tag == "script":
            self.scripts += 1
        if tag == "style" or "style" in attributes:
            self.inline_styles += 1
        if tag == "a":
            self._href, self._text = attributes.get("href") or "", ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.links.append((self._href, self._text))
        if self._in:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "title":
            self.title += data
        if "a" in self._in:
            self._text += data


def form(language: str, **fields: str) -> dict[str, str]:
    return {
        "language": language,
        "message": "Tijdens de repetitie zei de leider rare dingen.",
        "when": "",
        "organisation": "",
        "contact_wants_contact": "no",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "website": "",
        **fields,
    }


@pytest.mark.parametrize("language", LANGUAGE_NAMES)
def test_form_success_page_shows_the_reference_in_the_report_language(
    post_form: PostForm, bucket: Bucket, language: str
) -> None:
    answer = post_form(form(language))
    assert answer.status == 201
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["Cache-Control"] == "no-store"
    page = Page(answer.body)
    assert page.lang == language
    assert page.title == text("answer.success.title", language)
    [key] = bucket.report_keys()
    reference = bucket.head(key)["Metadata"]["reference"]
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    assert f"<strong>{reference}</strong>" in answer.body
    assert text("answer.success.next_heading", language) in answer.body


@pytest.mark.parametrize("language", LANGUAGE_NAMES)
def test_form_success_page_links_the_urgent_numbers(post_form: PostForm, language: str) -> None:
    page = Page(post_form(form(language)).body)
    hrefs = [href for href, _text in page.links]
    assert {"tel:112", "tel:102", "tel:103"} <= set(hrefs)


def test_form_success_page_says_we_will_contact_only_when_asked(post_form: PostForm) -> None:
    anonymous = post_form(form("en")).body
    assert text("answer.success.next_anonymous", "en") in anonymous
    assert text("answer.success.next_contact", "en") not in anonymous
    contact = post_form(
        form("en", contact_wants_contact="yes", contact_email="noor@example.be")
    ).body
    assert text("answer.success.next_contact", "en") in contact


def test_form_page_uses_only_the_site_stylesheet_and_no_inline_code(post_form: PostForm) -> None:
    page = Page(post_form(form("nl")).body)
    assert page.stylesheets == ["/assets/stylesheets/site.css"]
    assert page.scripts == 0
    assert page.inline_styles == 0


def test_form_contact_fields_are_stored_as_the_contact_block(
    post_form: PostForm, bucket: Bucket
) -> None:
    answer = post_form(
        form(
            "fr",
            contact_wants_contact="yes",
            contact_name="Noor",
            contact_email="noor@example.be",
            contact_phone="+32 470 12 34 56",
            contact_safe_to_leave_message="yes",
        )
    )
    assert answer.status == 201
    [key] = bucket.report_keys()
    assert bucket.decrypt(key)["contact"] == {
        "wants_contact": True,
        "name": "Noor",
        "email": "noor@example.be",
        "phone": "+32 470 12 34 56",
        "safe_to_leave_message": True,
    }


def test_form_without_javascript_is_unverified(post_form: PostForm, bucket: Bucket) -> None:
    post_form(form("nl"))
    [key] = bucket.report_keys()
    assert bucket.head(key)["Metadata"]["triage"] == "unverified"


@pytest.mark.parametrize("language", LANGUAGE_NAMES)
def test_form_error_page_lists_every_problem_with_links_to_the_fields(
    post_form: PostForm, bucket: Bucket, language: str
) -> None:
    answer = post_form(
        form(language, message="kort", contact_wants_contact="yes", contact_phone="12")
    )
    assert answer.status == 422
    page = Page(answer.body)
    assert page.lang == language
    assert page.title.startswith(TITLE_PREFIX[language])
    form_href = text("answer.form_href", language)
    assert (f"{form_href}#message", text("error.message.too_short", language)) in page.links
    assert (
        f"{form_href}#contact_phone",
        text("error.contact_phone.invalid", language),
    ) in page.links
    assert text("answer.error.go_back", language) in answer.body
    assert bucket.report_versions() == []


def test_form_error_page_never_echoes_what_was_typed(post_form: PostForm) -> None:
    answer = post_form(
        form("nl", message="GEHEIM", contact_wants_contact="yes", contact_email="GEHEIM@")
    )
    assert answer.status == 422
    assert "GEHEIM" not in answer.body


def test_form_success_page_shows_nothing_that_was_typed(
    post_form: PostForm,
) -> None:
    answer = post_form(form("en", message="<script>alert(1)</script>"))
    assert answer.status == 201
    assert "<script" not in answer.body


@pytest.mark.parametrize("language", LANGUAGE_NAMES)
def test_form_post_when_storage_fails_is_a_503_page_saying_nothing_was_saved(
    post_form: PostForm, bucket: Bucket, language: str
) -> None:
    bucket.s3.delete_bucket(Bucket=bucket.resources.reports_bucket)
    answer = post_form(form(language))
    assert answer.status == 503
    page = Page(answer.body)
    assert page.title.startswith(TITLE_PREFIX[language])
    assert text("error.request.unavailable", language) in answer.body


def test_form_with_invalid_percent_encoding_is_a_400_page(invoke: Invoke) -> None:
    answer = invoke(
        "POST",
        "/api/reports",
        "language=fr&message=%FF%FE+mauvais+octets+ici",
        {"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 400
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert text("error.request.malformed", "nl") in answer.body


def test_form_over_32_kib_is_a_413_page(invoke: Invoke) -> None:
    body = "language=en&message=" + "x" * (32 * 1024)
    answer = invoke(
        "POST", "/api/reports", body, {"content-type": "application/x-www-form-urlencoded"}
    )
    assert answer.status == 413
    assert text("error.request.too_large", "nl") in answer.body


def test_form_with_unknown_field_is_refused(post_form: PostForm) -> None:
    answer = post_form(form("en", favourite_colour="blue"))
    assert answer.status == 422
    assert text("error.body.unknown_field", "en") in answer.body


def test_base64_encoded_form_post_is_read(invoke: Invoke, bucket: Bucket) -> None:
    from urllib.parse import urlencode

    body = urlencode(form("fr", message="Encodé en base64 par API Gateway ✓")).encode()
    answer = invoke(
        "POST", "/api/reports", body, {"content-type": "application/x-www-form-urlencoded"}
    )
    assert answer.status == 201
    [key] = bucket.report_keys()
    assert bucket.decrypt(key)["message"] == "Encodé en base64 par API Gateway ✓"
