"""Every built page: one h1, its lang, the quick exit, a language switcher, hreflang, sitemap."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from reportdesk.core.texts import LANGUAGES
from site_pages import (
    CONFIG,
    LANGUAGES_PREFIX,
    PAGES,
    STAFF_PAGES,
    Page,
    page_path,
    parse_page,
)

EXTRA = CONFIG["extra"]
ALL_PAGES = [(stem, language) for stem in PAGES for language in LANGUAGES]


def url_of(site: Path, path: Path) -> str:
    """The page's URL path on the site, e.g. /fr/who/."""
    relative = path.relative_to(site).as_posix()
    return "/" + relative.removesuffix("index.html")


def resolve(site: Path, page: Path, href: str) -> str:
    """A link's target as a URL path (without fragment)."""
    return urljoin(url_of(site, page), href).split("#")[0]


def quick_exit(page: Page) -> list[dict[str, str]]:
    return [e.attrs for e in page.elements if e.tag == "a" and "data-quick-exit" in e.attrs]


@pytest.mark.parametrize(("stem", "language"), ALL_PAGES)
def test_page_has_exactly_one_h1(site: Path, stem: str, language: str) -> None:
    assert parse_page(page_path(site, stem, language)).h1_count == 1


@pytest.mark.parametrize(("stem", "language"), ALL_PAGES)
def test_page_declares_its_language(site: Path, stem: str, language: str) -> None:
    assert parse_page(page_path(site, stem, language)).lang == language


@pytest.mark.parametrize(("stem", "language"), ALL_PAGES)
def test_page_has_a_labelled_quick_exit_that_works_without_javascript(
    site: Path, stem: str, language: str
) -> None:
    links = quick_exit(parse_page(page_path(site, stem, language)))
    assert len(links) == 1
    assert links[0]["href"] == EXTRA["quick_exit_url"]
    assert "noreferrer" in links[0]["rel"].split()


@pytest.mark.parametrize("stem", STAFF_PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_pages_have_no_quick_exit_and_no_help_bar_but_the_skip_link(
    site: Path, stem: str, language: str
) -> None:
    page = parse_page(page_path(site, stem, language))
    assert quick_exit(page) == []
    classes = [e.attrs.get("class", "").split() for e in page.elements]
    assert not [c for c in classes if {"quick-exit__hint", "site-help-bar"} & set(c)]
    assert not [e for e in page.elements if "data-help-bar" in e.attrs]
    skip = [e.attrs["href"] for e in page.elements if "md-skip" in e.attrs.get("class", "")]
    assert skip == ["#text"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_quick_exit_label_is_in_the_page_language(site: Path, language: str) -> None:
    path = page_path(site, "index", language)
    label = EXTRA["ui"][language]["quick_exit"]
    assert f"data-quick-exit>{label}</a>" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("stem", "language"), ALL_PAGES)
def test_language_switcher_leads_to_the_same_page_in_each_language(
    site: Path, stem: str, language: str
) -> None:
    path = page_path(site, stem, language)
    page = parse_page(path)
    switcher = {
        e.attrs["hreflang"]: resolve(site, path, e.attrs["href"])
        for e in page.elements
        if e.tag == "a" and "md-select__link" in e.attrs.get("class", "")
    }
    assert switcher == {other: url_of(site, page_path(site, stem, other)) for other in LANGUAGES}


@pytest.mark.parametrize(("stem", "language"), ALL_PAGES)
def test_page_has_no_head_alternates_for_material_to_fetch_sitemaps_next_to(
    site: Path, stem: str, language: str
) -> None:
    # Material fetches sitemap.xml next to every <link rel="alternate">: at a page's address that
    # is a 404. The hreflang alternates are in sitemap.xml (test_site_seo.py).
    assert parse_page(page_path(site, stem, language)).find("link", rel="alternate") == []


def test_not_found_page_speaks_every_language(site: Path) -> None:
    page = parse_page(site / "404.html")
    sections = {e.attrs.get("lang") for e in page.find("section", **{"class": "not-found"})}
    assert sections == set(LANGUAGES)
    assert page.h1_count == 1
    assert len(quick_exit(page)) == 1
    for language in LANGUAGES:
        assert EXTRA["ui"][language]["not_found_title"] in page.article_text


def test_not_found_page_links_home_with_absolute_paths(site: Path) -> None:
    # The 404 page is served at any address, so relative links would lead nowhere.
    page = parse_page(site / "404.html")
    homes = [e.attrs["href"] for e in page.elements if e.tag == "a" and e.attrs.get("href")]
    expected = {"/" + LANGUAGES_PREFIX[language] for language in LANGUAGES}
    assert expected <= set(homes)
    assert all(href.startswith(("/", "#", "https://", "tel:")) for href in homes)


def test_sitemap_lists_every_page_with_its_alternates(site: Path) -> None:
    namespaces = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "x": "http://www.w3.org/1999/xhtml",
    }
    root = ET.parse(site / "sitemap.xml").getroot()  # noqa: S314 - our own build output
    entries = {
        posixpath.normpath(urlsplit(url.findtext("s:loc", "", namespaces)).path): {
            link.get("hreflang") for link in url.findall("x:link", namespaces)
        }
        for url in root.findall("s:url", namespaces)
    }
    for stem, language in ALL_PAGES:
        location = posixpath.normpath(url_of(site, page_path(site, stem, language)))
        assert set(LANGUAGES) <= entries[location], location
