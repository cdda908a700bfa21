"""Search engines and sharing (issue 17): site_url from the environment, absolute hreflang
alternates with x-default in the sitemap, a description on every page in its language, robots.txt,
a named search dialog and a descriptive link to each home page."""

from __future__ import annotations

import os
import posixpath
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from reportdesk.core.texts import LANGUAGES
from site_pages import CONFIG, LANGUAGES_PREFIX, PAGES, ROOT, mkdocs_build, page_path, parse_page

from infra.config import Config
from infra.site_url import PLACEHOLDER, site_url

ALL_PAGES = [(stem, language) for stem in PAGES for language in LANGUAGES]
UI = CONFIG["extra"]["ui"]
NAMESPACES = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}
# Lighthouse 12's "link-text" audit calls these link texts not descriptive (its list, trimmed to
# the languages of this site).
VAGUE_LINK_TEXTS = {"start", "here", "click here", "more", "read more", "go", "this", "hier", "ici"}
DEPLOYED = "https://meldpunt.example.be/"


def sitemap(site: Path) -> dict[str, dict[str, str]]:
    """Each <loc> of sitemap.xml with its alternates, hreflang -> href."""
    root = ET.parse(site / "sitemap.xml").getroot()  # noqa: S314 - our own build output
    return {
        url.findtext("s:loc", "", NAMESPACES): {
            str(link.get("hreflang")): str(link.get("href"))
            for link in url.findall("x:link", NAMESPACES)
        }
        for url in root.findall("s:url", NAMESPACES)
    }


def address(base: str, site: Path, stem: str, language: str) -> str:
    return base + page_path(site, stem, language).relative_to(site).as_posix().removesuffix(
        "index.html"
    )


def test_local_build_keeps_the_placeholder_address(site: Path) -> None:
    assert "MKDOCS_SITE_URL" not in os.environ
    assert urlsplit(PLACEHOLDER).hostname.endswith(".invalid")  # type: ignore[union-attr]
    assert all(loc.startswith(PLACEHOLDER) for loc in sitemap(site))


@pytest.fixture(scope="module")
def deployed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built as `make deploy` builds it, for a deployment at DEPLOYED."""
    target = tmp_path_factory.mktemp("deployed")
    os.environ["MKDOCS_SITE_URL"] = DEPLOYED
    try:
        result: subprocess.CompletedProcess[str] = mkdocs_build(ROOT / "mkdocs.yml", target)
    finally:
        del os.environ["MKDOCS_SITE_URL"]
    assert result.returncode == 0, result.stderr
    return target


def test_sitemap_gives_every_page_absolute_alternates_with_x_default(deployed_site: Path) -> None:
    entries = sitemap(deployed_site)
    for stem, language in ALL_PAGES:
        loc = address(DEPLOYED, deployed_site, stem, language)
        expected = {other: address(DEPLOYED, deployed_site, stem, other) for other in LANGUAGES}
        expected["x-default"] = address(DEPLOYED, deployed_site, stem, "nl")
        assert entries[loc] == expected, loc
    assert len(entries) == len(ALL_PAGES)


def test_canonical_links_use_the_deployed_address(deployed_site: Path) -> None:
    for stem, language in ALL_PAGES:
        page = parse_page(page_path(deployed_site, stem, language))
        [canonical] = page.find("link", rel="canonical")
        assert canonical.attrs["href"] == address(DEPLOYED, deployed_site, stem, language)


def test_robots_txt_allows_the_site_but_not_the_api_or_inbox(deployed_site: Path) -> None:
    lines = (deployed_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert lines[:4] == ["User-agent: *", "Allow: /", "Disallow: /api/", "Disallow: /inbox/"]
    assert f"Sitemap: {DEPLOYED}sitemap.xml" in lines


def test_deployment_address_comes_from_its_domain_or_its_cloudfront_address() -> None:
    config = Config(
        env="staging", region="eu-west-1", sender="a@b.be", recipients=(), alarm_emails=()
    )
    asked: list[tuple[str, str, str]] = []

    def cloudfront(stack: str, region: str, key: str) -> str | None:
        asked.append((stack, region, key))
        return "d111111abcdef8.cloudfront.net"

    assert site_url(Config(**{**config.__dict__, "domain": "meldpunt.be"}), cloudfront) == (
        "https://meldpunt.be/"
    )
    assert asked == []
    assert site_url(config, cloudfront) == "https://d111111abcdef8.cloudfront.net/"
    assert asked == [("ReportDesk-staging", "eu-west-1", "DistributionDomain")]
    assert site_url(config, lambda *_: None) is None


@pytest.mark.parametrize(("stem", "language"), ALL_PAGES)
def test_page_has_a_short_description_in_its_language(site: Path, stem: str, language: str) -> None:
    [meta] = parse_page(page_path(site, stem, language)).find("meta", name="description")
    description = meta.attrs["content"]
    assert 50 <= len(description) <= 160, description
    others = {
        other: parse_page(page_path(site, stem, other)).find("meta", name="description")[0]
        for other in LANGUAGES
        if other != language
    }
    assert all(description != o.attrs["content"] for o in others.values())


def test_descriptions_state_the_same_help_numbers_in_every_language(site: Path) -> None:
    numbers = set()
    for language in LANGUAGES:
        [meta] = parse_page(page_path(site, "urgent-help", language)).find(
            "meta", name="description"
        )
        numbers.add(
            tuple(
                n
                for n in ("112", "101", "1712", "102", "103", "116 000")
                if n in meta.attrs["content"]
            )
        )
    assert len(numbers) == 1


def test_not_found_page_has_a_description(site: Path) -> None:
    assert parse_page(site / "404.html").find("meta", name="description")


@pytest.mark.parametrize(("stem", "language"), ALL_PAGES)
def test_search_dialog_has_a_name_in_the_page_language(
    site: Path, stem: str, language: str
) -> None:
    page = parse_page(page_path(site, stem, language))
    [dialog] = page.find("div", role="dialog")
    assert dialog.attrs["aria-label"] == UI[language]["search_dialog"]


@pytest.mark.parametrize(("stem", "language"), ALL_PAGES)
def test_no_link_text_is_vague(site: Path, stem: str, language: str) -> None:
    text = page_path(site, stem, language).read_text(encoding="utf-8")
    # The nav's link to the home page was "Start" in Dutch.
    for vague in VAGUE_LINK_TEXTS:
        assert f">{vague}<" not in " ".join(text.lower().split()).replace("> ", ">").replace(
            " <", "<"
        )


@pytest.mark.parametrize(("stem", "language"), ALL_PAGES)
def test_help_bar_links_the_report_form_and_urgent_help_of_the_page_language(
    site: Path, stem: str, language: str
) -> None:
    path = page_path(site, stem, language)
    page = parse_page(path)
    here = "/" + path.relative_to(site).as_posix().removesuffix("index.html")
    bar = [
        e
        for e in page.elements
        if e.tag == "a" and "site-help-bar__link" in e.attrs.get("class", "")
    ]
    home = "/" + LANGUAGES_PREFIX[language]
    assert [posixpath.normpath(urljoin(here, e.attrs["href"])) + "/" for e in bar] == [
        home + "report/",
        home + "urgent-help/",
    ]
    current = [e.attrs.get("aria-current") for e in bar]
    assert current == [
        "page" if stem == "report" else None,
        "page" if stem == "urgent-help" else None,
    ]
