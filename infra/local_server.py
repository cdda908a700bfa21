"""The whole system on one machine: the built site, the report API and the mailer, AWS in moto.

`make serve` runs `python -m infra.local_server --port 8000`; the browser tests start it too.
"""

from __future__ import annotations

import argparse
import base64
import email
import email.policy
import html
import importlib
import json
import logging
import mimetypes
import os
import shlex
import signal
import sys
import threading
import uuid
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.server import ThreadedMotoServer
from moto.ses.models import Message, RawMessage, ses_backends

from infra.local_aws import REGION, Resources, create_resources, make_conditional_writes_atomic

HOST = "127.0.0.1"
# HSTS would pin 127.0.0.1 to HTTPS in the developer's browser; everything else is as in production.
LOCAL_ONLY_DROPPED_HEADERS = frozenset({"strict-transport-security"})
# Content types API Gateway HTTP APIs pass as text; every other body arrives base64-encoded.
TEXT_CONTENT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")
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
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
INBOX_ENV_NAMES = (
    "AWS_ENDPOINT_URL",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "REPORTS_BUCKET",
    "KMS_KEY_ARN",
)
MAILER_HANDLER = "reportdesk.mailer.handler:handler"
DIGEST_HANDLER = "reportdesk.mailer.handler:digest_handler"
INTAKE_HANDLER = "reportdesk.intake.handler:handler"
FOLLOWUP_HANDLER = "reportdesk.followup.handler:handler"
REMINDERS_PATH = "/_local/reminders"
OVERVIEW_PATH = "/_local/overview"
# As the HTTP API's routes: the follow-up function answers these, the intake function the rest.
FOLLOWUP_PATH_PREFIX = "/api/followup/"

log = logging.getLogger("local_server")

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object that the functions and Powertools read."""

    function_name: str
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 256
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT_ID}:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def load_handler(spec: str) -> Handler:
    """Import `module:function` (after the environment is set, as Lambda does).

    A Lambda instance serves one request at a time, and Powertools keeps the current request in
    module state: the returned handler runs one call at a time too.
    """
    module_name, _, attribute = spec.partition(":")
    handler: Handler = getattr(importlib.import_module(module_name), attribute)
    lock = threading.Lock()

    def one_at_a_time(event: dict[str, Any], context: Any) -> Any:
        with lock:
            return handler(event, context)

    return one_at_a_time


# --- API Gateway --------------------------------------------------------------------------------


def is_text(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith(TEXT_CONTENT_TYPES) or media_type.endswith("+json")


def http_api_event(
    method: str, target: str, headers: Iterable[tuple[str, str]], body: bytes, source_ip: str
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload format 2.0) event for one request."""
    parts = urlsplit(target)
    lowered: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        lowered[key] = f"{lowered[key]},{value}" if key in lowered else value
    cookies = [c.strip() for c in lowered.pop("cookie", "").split(";") if c.strip()]
    now = datetime.now(UTC)
    text_body = is_text(lowered.get("content-type", ""))
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": unquote(parts.path),
        "rawQueryString": parts.query,
        "headers": lowered,
        "requestContext": {
            "accountId": DEFAULT_ACCOUNT_ID,
            "apiId": "local",
            "domainName": lowered.get("host", HOST),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": unquote(parts.path),
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "isBase64Encoded": bool(body) and not text_body,
    }
    if cookies:
        event["cookies"] = cookies
    if parts.query:
        event["queryStringParameters"] = {
            name: ",".join(values)
            for name, values in parse_qs(parts.query, keep_blank_values=True).items()
        }
    if body:
        event["body"] = (
            body.decode("utf-8", "replace") if text_body else base64.b64encode(body).decode()
        )
    return event


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def http_api_response(result: Any) -> HttpResponse:
    """Turn a payload 2.0 handler result into an HTTP response, as API Gateway does."""
    if not isinstance(result, dict) or "statusCode" not in result:
        # API Gateway's rule for a bare result: 200 with the result as JSON.
        return HttpResponse(
            200, [("content-type", "application/json")], json.dumps(result).encode()
        )
    headers = [(str(k), str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((str(name), str(v)) for v in values)
    headers.extend(("set-cookie", str(c)) for c in result.get("cookies") or [])
    raw = result.get("body") or ""
    body = base64.b64decode(raw) if result.get("isBase64Encoded") else str(raw).encode()
    return HttpResponse(int(result["statusCode"]), headers, body)


# --- the outbox ---------------------------------------------------------------------------------


def sent_emails() -> list[dict[str, Any]]:
    """The e-mails SES accepted, read from moto's backend (the moto server runs in this process)."""
    backend = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
    emails: list[dict[str, Any]] = []
    for message in list(backend.sent_messages):
        if isinstance(message, Message):
            to = [
                addr
                for kind in ("ToAddresses", "CcAddresses", "BccAddresses")
                for addr in message.destinations.get(kind, [])
            ]
            emails.append({"to": to, "subject": message.subject, "text": message.body})
        elif isinstance(message, RawMessage):
            parsed = email.message_from_string(message.raw_data, policy=email.policy.default)
            part = parsed.get_body(preferencelist=("plain", "html"))
            text = part.get_content() if part is not None else ""
            emails.append(
                {"to": list(message.destinations), "subject": str(parsed["subject"]), "text": text}
            )
    return emails


def outbox_page(emails: list[dict[str, Any]]) -> str:
    items = "".join(
        "<article><h2>{subject}</h2><p>To: {to}</p><pre>{text}</pre></article>".format(
            subject=html.escape(str(mail["subject"])),
            to=html.escape(", ".join(mail["to"])),
            text=html.escape(str(mail["text"])),
        )
        for mail in reversed(emails)
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Local outbox</title></head><body><main><h1>Local outbox</h1>"
        f"<p>{len(emails)} e-mail(s) sent through the emulated SES, newest first.</p>"
        f"{items}</main></body></html>"
    )


# --- the queue consumer and the schedule --------------------------------------------------------


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """An SQS event source mapping batch, as Lambda delivers it."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


def scheduled_event() -> dict[str, Any]:
    """An EventBridge scheduled event, as the hourly rule delivers it."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": DEFAULT_ACCOUNT_ID,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{DEFAULT_ACCOUNT_ID}:rule/local-digest"],
        "detail": {},
    }


class QueueConsumer(threading.Thread):
    """Polls the notification queue and hands batches to the mailer, like Lambda's SQS poller."""

    def __init__(self, resources: Resources, stop: threading.Event) -> None:
        super().__init__(name="mailer", daemon=True)
        self._resources = resources
        self._stopping = stop
        self._sqs = boto3.client("sqs", region_name=REGION)
        self._queue_arn = self._sqs.get_queue_attributes(
            QueueUrl=resources.queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]

    def run(self) -> None:
        handler = load_handler(MAILER_HANDLER)
        while not self._stopping.is_set():
            try:
                self.poll_once(handler)
            except Exception:
                if self._stopping.is_set():
                    return
                # The consumer must outlive one failed batch, as Lambda's poller does.
                log.exception("mailer batch failed; the messages will be delivered again")
                self._stopping.wait(1)

    def poll_once(self, handler: Handler) -> None:
        messages = self._sqs.receive_message(
            QueueUrl=self._resources.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            self._stopping.wait(0.2)
            return
        result = handler(sqs_event(messages, self._queue_arn), LambdaContext("mailer"))
        failed = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        for message in done:
            self._sqs.delete_message(
                QueueUrl=self._resources.queue_url, ReceiptHandle=message["ReceiptHandle"]
            )
        log.info("mailer: %d message(s) done, %d left for redelivery", len(done), len(failed))


class HourlyDigest(threading.Thread):
    """Runs the digest function at the start of every hour, like the hourly EventBridge rule."""

    def __init__(self, handler: Handler, stop: threading.Event) -> None:
        super().__init__(name="digest", daemon=True)
        self._handler = handler
        self._stopping = stop

    def run(self) -> None:
        while True:
            now = datetime.now(UTC)
            next_hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            if self._stopping.wait((next_hour - now).total_seconds()):
                return
            try:
                self._handler(scheduled_event(), LambdaContext("digest"))
                log.info("digest: ran")
            except Exception:
                log.exception("digest failed")


class Scheduled(threading.Thread):
    """Runs `job` at the times `next_run` gives, like an EventBridge Scheduler schedule."""

    def __init__(
        self,
        name: str,
        next_run: Callable[[datetime], datetime],
        job: Callable[[datetime], Any],
        stop: threading.Event,
    ) -> None:
        super().__init__(name=name, daemon=True)
        self._next_run = next_run
        self._job = job
        self._stopping = stop

    def run(self) -> None:
        while True:
            now = datetime.now(UTC)
            if self._stopping.wait((self._next_run(now) - now).total_seconds()):
                return
            try:
                log.info("%s: %s", self.name, self._job(datetime.now(UTC)))
            except Exception:
                log.exception("%s failed", self.name)


def next_brussels_time(now: datetime, hour: int, weekdays: Iterable[int]) -> datetime:
    """The next `hour`:00 in Brussels on one of `weekdays` (0 = Monday), after `now`."""
    from zoneinfo import ZoneInfo

    brussels = ZoneInfo("Europe/Brussels")
    days = set(weekdays)
    local = now.astimezone(brussels)
    for ahead in range(8):
        day = (local + timedelta(days=ahead)).date()
        candidate = datetime(day.year, day.month, day.day, hour, tzinfo=brussels)
        if day.weekday() in days and candidate > local:
            return candidate.astimezone(UTC)
    raise AssertionError("a weekday comes within eight days")


class CaseJobs:
    """The scheduled reminder and overview runs, also on demand at a chosen time (local only)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def reminders(self, now: datetime) -> dict[str, Any]:
        from reportdesk.reminders.config import Settings, aws_clients
        from reportdesk.reminders.handler import run_reminders

        with self._lock:
            run = run_reminders(aws_clients(), Settings.from_environment(os.environ), now)
        return {"outcome": run.outcome, "deleted": len(run.deleted), "named": run.named}

    def overview(self, now: datetime) -> dict[str, Any]:
        from reportdesk.reminders.config import Settings, aws_clients
        from reportdesk.reminders.overview import run_overview

        with self._lock:
            outcome = run_overview(aws_clients(), Settings.from_environment(os.environ), now)
        return {"outcome": outcome}


def moment_of(query: str) -> datetime | None:
    """`now=<ISO 8601>` of a query string (no zone: Brussels time); absent: the clock."""
    from zoneinfo import ZoneInfo

    values = parse_qs(query).get("now")
    if not values:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(values[0])
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Europe/Brussels"))


# --- the HTTP server ----------------------------------------------------------------------------


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
        if path == "/api" or path.startswith("/api/"):
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

    def call_api(self) -> HttpResponse:
        event = http_api_event(
            self.command,
            self.path,
            self.headers.items(),
            self.read_body(),
            self.client_address[0],
        )
        followup = urlsplit(self.path).path.startswith(FOLLOWUP_PATH_PREFIX)
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

    def run_job(self, path: str) -> HttpResponse:
        """Run the reminders (or the overview) at once, as if it were `?now=`: its e-mail, if
        any, lands in the outbox."""
        self.read_body()
        now = moment_of(urlsplit(self.path).query)
        if now is None:
            body = {"error": "now must be an ISO 8601 time, like 2026-12-02T09:00+01:00"}
            return HttpResponse(
                400, [("content-type", "application/json")], json.dumps(body).encode()
            )
        jobs = self.server.jobs
        result = jobs.reminders(now) if path == REMINDERS_PATH else jobs.overview(now)
        return HttpResponse(
            200, [("content-type", "application/json")], json.dumps(result).encode()
        )

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
        return HttpResponse(200, [("content-type", content_type(file))], file.read_bytes())

    def not_found(self) -> HttpResponse:
        page = self.server.site_dir / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not found"
        return HttpResponse(404, [("content-type", "text/html; charset=utf-8")], body)

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
        self.jobs = CaseJobs()


# --- putting it together ------------------------------------------------------------------------


def load_security_headers(path: Path) -> dict[str, str]:
    """The production headers computed by `make build`, minus those that need HTTPS."""
    from infra.security_headers import load_headers

    return {
        name: value
        for name, value in load_headers(path).items()
        if name.lower() not in LOCAL_ONLY_DROPPED_HEADERS
    }


def start_aws() -> tuple[ThreadedMotoServer, Resources]:
    """Start moto on a free loopback port and create the environment's resources in it."""
    make_conditional_writes_atomic()
    moto = ThreadedMotoServer(ip_address=HOST, port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    os.environ.pop("AWS_PROFILE", None)
    os.environ.update(FAKE_CREDENTIALS)
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
    os.environ["AWS_DEFAULT_REGION"] = REGION
    resources = create_resources(boto3.Session())
    os.environ.update(resources.environment())
    return moto, resources


def write_inbox_env(state_dir: Path) -> Path:
    """The settings `api-inbox --local` reads to talk to this server's emulated AWS."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / "inbox.env"
    path.write_text(
        "# Written by `make serve`: the emulated AWS of the running local server.\n"
        + "".join(f"export {name}={shlex.quote(os.environ[name])}\n" for name in INBOX_ENV_NAMES)
    )
    return path


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site")
    parser.add_argument(
        "--headers", type=Path, default=Path("build/security-headers.json"), help="from make build"
    )
    parser.add_argument(
        "--state-dir", type=Path, default=Path(".local"), help="where inbox.env is written"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Libraries log at WARNING only (botocore must never log bodies, werkzeug inside moto would log
    # every AWS call); the functions' own JSON logs go through Powertools as in Lambda.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    log.setLevel(logging.INFO)
    # Powertools warns on every answer without a business metric (the challenge): noise here.
    warnings.filterwarnings("ignore", "No application metrics to publish", UserWarning)
    if not (args.site / "index.html").is_file() or not args.headers.is_file():
        print(
            f"{args.site}/ or {args.headers} is missing: run `make build` first.", file=sys.stderr
        )
        return 2

    # SIGTERM ends the server like Ctrl-C does, also while it is still starting; SIGINT is set
    # explicitly because a shell starts background jobs with it ignored.
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    try:
        httpd = LocalHttpServer((HOST, args.port), args.site, load_security_headers(args.headers))
    except OSError as error:
        print(f"Cannot listen on {HOST}:{args.port} ({error.strerror}): try PORT=<another>.")
        return 2
    stop = threading.Event()
    moto: ThreadedMotoServer | None = None
    consumer: QueueConsumer | None = None
    try:
        moto, resources = start_aws()
        # Imported only now, like Lambda: the functions read their environment at import time.
        httpd.intake = load_handler(INTAKE_HANDLER)
        httpd.followup = load_handler(FOLLOWUP_HANDLER)
        inbox_env = write_inbox_env(args.state_dir)
        consumer = QueueConsumer(resources, stop)
        consumer.start()
        HourlyDigest(load_handler(DIGEST_HANDLER), stop).start()
        # As the deployed schedules: working days 09:00 and Mondays 08:00, Brussels time.
        Scheduled(
            "reminders",
            lambda now: next_brussels_time(now, 9, range(5)),
            httpd.jobs.reminders,
            stop,
        ).start()
        Scheduled(
            "overview", lambda now: next_brussels_time(now, 8, [0]), httpd.jobs.overview, stop
        ).start()
        url = f"http://{HOST}:{httpd.server_address[1]}/"
        print(
            f"\nThe site and the report API: {url}\n"
            f"E-mails sent by the mailer:  {url}_local/outbox\n"
            "Run the reminders now, as if at a time:\n"
            f"    curl -X POST '{url}_local/reminders?now=2026-12-02T09:00'\n"
            f"Read the reports with the emulated AWS ({inbox_env}):\n"
            "    .venv/bin/api-inbox --local list\n"
            "    .venv/bin/api-inbox --local show <reference>\n"
            "Stop with Ctrl-C.\n",
            flush=True,
        )
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        httpd.server_close()
        if consumer is not None:
            # It may be inside a long poll: let it finish before its endpoint goes away.
            consumer.join(timeout=5)
        if moto is not None:
            moto.stop()
        print("Stopped.", flush=True)
    return 0


def interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
