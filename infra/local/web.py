"""One origin like CloudFront: the built site's static files with the production security
headers, `/api/*` to the functions, `/_local/*` for developers."""

from __future__ import annotations

import gzip
import json
import logging
import mimetypes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from reportdesk.core import routes
from reportdesk.core.routes import API_PREFIX

from infra.local.events import (
    Handler,
    HttpResponse,
    LambdaContext,
    http_api_event,
    http_api_response,
    is_text,
)
from infra.local.outbox import outbox_page, sent_emails
from infra.local.schedules import OVERVIEW_PATH, REMINDERS_PATH, CaseJobs, moment_of

# HSTS would pin 127.0.0.1 to HTTPS in the developer's browser; everything else is as in production.
LOCAL_ONLY_DROPPED_HEADERS = frozenset({"strict-transport-security"})
EXTRA_CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".xml": "application/xml",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain",
    ".gz": "application/gzip",
}

# What CloudFront adds to every API request (reportdesk.runtime.origin).
ORIGIN_VERIFY_HEADER = "x-origin-verify"

log = logging.getLogger("local_server")


def host_allowed(host: str | None, port: int) -> bool:
    """Only `127.0.0.1:PORT` and `localhost:PORT`, the names the server prints and listens on."""
    return (host or "").strip().lower() in {f"127.0.0.1:{port}", f"localhost:{port}"}


class LocalHandler(BaseHTTPRequestHandler):
    """Static files from the site, `/api/*` to the intake function, `/_local/*` for developers."""

    server: LocalHttpServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.dispatch()

    def do_HEAD(self) -> None:
        self.dispatch()

    def do_POST(self) -> None:
        self.dispatch()

    def do_PUT(self) -> None:
        self.dispatch()

    def do_DELETE(self) -> None:
        self.dispatch()

    def do_PATCH(self) -> None:
        self.dispatch()

    def do_OPTIONS(self) -> None:
        self.dispatch()

    def dispatch(self) -> None:
        path = urlsplit(self.path).path
        if not host_allowed(self.headers.get("host"), self.server.server_address[1]):
            # A page on another name that resolves to 127.0.0.1 (DNS rebinding) must not reach
            # the outbox or the API: only the names this server is really called by are served.
            response = HttpResponse(421, [("content-type", "text/plain; charset=utf-8")], b"")
        elif path == API_PREFIX.rstrip("/") or path.startswith(API_PREFIX):
            response = self.call_api()
        elif path == "/_local/outbox.json" and self.command in ("GET", "HEAD"):
            response = HttpResponse(
                200,
                [("content-type", "application/json")],
                json.dumps(sent_emails(), ensure_ascii=False).encode(),
            )
        elif path == "/_local/outbox" and self.command in ("GET", "HEAD"):
            response = HttpResponse(
                200,
                [("content-type", "text/html; charset=utf-8")],
                outbox_page(sent_emails()).encode(),
            )
        elif path in (REMINDERS_PATH, OVERVIEW_PATH) and self.command == "POST":
            response = self.run_job(path)
        elif self.command in ("GET", "HEAD"):
            response = self.static_file(path)
        else:
            response = HttpResponse(405, [("allow", "GET, HEAD")], b"")
        self.send(response)

    def read_body(self) -> bytes:
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def run_job(self, path: str) -> HttpResponse:
        """Run the reminders (or the overview) at once, as if it were `?now=`: its e-mail, if
        any, lands in the outbox."""
        self.read_body()
        now = moment_of(urlsplit(self.path).query)
        if now is None:
            problem = {"error": "now must be an ISO 8601 time, like 2026-12-02T09:00+01:00"}
            return HttpResponse(
                400, [("content-type", "application/json")], json.dumps(problem).encode()
            )
        jobs = self.server.jobs
        result = jobs.reminders(now) if path == REMINDERS_PATH else jobs.overview(now)
        return HttpResponse(
            200, [("content-type", "application/json")], json.dumps(result).encode()
        )

    def call_api(self) -> HttpResponse:
        # As CloudFront: the origin-verify header is ours, whatever the browser sent.
        headers = [(k, v) for k, v in self.headers.items() if k.lower() != ORIGIN_VERIFY_HEADER]
        if self.server.origin_verify:
            headers.append((ORIGIN_VERIFY_HEADER, self.server.origin_verify))
        event = http_api_event(
            self.command, self.path, headers, self.read_body(), self.client_address[0]
        )
        # As the HTTP API's routes: the follow-up function answers these, the intake the rest.
        followup = urlsplit(self.path).path.startswith(routes.FOLLOWUP_PREFIX)
        name, function = (
            ("followup", self.server.followup) if followup else ("intake", self.server.intake)
        )
        try:
            result = function(event, LambdaContext(name))
        except Exception:
            # What API Gateway answers when the function fails.
            log.exception("%s function failed", name)
            return HttpResponse(
                500, [("content-type", "application/json")], b'{"message":"Internal Server Error"}'
            )
        return http_api_response(result)

    def static_file(self, path: str) -> HttpResponse:
        site = self.server.site_dir
        file = (site / unquote(path).lstrip("/")).resolve()
        if not file.is_relative_to(site):
            return self.not_found()
        if file.is_dir():
            if not path.endswith("/"):
                return HttpResponse(301, [("location", path + "/")], b"")
            file = file / "index.html"
        if not file.is_file():
            return self.not_found()
        return self.compressed(
            HttpResponse(200, [("content-type", content_type(file))], file.read_bytes())
        )

    def not_found(self) -> HttpResponse:
        page = self.server.site_dir / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not found"
        return self.compressed(
            HttpResponse(404, [("content-type", "text/html; charset=utf-8")], body)
        )

    def compressed(self, response: HttpResponse) -> HttpResponse:
        """The site's files gzipped for a browser that accepts it, as CloudFront does (its
        behaviours compress text of 1,000 bytes and more): Lighthouse then measures the bytes a
        child's phone really gets."""
        accepted = (self.headers.get("accept-encoding") or "").lower()
        kind = dict(response.headers).get("content-type", "")
        if "gzip" not in accepted or not is_text(kind) or len(response.body) < 1000:
            return response
        headers = [*response.headers, ("content-encoding", "gzip"), ("vary", "accept-encoding")]
        return HttpResponse(response.status, headers, gzip.compress(response.body, mtime=0))

    def send(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        names = {name.lower() for name, _ in response.headers}
        for name, value in response.headers:
            self.send_header(name, value)
        # The production headers policy applies to every response, the API's included.
        for name, value in self.server.security_headers.items():
            if name.lower() not in names:
                self.send_header(name, value)
        if "cache-control" not in names:
            self.send_header("cache-control", "no-cache")
        self.send_header("content-length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Method, path and status only: never the query string, headers or body.
        log.info("%s %s %s", self.command, urlsplit(self.path).path, code)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)


def not_loaded(event: dict[str, Any], context: Any) -> Any:
    raise RuntimeError("the function is not loaded yet")


def content_type(file: Path) -> str:
    guessed = EXTRA_CONTENT_TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0]
    guessed = guessed or "application/octet-stream"
    if guessed.startswith("text/") or guessed in ("application/json", "application/xml"):
        return f"{guessed}; charset=utf-8"
    return guessed


class LocalHttpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        site_dir: Path,
        security_headers: dict[str, str],
    ) -> None:
        super().__init__(address, LocalHandler)
        self.site_dir = site_dir.resolve()
        self.security_headers = security_headers
        self.intake: Handler = not_loaded
        self.followup: Handler = not_loaded
        # The value CloudFront would add to every API request; None: the functions do not check.
        self.origin_verify: str | None = None
        self.jobs = CaseJobs()


def load_security_headers(path: Path) -> dict[str, str]:
    """The production headers computed by `make build`, minus those that need HTTPS."""
    from infra.security_headers import load_headers

    return {
        name: value
        for name, value in load_headers(path).items()
        if name.lower() not in LOCAL_ONLY_DROPPED_HEADERS
    }
