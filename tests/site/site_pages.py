"""Build the site and read its HTML pages into plain facts for the site tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from mkdocs.utils.yaml import yaml_load

ROOT = Path(__file__).resolve().parents[2]
# MkDocs' own loader: mkdocs.yml uses its !ENV tag (site_url).
CONFIG: dict[str, Any] = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
# Every page of the site, by its file stem in docs/ (docs/<stem>.<language>.md), in nav order.
PAGES: tuple[str, ...] = tuple(
    str(next(iter(entry.values()))).removesuffix(".md") for entry in CONFIG["nav"]
)
# Block elements whose text is prose; their text is what a child reads.
_PROSE = {"p", "li", "dd", "dt", "h1", "h2", "h3", "td", "th", "summary"}
_VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr", "area", "col", "embed"}


def _i18n_languages() -> list[dict[str, Any]]:
    i18n = next(p["i18n"] for p in CONFIG["plugins"] if isinstance(p, dict) and "i18n" in p)
    languages: list[dict[str, Any]] = i18n["languages"]
    return languages


def config_languages() -> list[str]:
    """The languages mkdocs.yml builds, in its order."""
    return [language["locale"] for language in _i18n_languages()]


# Where each language's pages live: static-i18n's default is the root, the others /<locale>/.
LANGUAGES_PREFIX = {
    language["locale"]: "" if language.get("default") else f"{language['locale']}/"
    for language in _i18n_languages()
}


def page_path(site: Path, stem: str, language: str) -> Path:
    """Where the build writes page `stem` in `language`."""
    folder = "" if stem == "index" else f"{stem}/"
    return site / f"{LANGUAGES_PREFIX[language]}{folder}index.html"


def mkdocs_build(config: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of `config` into `site_dir`; the caller checks the result."""
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(config),
            "-d",
            str(site_dir),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=config.parent,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]


@dataclass
class Page:
    """What one built HTML page contains."""

    path: Path
    lang: str = ""
    elements: list[Element] = field(default_factory=list)
    h1_count: int = 0
    ids: set[str] = field(default_factory=set)
    prose: list[str] = field(default_factory=list)
    article_text: str = ""

    def links(self) -> list[str]:
        return [e.attrs["href"] for e in self.elements if e.tag == "a" and "href" in e.attrs]

    def find(self, tag: str, **attrs: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag == tag and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


class _PageParser(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self._stack: list[str] = []
        self._article_depth = 0
        self._prose: list[str] | None = None
        self._article: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        element = Element(tag, values)
        self.page.elements.append(element)
        if tag == "html":
            self.page.lang = values.get("lang", "")
        if tag == "h1":
            self.page.h1_count += 1
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])
        if tag in _VOID:
            return
        self._stack.append(tag)
        if tag in {"script", "style"}:
            self._skip += 1
        if tag == "article":
            self._article_depth = len(self._stack)
        if self._article_depth and tag in _PROSE and self._prose is None:
            self._prose = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self._stack:
            return
        while self._stack:
            closed = self._stack.pop()
            if closed in {"script", "style"}:
                self._skip -= 1
            if self._prose is not None and closed in _PROSE:
                text = " ".join("".join(self._prose).split())
                if text:
                    self.page.prose.append(text)
                self._prose = None
            if closed == "article":
                self._article_depth = 0
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._article_depth:
            self._article.append(data)
            if self._prose is not None:
                self._prose.append(data)

    def close(self) -> None:
        super().close()
        self.page.article_text = " ".join("".join(self._article).split())


def parse_page(path: Path) -> Page:
    page = Page(path)
    parser = _PageParser(page)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return page


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(prose: list[str]) -> list[str]:
    """Sentences of the page's prose: each block ends one, and so do . ! ? before a space."""
    found: list[str] = []
    for block in prose:
        found.extend(s for s in _SENTENCE_END.split(block) if re.search(r"\w", s))
    return found


def words(sentence: str) -> list[str]:
    return re.findall(r"[\w'\u2019-]+", sentence)
