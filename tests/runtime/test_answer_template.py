"""The answer templates' filler: texts, values and lists in, every value escaped, and whatever it
is not given left for the page's script."""

from __future__ import annotations

from reportdesk.core.texts import text
from reportdesk.runtime.answer_template import fill

ITEMS = '<ul><li data-each="items"><a data-href="href" data-slot="label"></a></li></ul>'


def test_text_is_the_pages_language() -> None:
    filled = fill('<h2 data-text="answer.success.title"></h2>', "fr", {})
    assert filled == f"<h2>{text('answer.success.title', 'fr')}</h2>"


def test_values_are_escaped_text_never_markup() -> None:
    filled = fill('<p data-slot="reply"></p>', "en", {"reply": '<script>alert("x")</script>'})
    assert filled == "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>"


def test_attributes_take_their_values_escaped() -> None:
    html = '<input type="hidden" data-value="code"><html data-lang="l"></html>'
    filled = fill(html, "en", {"code": '"x', "l": "nl"})
    assert filled == '<input type="hidden" value="&quot;x"><html lang="nl"></html>'


def test_an_element_stays_only_when_its_condition_is_true() -> None:
    html = '<p data-when="a">A</p><div data-when="b"><div>B</div></div><p>C</p>'
    assert fill(html, "en", {"a": False, "b": True}) == "<div><div>B</div></div><p>C</p>"


def test_a_list_repeats_its_element_per_item() -> None:
    items = [{"href": "tel:112", "label": "112"}, {"href": "tel:102", "label": "102"}]
    assert fill(ITEMS, "en", {"items": items}) == (
        '<ul><li><a href="tel:112">112</a></li><li><a href="tel:102">102</a></li></ul>'
    )


def test_an_empty_list_leaves_no_element() -> None:
    assert fill(ITEMS, "en", {"items": []}) == "<ul></ul>"


def test_what_is_not_given_stays_for_the_script() -> None:
    html = '<p data-when="notice" data-slot="notice"></p>' + ITEMS
    assert fill(html, "en", {}) == html
