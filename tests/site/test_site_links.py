"""Every internal link and asset reference of the built site leads to a file and anchor."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from site_pages import Page, parse_page

# Attributes that point at another document or asset.
LINK_ATTRIBUTES = ("href", "src", "action")
# Served by the report API behind the same origin, not by the static site.
API_PREFIX = "/api/"


@cache
def parsed(path: Path) -> Page:
    return parse_page(path)


def target_file(site: Path, url_path: str) -> Path:
    target = site / unquote(url_path).lstrip("/")
    return target / "index.html" if url_path.endswith("/") or target.is_dir() else target


def broken_links(site: Path, path: Path) -> list[str]:
    base = "/" + path.relative_to(site).as_posix()
    broken: list[str] = []
    for element in parsed(path).elements:
        for attribute in LINK_ATTRIBUTES:
            href = element.attrs.get(attribute)
            if not href or urlsplit(href).scheme or href.startswith("//"):
                continue  # external or tel: links are checked by the privacy tests
            url = urlsplit(urljoin(base, href))
            if url.path.startswith(API_PREFIX):
                continue
            target = target_file(site, url.path)
            if not target.is_file():
                broken.append(f"{href} -> {url.path}")
            elif (
                url.fragment
                and target.suffix == ".html"
                and unquote(url.fragment) not in parsed(target).ids
            ):
                broken.append(f"{href} -> #{url.fragment} missing")
    return broken


def test_every_internal_link_resolves(site: Path) -> None:
    broken = {
        str(path.relative_to(site)): problems
        for path in sorted(site.rglob("*.html"))
        if (problems := broken_links(site, path))
    }
    assert not broken
