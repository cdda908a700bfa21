"""The built Report page carries the form in its own language, with the API's rules and texts."""

from __future__ import annotations

import json
import typing
from html.parser import HTMLParser

import pytest
from reportdesk.core import model
from reportdesk.core.texts import LANGUAGES, TEXTS, text

from tests.local.local_process import SITE

REPORT_PAGES = {"nl": SITE / "report/index.html", "fr": SITE / "fr/report/index.html"}
REPORT_PAGES["en"] = SITE / "en/report/index.html"


class FormScan(HTMLParser):
    """The report form's attributes and named inputs, and its script's data block."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str | None]] = []
        self.inputs: dict[str, list[dict[str, str | None]]] = {}
        self.data: list[str] = []
        self._in_data = False
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and values.get("data-module") == "report-form":
            self.forms.append(values)
            self._in_form = True
        if self._in_form and tag in ("input", "textarea") and values.get("name"):
            self.inputs.setdefault(str(values["name"]), []).append(values)
        self._in_data = tag == "script" and values.get("id") == "report-form-data"

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False
        if tag == "form":
            self._in_form = False


def scan(language: str) -> tuple[FormScan, str]:
    page = REPORT_PAGES[language]
    if not page.is_file():
        pytest.fail("site/ is missing: run `make build` first")
    html = page.read_text(encoding="utf-8")
    parsed = FormScan()
    parsed.feed(html)
    return parsed, html


@pytest.mark.parametrize("language", LANGUAGES)
def test_report_page_has_one_form_posting_to_the_report_api(language: str) -> None:
    parsed, html = scan(language)
    assert [(form["method"], form["action"]) for form in parsed.forms] == [("post", "/api/reports")]
    assert "<!-- report-form -->" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_form_sends_the_pages_language(language: str) -> None:
    parsed, _ = scan(language)
    assert [i["value"] for i in parsed.inputs["language"]] == [language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_form_labels_are_in_the_pages_language(language: str) -> None:
    _, html = scan(language)
    for key in ("form.message.label", "form.submit", "form.contact.choice.no"):
        assert text(key, language).replace("'", "&#39;") in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_form_fields_are_the_report_apis_fields(language: str) -> None:
    parsed, _ = scan(language)
    # The script adds submission_id and altcha to what it sends; contact fields are flat in forms.
    fields = set(model.ReportIn.model_fields) - {"contact", "submission_id", "altcha"}
    fields |= {f"contact_{name}" for name in model.Contact.model_fields}
    assert set(parsed.inputs) == fields


@pytest.mark.parametrize("field", ["organisation", "age_group"])
def test_choices_are_exactly_the_values_the_report_api_accepts(field: str) -> None:
    parsed, _ = scan("en")
    accepted = {"organisation": model.Organisation, "age_group": model.AgeGroup}[field]
    assert [i["value"] for i in parsed.inputs[field]] == list(typing.get_args(accepted))


def test_honeypot_is_out_of_reach_of_people_and_assistive_technology() -> None:
    parsed, html = scan("en")
    (website,) = parsed.inputs["website"]
    assert website["tabindex"] == "-1"
    assert website["autocomplete"] == "off"
    assert 'class="report-form__trap" aria-hidden="true"' in html


def test_anonymous_is_the_default_answer() -> None:
    parsed, _ = scan("en")
    checked = [i["value"] for i in parsed.inputs["contact_wants_contact"] if "checked" in i]
    assert checked == ["no"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_script_data_has_the_apis_rules_and_every_error_message(language: str) -> None:
    parsed, _ = scan(language)
    data = json.loads("".join(parsed.data))
    assert data["language"] == language
    assert data["rules"]["message_min"] == model.MESSAGE_MIN
    assert data["rules"]["message_max"] == model.MESSAGE_MAX
    errors = {key for key in TEXTS if key.startswith("error.")}
    assert errors <= set(data["texts"])
    assert all(data["texts"][key] == text(key, language) for key in errors)
