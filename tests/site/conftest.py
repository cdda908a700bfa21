"""Site fixtures: one strict build per session, and that build served with its security headers."""

from __future__ import annotations

import functools
import subprocess
import threading
from collections.abc import Iterator
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from site_pages import ROOT, mkdocs_build

from infra.security_headers import security_headers


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    """The strict build of the real mkdocs.yml, once per session."""
    return mkdocs_build(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def site(build: subprocess.CompletedProcess[str]) -> Path:
    """The built site's directory (the session fails early if the build failed)."""
    assert build.returncode == 0, build.stderr
    return Path(build.args[-1])


@pytest.fixture(scope="session")
def headers(site: Path) -> dict[str, str]:
    return security_headers(site)


@pytest.fixture(scope="session")
def served_site(site: Path, headers: dict[str, str]) -> Iterator[str]:
    """The built site on a local port, with the production headers (HSTS left out on http)."""
    sent = {k: v for k, v in headers.items() if k != "Strict-Transport-Security"}

    class Handler(SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            for name, value in sent.items():
                self.send_header(name, value)
            super().end_headers()

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            # Like CloudFront: a missing page gets the site's own 404 page.
            if code != HTTPStatus.NOT_FOUND:
                super().send_error(code, message, explain)
                return
            body = (site / "404.html").read_bytes()
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests report what matters."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
