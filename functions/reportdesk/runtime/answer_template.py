"""Fills an answer template: the one markup of what the child sees after sending, used twice.

Each answer (a stored report, the errors of a form, the thread of "My report") is one HTML file in
`templates/` beside the page module that sends it. The Lambda fills the file completely for the
page it answers a form post without JavaScript with; the site's MkDocs hook fills only its texts
and puts it into the page as a `<template>` element, which the page's script clones and fills with
`textContent` (`fillTemplate` in site_overrides/assets/javascripts/shared.js).

Standard library only (`re`, `html.escape`), not Jinja: on a site with little traffic almost every
report meets a cold start, and importing a template engine would cost more than these pages do.

The attributes both fillers understand (the elements that carry them must not nest a tag of their
own name inside; no attribute values with `>`):
- `data-text="key"`: the content is the text `key` in the page's language (always filled);
- `data-slot="name"`: the content is the value `name`;
- `data-href`, `data-action`, `data-value`, `data-lang`, `data-describedby` (aria-describedby)
  `="name"`: that
  attribute is the value `name`;
- `data-when="name"`: the element stays only when the value `name` is true;
- `data-each="name"`: the element is repeated for each item (a mapping of values) of `name`.
A value missing from `values` leaves its element and attribute as they are, for the script.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from html import escape
from pathlib import Path
from typing import Final, TypeAlias

from reportdesk.core.texts import text

Value: TypeAlias = "str | bool | Sequence[Mapping[str, Value]]"
Values: TypeAlias = Mapping[str, Value]

TEMPLATES: Final = Path(__file__).with_name("templates")
# The help lines every answer ends with, as (number, text key under answer.urgent).
URGENT_NUMBERS: Final = (("112", "emergency"), ("102", "awel"), ("103", "ecoute_enfants"))
# Where a page puts its answer (runtime/templates/page.html).
ANSWER_MARK: Final = "<!-- answer -->"

_NAMES: Final = "text|slot|href|action|value|lang|describedby|when|each"
_SETS: Final = {
    "data-href": "href",
    "data-action": "action",
    "data-value": "value",
    "data-lang": "lang",
    "data-describedby": "aria-describedby",
}
_ATTRIBUTE: Final = re.compile(rf'\s(data-(?:{_NAMES}))="([^"]*)"')
_OURS: Final = re.compile(rf"<([a-z][a-z0-9]*)\b[^>]*?\sdata-(?:{_NAMES})=[^>]*>")
_VOID: Final = frozenset({"br", "hr", "img", "input", "link", "meta", "source", "wbr"})


@cache
def template(path: Path) -> str:
    """The template file at `path`, read once per container."""
    return path.read_text(encoding="utf-8")


def _closing(html: str, tag: str, start: int) -> int:
    """Where the end tag that closes the `tag` element whose content begins at `start` begins."""
    tags = re.compile(rf"<(/?){tag}\b[^>]*>")
    depth = 1
    for match in tags.finditer(html, start):
        depth += -1 if match[1] else 1
        if depth == 0:
            return match.start()
    raise ValueError(f"<{tag}> is not closed")


def fill(html: str, language: str, values: Values) -> str:
    """`html` with its texts in `language` and the `values` it names (see the module docstring)."""
    out: list[str] = []
    position = 0
    while match := _OURS.search(html, position):
        tag, start_tag = match[1], match[0]
        attributes: dict[str, str] = dict(_ATTRIBUTE.findall(start_tag))
        out.append(html[position : match.start()])
        void = tag in _VOID
        end = match.end() if void else _closing(html, tag, match.end())
        inner = html[match.end() : end]
        position = end if void else end + len(f"</{tag}>")
        when, each = attributes.get("data-when", ""), attributes.get("data-each", "")
        if (when in values and not values[when]) or (each in values and not values[each]):
            continue
        if each in values:
            items = values[each]
            assert not isinstance(items, (str, bool)), f"{each} must be a list"
            bare = _ATTRIBUTE.sub(lambda a: "" if a[1] == "data-each" else a[0], start_tag)
            element = f"{bare}{inner}</{tag}>"
            out.extend(fill(element, language, {**values, **item}) for item in items)
            continue

        def attribute(found: re.Match[str]) -> str:
            name, argument = found[1], found[2]
            if name == "data-text" or (name != "data-each" and argument in values):
                if name in _SETS:
                    return f' {_SETS[name]}="{escape(str(values[argument]))}"'
                return ""
            return found[0]

        opened = _ATTRIBUTE.sub(attribute, start_tag)
        if "data-text" in attributes:
            inner = escape(text(attributes["data-text"], language))
        elif attributes.get("data-slot") in values:
            inner = escape(str(values[attributes["data-slot"]]))
        else:
            inner = fill(inner, language, values)
        out.append(opened if void else f"{opened}{inner}</{tag}>")
    out.append(html[position:])
    return "".join(out)


def urgent(language: str) -> str:
    """The help lines to call now, which every answer but the thread ends with."""
    return fill(template(TEMPLATES / "urgent.html"), language, {"urgent": urgent_lines(language)})


def urgent_lines(language: str) -> list[dict[str, Value]]:
    return [
        {"tel": f"tel:{number}", "label": text(f"answer.urgent.{key}", language)}
        for number, key in URGENT_NUMBERS
    ]


def page(language: str, title: str, heading: str, answer: str) -> str:
    """A whole answer page around `answer` (filled HTML), under the heading `heading` (none when
    empty: the answer has its own). The site's stylesheet only, no script or inline style, so the
    site's CSP allows it."""
    filled = fill(
        template(TEMPLATES / "page.html"),
        language,
        {
            "language": language,
            "title": title,
            "heading": heading,
            "home_href": text("answer.home_href", language),
        },
    )
    return filled.replace(ANSWER_MARK, answer, 1)
