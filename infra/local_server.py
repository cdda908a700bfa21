"""The whole system on one machine: the built site, the report API and the mailer, AWS in moto.

`make serve` runs `python -m infra.local_server --port 8000`; the browser tests start it too.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import shlex
import signal
import sys
import threading
import warnings
from pathlib import Path
from types import FrameType

import boto3
from moto.server import ThreadedMotoServer

from infra.local.events import (
    DIGEST_HANDLER,
    FOLLOWUP_HANDLER,
    HOST,
    INTAKE_HANDLER,
    load_handler,
)
from infra.local.pollers import HourlyDigest, QueueConsumer
from infra.local.schedules import start_schedules
from infra.local.web import LocalHttpServer, load_security_headers
from infra.local_aws import REGION, Resources, create_resources, make_conditional_writes_atomic

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
# The setting that turns the functions' origin-verify check on (reportdesk.runtime.origin).
ORIGIN_VERIFY_SETTING = "ORIGIN_VERIFY_SECRET_ID"
INBOX_ENV_NAMES = (
    "AWS_ENDPOINT_URL",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "REPORTS_BUCKET",
    "KMS_KEY_ARN",
)
log = logging.getLogger("local_server")


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


def create_origin_secret() -> str:
    """The origin-verify secret, named in the functions' environment as in the deployed stack, so
    the local API runs the same check; returns the value the server adds to API requests."""
    value = secrets.token_urlsafe(32)
    created = boto3.client("secretsmanager", region_name=REGION).create_secret(
        Name="local/origin-verify", SecretString=value
    )
    os.environ[ORIGIN_VERIFY_SETTING] = created["ARN"]
    return value


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
        httpd.origin_verify = create_origin_secret()
        # Imported only now, like Lambda: the functions read their environment at import time.
        httpd.intake = load_handler(INTAKE_HANDLER)
        httpd.followup = load_handler(FOLLOWUP_HANDLER)
        inbox_env = write_inbox_env(args.state_dir)
        consumer = QueueConsumer(resources, stop)
        consumer.start()
        HourlyDigest(load_handler(DIGEST_HANDLER), stop).start()
        start_schedules(httpd.jobs, stop)
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
