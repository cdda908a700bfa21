"""Compute the site's security headers from the built site: the CSP hashes every inline script.

Usage: python -m infra.security_headers SITE_DIR OUTPUT_JSON. CloudFront and the local server
both load OUTPUT_JSON with `load_headers`, so there is one policy. Fails on any inline code the
policy would block (event handler attributes, style attributes or elements, javascript: URLs).
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

# Script types the browser runs; anything else (application/json config) is data, not code.
_EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction"}

# Browser features the site never uses: switched off for every page.
_PERMISSIONS_OFF = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "interest-cohort",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "sync-xhr",
    "usb",
    "xr-spatial-tracking",
)


class InlineCodeError(Exception):
    """The built site contains inline code that the Content-Security-Policy would block."""


@dataclass
class PageScan:
    """What one HTML file contains that matters to the Content-Security-Policy."""

    inline_scripts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = PageScan()
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if name.startswith("on"):
                self.scan.problems.append(f"line {line}: <{tag} {name}=...> (event handler)")
            elif name == "style":
                self.scan.problems.append(f"line {line}: <{tag} style=...> (inline style)")
            elif name in _URL_ATTRIBUTES and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.scan.problems.append(f"line {line}: <{tag} {name}=javascript:...>")
        if tag == "style":
            self.scan.problems.append(f"line {line}: <style> element (inline style)")
        if tag == "script":
            values = dict(attrs)
            kind = (values.get("type") or "").strip().lower()
            if "src" not in values and kind in _EXECUTABLE_TYPES:
                self._script = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scan.inline_scripts.append("".join(self._script))
            self._script = None


def scan_html(text: str) -> PageScan:
    """Inline scripts (their exact text) and CSP-blocked inline code in one HTML document."""
    scanner = _Scanner()
    scanner.feed(text)
    scanner.close()
    return scanner.scan


def script_hash(script: str) -> str:
    """The CSP source expression for one inline script: 'sha256-<base64 digest>'."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_script_hashes(site: Path) -> list[str]:
    """Sorted CSP hashes of every inline script in the built site; raises on blocked inline code."""
    hashes: set[str] = set()
    problems: list[str] = []
    for page in sorted(site.rglob("*.html")):
        scan = scan_html(page.read_text(encoding="utf-8"))
        hashes.update(script_hash(script) for script in scan.inline_scripts)
        problems.extend(f"{page.relative_to(site)} {problem}" for problem in scan.problems)
    if problems:
        raise InlineCodeError(
            "inline code the Content-Security-Policy would block; move it to a file under "
            "site_overrides/assets:\n  " + "\n  ".join(problems)
        )
    return sorted(hashes)


def content_security_policy(hashes: list[str]) -> str:
    """The policy: only this origin, inline scripts only by hash, no inline styles."""
    directives = {
        "default-src": "'none'",
        "script-src": " ".join(["'self'", *hashes]),
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        # Material's search runs in a worker loaded from this origin (no blob: needed).
        "worker-src": "'self'",
        "manifest-src": "'self'",
        "form-action": "'self'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        "upgrade-insecure-requests": "",
    }
    return "; ".join(f"{name} {value}".strip() for name, value in directives.items())


def security_headers(site: Path) -> dict[str, str]:
    """Every security header of the site, computed from the built site."""
    return {
        "Content-Security-Policy": content_security_policy(inline_script_hashes(site)),
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": ", ".join(f"{feature}=()" for feature in _PERMISSIONS_OFF),
        "Cross-Origin-Opener-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }


def write_headers(site: Path, output: Path) -> dict[str, str]:
    """Compute the headers from `site` and write them as a JSON object to `output`."""
    headers = security_headers(site)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(headers, indent=2) + "\n", encoding="utf-8")
    return headers


def load_headers(path: Path | str) -> dict[str, str]:
    """The headers written by `write_headers`, for CloudFront and the local server."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in data.items()
    ):
        raise ValueError(f"{path}: expected a JSON object of header name to header value")
    return {str(key): str(value) for key, value in data.items()}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m infra.security_headers SITE_DIR OUTPUT_JSON", file=sys.stderr)
        return 2
    site, output = Path(argv[0]), Path(argv[1])
    if not site.is_dir():
        print(f"error: {site} is not a built site; run `mkdocs build` first", file=sys.stderr)
        return 1
    try:
        write_headers(site, output)
    except InlineCodeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
