"""api-inbox: the API persons' command to list, read, reply to, mark, export and delete reports.

It uses the reader's own AWS identity; decryption goes through `reportdesk.crypto` only.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import re
import shlex
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
from aws_encryption_sdk.exceptions import DecryptKeyError
from aws_encryption_sdk.internal.formatting.deserialize import deserialize_header
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
from rich.console import Console
from rich.text import Text

from reportdesk.cases.delete import delete_every_trace
from reportdesk.cli import render
from reportdesk.cli.render import ReportRow
from reportdesk.core import crypto
from reportdesk.core.reference import is_report_id, normalise_reference, reference_for
from reportdesk.followup import store as followup_store

PROG = "api-inbox"
REPORTS_PREFIX = "reports/"
LOCAL_ENV_FILE = Path(".local") / "inbox.env"
_KEY_PATTERN = re.compile(r"^reports/\d{4}/\d{2}/(?P<report_id>[^/]+)$")
_STATUSES = ("open", "handled")
REPLY_MAX = 10_000
# Enough parallel requests to list a few thousand reports in seconds, few enough to be polite.
_WORKERS = 16


class InboxError(Exception):
    """A problem the reader can act on, shown as one line on stderr."""


@dataclass(frozen=True)
class Settings:
    """Where the reports are and who reads them."""

    bucket: str
    kms_key_arn: str
    region: str
    profile: str | None


def default_config_path() -> Path:
    return Path.home() / ".config" / "api-inbox" / "config.toml"


def read_local_env(path: Path) -> dict[str, str]:
    """The `export NAME=value` lines that `make serve` writes for the local stack."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InboxError(
            f"{path} not found: start the local stack with `make serve` in this folder first"
        ) from None
    values: dict[str, str] = {}
    for line in text.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            words = ["?"]
        if words[:1] == ["export"]:
            words = words[1:]
        if not words:
            continue
        name, sep, value = words[0].partition("=")
        if len(words) != 1 or not sep:
            raise InboxError(f"{path}: cannot read the line {line!r}")
        values[name] = value
    return values


def read_config(path: Path, explicit: bool) -> dict[str, str]:
    """The config file's settings; a missing default file is fine, a missing chosen one is not."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        if explicit:
            raise InboxError(f"config file {path} not found") from None
        return {}
    except tomllib.TOMLDecodeError as error:
        raise InboxError(f"config file {path} is not valid TOML: {error}") from None
    known = {"bucket", "kms_key_arn", "region", "profile"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InboxError(f"config file {path}: unknown setting(s) {', '.join(unknown)}")
    return {key: str(value) for key, value in data.items()}


def load_settings(
    environ: Mapping[str, str], config: Mapping[str, str], profile: str | None
) -> Settings:
    """The command line wins over the environment, which wins over the config file."""
    bucket = environ.get("REPORTS_BUCKET") or config.get("bucket")
    key_arn = environ.get("KMS_KEY_ARN") or config.get("kms_key_arn")
    if not bucket or not key_arn:
        missing = "bucket (REPORTS_BUCKET)" if not bucket else "key (KMS_KEY_ARN)"
        raise InboxError(
            f"no reports {missing} configured: set it in {default_config_path()} "
            "or in the environment"
        )
    if not key_arn.startswith("arn:") or key_arn.count(":") < 5:
        raise InboxError(f"KMS_KEY_ARN must be a full key ARN (arn:aws:kms:...), not {key_arn!r}")
    region = (
        environ.get("AWS_REGION")
        or environ.get("AWS_DEFAULT_REGION")
        or config.get("region")
        or key_arn.split(":")[3]
    )
    return Settings(
        bucket=bucket,
        kms_key_arn=key_arn,
        region=region,
        profile=profile or environ.get("AWS_PROFILE") or config.get("profile") or None,
    )


def report_id_from_key(key: str) -> str | None:
    """The report id in a key `reports/<yyyy>/<mm>/<report_id>`, or None for any other key."""
    match = _KEY_PATTERN.match(key)
    return match["report_id"] if match and is_report_id(match["report_id"]) else None


def _reference_of_key(key: str) -> str | None:
    report_id = report_id_from_key(key)
    return reference_for(report_id) if report_id else None


def _parse_received(metadata: Mapping[str, str], fallback: datetime) -> datetime:
    try:
        received = datetime.fromisoformat(metadata.get("received", "").replace("Z", "+00:00"))
    except ValueError:
        return fallback
    # The intake writes UTC; a time without a zone is read as UTC rather than failing to compare.
    return received if received.tzinfo else received.replace(tzinfo=UTC)


@dataclass(frozen=True)
class StoredReport:
    """A report object and what its metadata and tags say about it."""

    key: str
    row: ReportRow
    tags: dict[str, str]


class Inbox:
    """The S3 side of the reports bucket: listing, finding, tagging and deleting report objects."""

    def __init__(self, s3: Any, bucket: str) -> None:
        self.s3 = s3
        self.bucket = bucket

    def keys(self) -> list[str]:
        paginator = self.s3.get_paginator("list_objects_v2")
        keys: list[str] = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=REPORTS_PREFIX):
            keys += [item["Key"] for item in page.get("Contents", [])]
        return [key for key in keys if report_id_from_key(key)]

    def tags(self, key: str) -> dict[str, str]:
        response = self.s3.get_object_tagging(Bucket=self.bucket, Key=key)
        return {tag["Key"]: tag["Value"] for tag in response["TagSet"]}

    def _head(self, key: str) -> tuple[str, dict[str, str], datetime]:
        response = self.s3.head_object(Bucket=self.bucket, Key=key)
        return key, response.get("Metadata", {}), response["LastModified"]

    def _report(self, key: str, metadata: Mapping[str, str], modified: datetime) -> StoredReport:
        tags = self.tags(key)
        wanted = metadata.get("contact-wanted")
        row = ReportRow(
            reference=metadata.get("reference", "?"),
            report_id=report_id_from_key(key) or "?",
            received=_parse_received(metadata, modified),
            language=metadata.get("language", "?"),
            triage=metadata.get("triage", "?"),
            contact_wanted=None if wanted is None else wanted == "yes",
            status=tags.get("status", "open"),
        )
        return StoredReport(key=key, row=row, tags=tags)

    def all(self) -> list[StoredReport]:
        """Every report, newest first."""

        def load(key: str) -> StoredReport:
            return self._report(*self._head(key))

        with ThreadPoolExecutor(_WORKERS) as pool:
            reports = list(pool.map(load, self.keys()))
        return sorted(reports, key=lambda report: report.row.received or datetime.min, reverse=True)

    def find(self, reference: str) -> StoredReport:
        """The report with this reference; the reference derives from the report id in the key,
        so a listing finds it without reading any object."""
        wanted = normalise_reference(reference)
        if wanted is None:
            raise InboxError(f"{reference!r} is not a report reference (it looks like ABCD-1234)")
        keys = [
            key for key in self.keys() if reference_for(report_id_from_key(key) or "") == wanted
        ]
        if not keys:
            raise InboxError(f"no report with reference {wanted}")
        if len(keys) > 1:
            raise InboxError(f"more than one report has reference {wanted}; ask a maintainer")
        return self._report(*self._head(keys[0]))

    def body(self, key: str) -> bytes:
        try:
            response = self.s3.get_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _code(error) in {"NoSuchKey", "404"}:
                raise InboxError("this report's content is missing from the bucket") from None
            raise
        data: bytes = response["Body"].read()
        return data

    def set_status(self, stored: StoredReport, status: str) -> None:
        tags = {**stored.tags, "status": status}
        self.s3.put_object_tagging(
            Bucket=self.bucket,
            Key=stored.key,
            Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]},
        )

    def delete_every_version(self, key: str) -> int:
        """Remove all versions and delete markers of the object; returns how many were removed."""
        paginator = self.s3.get_paginator("list_object_versions")
        versions: list[dict[str, str]] = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=key):
            for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                if item["Key"] == key:
                    versions.append({"Key": key, "VersionId": item["VersionId"]})
        for start in range(0, len(versions), 1000):
            response = self.s3.delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": versions[start : start + 1000], "Quiet": True},
            )
            if response.get("Errors"):
                first = response["Errors"][0]
                raise InboxError(f"could not delete every version: {first.get('Code', 'error')}")
        return len(versions)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


TAMPERED = "this report's content does not belong to it; it may have been tampered with"
DAMAGED = "this report's content was changed or damaged; it cannot be read safely"


def wrapping_key_arns(body: bytes) -> set[str] | None:
    """The KMS keys named in the message header, or None when the header cannot be read.

    Only used to explain a failed decryption; `deserialize_header` is internal to the AWS
    Encryption SDK (pinned), and reads the header without decrypting anything.
    """
    try:
        header, _raw = deserialize_header(io.BytesIO(body), max_encrypted_data_keys=1)
        return {
            key.key_provider.key_info.decode("utf-8", "replace")
            for key in header.encrypted_data_keys
        }
    except Exception:  # any unreadable header is simply "damaged"
        return None


def decrypt_document(
    session: boto3.Session, settings: Settings, body: bytes, report_id: str
) -> dict[str, Any]:
    """The decrypted JSON document of report `report_id`; InboxError when it cannot be trusted."""
    try:
        plaintext = crypto.decrypt(
            body, report_id, key_arn=settings.kms_key_arn, botocore_session=session._session
        )
    except crypto.WrongEncryptionContext:
        raise InboxError(TAMPERED) from None
    except crypto.DecryptionFailed as error:
        raise InboxError(_why_not_decrypted(body, settings, error.__cause__)) from None
    try:
        document: dict[str, Any] = json.loads(plaintext)
    except ValueError:
        raise InboxError(DAMAGED) from None
    if document.get("report_id") != report_id:
        raise InboxError(TAMPERED)
    return document


def _why_not_decrypted(body: bytes, settings: Settings, cause: BaseException | None) -> str:
    if isinstance(cause, BotoCoreError | ClientError):
        return _explain(cause)
    keys = wrapping_key_arns(body)
    if keys is None:
        return DAMAGED
    if settings.kms_key_arn not in keys:
        return (
            "this report was encrypted with another KMS key than the configured one "
            "(KMS_KEY_ARN); check your settings"
        )
    if isinstance(cause, DecryptKeyError):
        return (
            "KMS refused to decrypt this report: your AWS identity may not use the key, "
            "or the content was changed"
        )
    return DAMAGED


@dataclass
class Context:
    """What every command needs: settings, the AWS session, the inbox and the output."""

    settings: Settings
    session: boto3.Session
    inbox: Inbox
    console: Console | None

    def out(self, text: str) -> None:
        sys.stdout.write(text)


def _console() -> Console | None:
    """A rich console for a terminal; None (plain text) when the output goes to a pipe or file."""
    return Console(emoji=False, highlight=False) if sys.stdout.isatty() else None


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    reports = ctx.inbox.all()
    rows = [report.row for report in reports]
    if args.status:
        rows = [row for row in rows if row.status == args.status]
    if args.since:
        rows = [
            row
            for row in rows
            if row.received and row.received.astimezone(render.BRUSSELS).date() >= args.since
        ]
    if args.json:
        render.dump_json([row.as_json() for row in rows], sys.stdout)
    elif ctx.console:
        render.list_rich(rows, ctx.console)
    else:
        ctx.out(render.list_plain(rows))
    return 0


def _open_report(ctx: Context, reference: str) -> tuple[StoredReport, dict[str, Any]]:
    stored = ctx.inbox.find(reference)
    body = ctx.inbox.body(stored.key)
    document = decrypt_document(ctx.session, ctx.settings, body, stored.row.report_id)
    return stored, document


def _entry_text(ctx: Context, entry: followup_store.Entry) -> str:
    """The decrypted text of a reply or message; InboxError when it cannot be trusted."""
    try:
        return followup_store.read_entry(
            ctx.inbox.s3,
            ctx.settings.bucket,
            entry,
            key_arn=ctx.settings.kms_key_arn,
            botocore_session=ctx.session._session,
        )
    except crypto.WrongEncryptionContext:
        raise InboxError(TAMPERED.replace("report's", f"{entry.kind}'s")) from None
    except crypto.DecryptionFailed as error:
        body = ctx.inbox.body(entry.key)
        raise InboxError(_why_not_decrypted(body, ctx.settings, error.__cause__)) from None


def _show_thread(ctx: Context, report_id: str) -> None:
    """The replies and the reporter's messages after the report, oldest first."""
    for entry in followup_store.thread(ctx.inbox.s3, ctx.settings.bucket, report_id):
        who = "Reply sent to the reporter" if entry.kind == "reply" else "Message from the reporter"
        title = f"{who}, {render.local_time(entry.sent_at)} (Brussels)"
        text = render.safe(_entry_text(ctx, entry))
        if ctx.console:
            ctx.console.rule(title, align="left")
            ctx.console.print(Text(text), soft_wrap=True)
        else:
            ctx.out(f"\n{title}\n{'-' * len(title)}\n{text}\n")


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    stored, document = _open_report(ctx, args.reference)
    if args.json:
        render.dump_json(document, sys.stdout)
        return 0
    view = render.report_view(document, stored.row.status)
    if ctx.console:
        render.report_rich(view, ctx.console)
    else:
        ctx.out(render.report_plain(view))
    _show_thread(ctx, stored.row.report_id)
    return 0


def _reply_from_editor() -> str:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise InboxError("no reply text: use --message or --file, or set $EDITOR")
    # A private temporary file (0600), removed afterwards: the reply is personal data.
    handle, name = tempfile.mkstemp(prefix="api-inbox-reply-", suffix=".txt")
    os.close(handle)
    try:
        # The reader's own editor, run as the reader: the same trust as their shell.
        command = [*shlex.split(editor), name]
        if subprocess.run(command, check=False).returncode != 0:  # noqa: S603
            raise InboxError("the editor failed; nothing was sent")
        return Path(name).read_text(encoding="utf-8")
    finally:
        os.unlink(name)


def _reply_text(args: argparse.Namespace) -> str:
    if args.message is not None:
        return str(args.message)
    if args.file is not None:
        try:
            return str(args.file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise InboxError(f"cannot read {args.file}: {error}") from None
    return _reply_from_editor()


def cmd_reply(ctx: Context, args: argparse.Namespace) -> int:
    stored = ctx.inbox.find(args.reference)
    text = _reply_text(args).strip()
    if not text:
        ctx.out("The reply is empty; nothing was sent.\n")
        return 1
    if len(text) > REPLY_MAX:
        raise InboxError(f"the reply is longer than {REPLY_MAX} characters; nothing was sent")
    followup_store.store_entry(
        ctx.inbox.s3,
        ctx.settings.bucket,
        "reply",
        stored.row.report_id,
        text,
        key_arn=ctx.settings.kms_key_arn,
        botocore_session=ctx.session._session,
        now=datetime.now(UTC),
        metadata={"reference": stored.row.reference},
    )
    ctx.out(
        f"Reply to {stored.row.reference} stored. "
        "The reporter reads it on the My report page with their code.\n"
    )
    return 0


def cmd_mark(ctx: Context, args: argparse.Namespace) -> int:
    stored = ctx.inbox.find(args.reference)
    ctx.inbox.set_status(stored, args.status)
    ctx.out(f"{stored.row.reference} is now {args.status}.\n")
    return 0


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    stored, document = _open_report(ctx, args.reference)
    text = render.report_plain(render.report_view(document, stored.row.status))
    out: Path = args.out
    # Personal data: readable by the owner only, and never silently written over another file.
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if args.force else os.O_EXCL)
    try:
        fd = os.open(out, flags, 0o600)
    except FileExistsError:
        raise InboxError(f"{out} already exists: choose another name or add --force") from None
    except OSError as error:
        raise InboxError(f"cannot write {out}: {error.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    ctx.out(f"Report {stored.row.reference} written to {out}.\n")
    return 0


def _confirm(question: str) -> bool:
    try:
        answer = input(f"{question} Type yes to confirm: ")
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes"}


def cmd_delete(ctx: Context, args: argparse.Namespace) -> int:
    stored = ctx.inbox.find(args.reference)
    row = stored.row
    question = (
        f"Delete report {row.reference} (received {render.local_time(row.received)}, "
        f"{row.status}) for good, with every earlier version?"
    )
    if not args.yes and not _confirm(question):
        ctx.out("Nothing deleted.\n")
        return 1
    # Every trace: code mappings, thread, mailer markers, digest entries, case state.
    removed = delete_every_trace(ctx.inbox.s3, ctx.settings.bucket, row.report_id, stored.key)
    ctx.out(f"Report {row.reference} deleted ({removed} version(s) removed).\n")
    return 0


def cmd_purge(ctx: Context, args: argparse.Namespace) -> int:
    cutoff = datetime.now(UTC) - timedelta(days=args.handled_older_than)
    due = [
        report
        for report in ctx.inbox.all()
        if report.row.status == "handled" and report.row.received and report.row.received < cutoff
    ]
    verb = "Would delete" if args.dry_run else "Deleted"
    for report in reversed(due):
        if not args.dry_run:
            followup_store.delete_followup(ctx.inbox.s3, ctx.settings.bucket, report.row.report_id)
            ctx.inbox.delete_every_version(report.key)
        ctx.out(
            f"{verb} {report.row.reference} (received {render.local_time(report.row.received)})\n"
        )
    ctx.out(
        f"{verb} {len(due)} handled report(s) received before "
        f"{render.local_time(cutoff)} (Brussels).\n"
    )
    return 0


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
    listing.add_argument("--status", choices=_STATUSES, help="only open or only handled reports")
    listing.add_argument("--since", type=_since, metavar="YYYY-MM-DD", help="received on or after")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    listing.set_defaults(run=cmd_list)

    show = commands.add_parser("show", help="read one report")
    show.add_argument("reference")
    show.add_argument("--json", action="store_true", help="print the decrypted document as JSON")
    show.set_defaults(run=cmd_show)

    reply = commands.add_parser(
        "reply", help="answer a reporter (they read it with their follow-up code)"
    )
    reply.add_argument("reference")
    given = reply.add_mutually_exclusive_group()
    given.add_argument("--message", help="the reply text")
    given.add_argument("--file", type=Path, metavar="FILE", help="read the reply from a file")
    reply.set_defaults(run=cmd_reply)

    mark = commands.add_parser("mark", help="mark a report handled or open")
    mark.add_argument("reference")
    mark.add_argument("status", choices=_STATUSES)
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
    return parser


def _apply_local(environ: dict[str, str]) -> None:
    """Point everything, boto3 included, at the local stack described by `.local/inbox.env`."""
    values = read_local_env(LOCAL_ENV_FILE)
    for stale in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        environ.pop(stale, None)
    environ.update(values)


def _context(args: argparse.Namespace) -> Context:
    if args.local:
        _apply_local(os.environ)  # type: ignore[arg-type]
    config_path = args.config or default_config_path()
    config = {} if args.local else read_config(config_path, explicit=args.config is not None)
    settings = load_settings(os.environ, config, None if args.local else args.profile)
    session = boto3.Session(profile_name=settings.profile, region_name=settings.region)
    s3 = session.client("s3", config=Config(retries={"mode": "standard"}))
    return Context(settings, session, Inbox(s3, settings.bucket), _console())


def _explain(error: Exception) -> str:
    """One line saying what went wrong and what to do about it."""
    if isinstance(error, InboxError):
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
        code = _code(error)
        if code in {"AccessDenied", "AccessDeniedException", "403", "Forbidden"}:
            return "access denied: your AWS identity may not read the reports; ask a maintainer"
        if code == "NoSuchBucket":
            return "the reports bucket does not exist: check REPORTS_BUCKET or the config file"
        if code in {"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId"}:
            return "your AWS login has expired: run `aws sso login` and try again"
        return f"AWS refused the request ({code or 'unknown error'})"
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
