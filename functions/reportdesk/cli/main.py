"""api-inbox: the API persons' command to list, read, reply to, mark, export and delete reports.

It uses the reader's own AWS identity. The work is in `reportdesk.cases`; this package only reads
the command line and the settings, and prints.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ProfileNotFound,
    SSOError,
    TokenRetrievalError,
)

from reportdesk.cases import audit
from reportdesk.cases.reports import CaseError
from reportdesk.cases.state import STATUSES
from reportdesk.cases.store import MARKABLE, OPEN, Cases
from reportdesk.cli import commands
from reportdesk.cli.commands import (
    Context,
    cmd_audit,
    cmd_delete,
    cmd_export,
    cmd_list,
    cmd_mark,
    cmd_purge,
    cmd_reply,
    cmd_show,
)
from reportdesk.cli.settings import (
    LOCAL_ENV_FILE,
    apply_local,
    default_config_path,
    load_settings,
    read_config,
)
from reportdesk.core.s3 import StorageUnavailable, error_code

PROG = "api-inbox"


def _since(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("use a date like 2026-01-31") from None


def _days(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError("use a whole number of days, like 365")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Read and handle the reports sent through the website."
    )
    parser.add_argument(
        "--profile", help="AWS profile to use (the one that takes on the readers role)"
    )
    parser.add_argument(
        "--config", type=Path, help=f"config file (default {default_config_path()})"
    )
    parser.add_argument(
        "--local", action="store_true", help=f"use the local test stack ({LOCAL_ENV_FILE})"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser("list", help="list reports, newest first")
    listing.add_argument(
        "--status",
        choices=(*STATUSES, OPEN),
        help=f"only reports with this status; {OPEN}: every report not handled yet",
    )
    listing.add_argument("--since", type=_since, metavar="YYYY-MM-DD", help="received on or after")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.set_defaults(run=cmd_list)

    show = commands.add_parser("show", help="read one report")
    show.add_argument("reference")
    show.add_argument(
        "--json",
        action="store_true",
        help="print the decrypted document as JSON, with its thread (replies and messages)",
    )
    show.set_defaults(run=cmd_show)

    reply = commands.add_parser(
        "reply", help="answer a reporter (they read it with their follow-up code)"
    )
    reply.add_argument("reference")
    given = reply.add_mutually_exclusive_group()
    given.add_argument("--message", help="the reply text")
    given.add_argument("--file", type=Path, metavar="FILE", help="read the reply from a file")
    reply.set_defaults(run=cmd_reply)

    mark = commands.add_parser(
        "mark", help="change a report's status, as in the web inbox (the child sees it)"
    )
    mark.add_argument("reference")
    # Checked by the command, so that an older word gets a sentence saying what to type now.
    mark.add_argument("status", metavar="{" + ",".join(MARKABLE) + "}")
    mark.set_defaults(run=cmd_mark)

    export = commands.add_parser("export", help="save a report as a text file for the case folder")
    export.add_argument("reference")
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    export.add_argument("--force", action="store_true", help="write over an existing file")
    export.set_defaults(run=cmd_export)

    delete = commands.add_parser("delete", help="delete a report for good")
    delete.add_argument("reference")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(run=cmd_delete)

    purge = commands.add_parser("purge", help="delete handled reports older than some days")
    purge.add_argument("--handled-older-than", type=_days, required=True, metavar="DAYS")
    purge.add_argument("--dry-run", action="store_true", help="only show what would be deleted")
    purge.set_defaults(run=cmd_purge)

    record = commands.add_parser(
        "audit", help="who opened or changed a report, and when (the access record)"
    )
    record.add_argument("reference", nargs="?", help="one report (default: every report)")
    record.add_argument("--json", action="store_true", help="print a JSON array")
    record.set_defaults(run=cmd_audit)
    return parser


def _context(args: argparse.Namespace) -> Context:
    if args.local:
        apply_local(os.environ)  # type: ignore[arg-type]
    config_path = args.config or default_config_path()
    config = {} if args.local else read_config(config_path, explicit=args.config is not None)
    settings = load_settings(os.environ, config, None if args.local else args.profile)
    session = boto3.Session(profile_name=settings.profile, region_name=settings.region)
    s3 = session.client("s3", config=Config(retries={"mode": "standard"}))
    cases = Cases(s3, settings.bucket, settings.kms_key_arn, session._session)

    def actor() -> audit.Actor:
        arn = str(session.client("sts").get_caller_identity()["Arn"])
        return audit.Actor(id=arn, email="", via="api-inbox")

    return Context(settings, cases, commands.console(), actor)


def _refused(code: str) -> str:
    """What AWS refusing a request with this error code means for the reader."""
    if code in {"AccessDenied", "AccessDeniedException", "403", "Forbidden"}:
        return "access denied: your AWS identity may not read the reports; ask a maintainer"
    if code == "NoSuchBucket":
        return "the reports bucket does not exist: check REPORTS_BUCKET or the config file"
    if code in {"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId"}:
        return "your AWS login has expired: run `aws sso login` and try again"
    return f"AWS refused the request ({code or 'unknown error'})"


def _explain(error: Exception) -> str:
    """One line saying what went wrong and what to do about it."""
    if isinstance(error, CaseError):
        return str(error)
    if isinstance(error, NoCredentialsError):
        return "no AWS login found: run `aws sso login` (or pass --profile) and try again"
    if isinstance(error, SSOError | TokenRetrievalError):
        return "your AWS login has expired: run `aws sso login` and try again"
    if isinstance(error, ProfileNotFound):
        return f"{error}: check the profile name (aws configure list-profiles)"
    if isinstance(error, NoRegionError):
        return "no AWS region configured: set `region` in the config file"
    if isinstance(error, EndpointConnectionError):
        return f"cannot reach AWS ({error}): check your network, or that `make serve` runs"
    if isinstance(error, ClientError):
        return _refused(error_code(error))
    if isinstance(error, StorageUnavailable):
        # The case state's and the access record's failures carry the AWS error code.
        return _refused(str(error))
    if isinstance(error, BotoCoreError):
        return f"AWS error: {error}"
    return f"unexpected error ({type(error).__name__}); nothing was changed by it"


@contextmanager
def _quiet_libraries() -> Iterator[None]:
    """Libraries log their failures with tracebacks; the reader gets our one-line message instead.

    Restored afterwards, so a program or test that calls `main` keeps its own logging.
    """
    loggers = [logging.getLogger(name) for name in ("aws_encryption_sdk", "botocore", "boto3")]
    saved = [logger.propagate for logger in loggers]
    quiet = logging.NullHandler()
    for logger in loggers:
        logger.addHandler(quiet)
        logger.propagate = False
    try:
        yield
    finally:
        for logger, propagate in zip(loggers, saved, strict=True):
            logger.removeHandler(quiet)
            logger.propagate = propagate


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `api-inbox` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        with _quiet_libraries():
            ctx = _context(args)
            code: int = args.run(ctx, args)
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 130
    except Exception as error:  # every failure becomes one readable line
        sys.stderr.write(f"{PROG}: {_explain(error)}\n")
        return 1
    return code
