"""The api-inbox commands: each reads its arguments, asks `reportdesk.cases` and prints."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from reportdesk.cases.store import Cases, StoredReport
from reportdesk.cli import render
from reportdesk.cli.settings import InboxError, Settings
from reportdesk.core import clock


@dataclass
class Context:
    """What every command needs: settings, the cases and the output."""

    settings: Settings
    cases: Cases
    console: Console | None

    def out(self, text: str) -> None:
        sys.stdout.write(text)


def console() -> Console | None:
    """A rich console for a terminal; None (plain text) when the output goes to a pipe or file."""
    return Console(emoji=False, highlight=False) if sys.stdout.isatty() else None


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    reports = ctx.cases.all()
    rows = [report.row for report in reports]
    if args.status:
        rows = [row for row in rows if row.status == args.status]
    if args.since:
        rows = [
            row
            for row in rows
            if row.received and row.received.astimezone(clock.BRUSSELS).date() >= args.since
        ]
    if args.json:
        render.dump_json([render.row_json(row) for row in rows], sys.stdout)
    elif ctx.console:
        render.list_rich(rows, ctx.console)
    else:
        ctx.out(render.list_plain(rows))
    return 0


def _open_report(ctx: Context, reference: str) -> tuple[StoredReport, dict[str, Any]]:
    stored = ctx.cases.find(reference)
    return stored, ctx.cases.document(stored)


def _show_thread(ctx: Context, report_id: str) -> None:
    """The replies and the reporter's messages after the report, oldest first."""
    for entry in ctx.cases.thread(report_id):
        who = "Reply sent to the reporter" if entry.kind == "reply" else "Message from the reporter"
        title = f"{who}, {render.local_time(entry.sent_at)} (Brussels)"
        text = render.safe(ctx.cases.entry_text(entry))
        if ctx.console:
            ctx.console.rule(title, align="left")
            ctx.console.print(Text(text), soft_wrap=True)
        else:
            ctx.out(f"\n{title}\n{'-' * len(title)}\n{text}\n")


def _thread_json(ctx: Context, report_id: str) -> list[dict[str, Any]]:
    """The replies and the reporter's messages for `show --json`, oldest first."""
    return [
        {
            "kind": entry.kind,
            "sent_at": render.utc_iso(entry.sent_at),
            "text": ctx.cases.entry_text(entry),
        }
        for entry in ctx.cases.thread(report_id)
    ]


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    stored, document = _open_report(ctx, args.reference)
    if args.json:
        thread = _thread_json(ctx, stored.row.report_id)
        render.dump_json({**document, "thread": thread}, sys.stdout)
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
    stored = ctx.cases.find(args.reference)
    text = _reply_text(args).strip()
    if not text:
        ctx.out("The reply is empty; nothing was sent.\n")
        return 1
    ctx.cases.reply(stored, text, datetime.now(UTC))
    ctx.out(
        f"Reply to {stored.row.reference} stored. "
        "The reporter reads it on the My report page with their code.\n"
    )
    return 0


def cmd_mark(ctx: Context, args: argparse.Namespace) -> int:
    stored = ctx.cases.find(args.reference)
    ctx.cases.set_status(stored, args.status)
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
    stored = ctx.cases.find(args.reference)
    row = stored.row
    question = (
        f"Delete report {row.reference} (received {render.local_time(row.received)}, "
        f"{row.status}) for good, with every earlier version?"
    )
    if not args.yes and not _confirm(question):
        ctx.out("Nothing deleted.\n")
        return 1
    removed = ctx.cases.delete(stored)
    ctx.out(f"Report {row.reference} deleted ({removed} version(s) removed).\n")
    return 0


def cmd_purge(ctx: Context, args: argparse.Namespace) -> int:
    cutoff = datetime.now(UTC) - timedelta(days=args.handled_older_than)
    due = [
        report
        for report in ctx.cases.all()
        if report.row.status == "handled" and report.row.received and report.row.received < cutoff
    ]
    verb = "Would delete" if args.dry_run else "Deleted"
    for report in reversed(due):
        if not args.dry_run:
            ctx.cases.delete(report)
        ctx.out(
            f"{verb} {report.row.reference} (received {render.local_time(report.row.received)})\n"
        )
    ctx.out(
        f"{verb} {len(due)} handled report(s) received before "
        f"{render.local_time(cutoff)} (Brussels).\n"
    )
    return 0
