"""Privacy by construction: one origin only, inline scripts only by CSP hash, nothing stored."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from site_pages import CONFIG, ROOT, parse_page

from infra.security_headers import scan_html, script_hash

# Attributes through which a page loads something (not plain links the child may follow).
ASSET_ATTRIBUTES = ("src", "srcset", "poster", "data", "action", "formaction")
# <link rel=...> values that make the browser fetch the href.
FETCHING_RELS = {
    "stylesheet",
    "icon",
    "preload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "modulepreload",
    "manifest",
    "apple-touch-icon",
    "mask-icon",
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")
# Browser storage and cookie APIs our own scripts must never touch.
STORAGE_APIS = re.compile(r"localStorage|sessionStorage|indexedDB|document\.cookie|caches\.")


def is_external(reference: str) -> bool:
    parts = urlsplit(reference.strip())
    return bool(parts.netloc) or parts.scheme not in {"", "data"}


def test_html_loads_nothing_from_another_origin(site: Path) -> None:
    external: list[str] = []
    for path in site.rglob("*.html"):
        for element in parse_page(path).elements:
            references = [element.attrs.get(a, "") for a in ASSET_ATTRIBUTES]
            if element.tag == "link" and set(element.attrs.get("rel", "").split()) & FETCHING_RELS:
                references.append(element.attrs.get("href", ""))
            for reference in filter(None, references):
                candidates = (
                    [c.split()[0] for c in reference.split(",")]
                    if "," in reference
                    else [reference]
                )
                external += [f"{path.relative_to(site)}: {c}" for c in candidates if is_external(c)]
    assert not external


def test_css_loads_nothing_from_another_origin(site: Path) -> None:
    external = [
        f"{path.relative_to(site)}: {reference}"
        for path in site.rglob("*.css")
        for match in CSS_URL.finditer(path.read_text(encoding="utf-8"))
        for reference in filter(None, match.groups())
        if is_external(reference)
    ]
    assert not external


def test_only_links_to_another_site_are_the_quick_exit_and_phone_numbers(site: Path) -> None:
    allowed = {CONFIG["extra"]["quick_exit_url"]}
    outside = {
        href
        for path in site.rglob("*.html")
        for href in parse_page(path).links()
        if is_external(href) and not href.startswith("tel:") and href not in allowed
    }
    assert not outside


def test_every_inline_script_is_allowed_by_the_csp_hashes(
    site: Path, headers: dict[str, str]
) -> None:
    policy = headers["Content-Security-Policy"]
    for path in site.rglob("*.html"):
        for script in scan_html(path.read_text(encoding="utf-8")).inline_scripts:
            assert script_hash(script) in policy, path


def test_csp_never_allows_inline_code_wholesale(headers: dict[str, str]) -> None:
    policy = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "default-src 'none'" in policy


def test_only_materials_two_inline_scripts_exist(headers: dict[str, str]) -> None:
    # Material's scope script and its tab-anchor script; anything more belongs in a file.
    assert headers["Content-Security-Policy"].count("'sha256-") == 2


def test_our_scripts_use_no_browser_storage_or_cookies() -> None:
    for script in (ROOT / "site_overrides" / "assets").rglob("*.js"):
        assert not STORAGE_APIS.search(script.read_text(encoding="utf-8")), script.name


def test_material_features_that_write_browser_storage_are_off() -> None:
    # Material stores state for the palette toggle (a list of palettes), linked content tabs,
    # dismissible announcements, version warnings, cookie consent and repository facts.
    theme = CONFIG["theme"]
    assert isinstance(theme["palette"], dict)
    assert not {"content.tabs.link", "announce.dismiss"} & set(theme.get("features", []))
    assert not {"version", "consent"} & set(CONFIG["extra"])
    assert "repo_url" not in CONFIG


def test_search_terms_never_go_into_the_url() -> None:
    # search.highlight and search.share put the query into the address (?h=, ?q=).
    assert not {"search.highlight", "search.share"} & set(CONFIG["theme"].get("features", []))


def test_no_google_fonts_and_no_plugins_that_call_other_sites() -> None:
    assert CONFIG["theme"]["font"] is False
    names = {next(iter(p)) if isinstance(p, dict) else p for p in CONFIG["plugins"]}
    assert names == {"search", "i18n"}
