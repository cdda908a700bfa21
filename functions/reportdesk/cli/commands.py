"""The api-inbox commands: each reads its arguments, asks `reportdesk.cases` and prints."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from reportdesk.cases import audit
from reportdesk.cases.reports import REPLY_MAX
from reportdesk.cases.store import OPEN, Cases, StoredReport, markable
from reportdesk.cli import render
from reportdesk.cli.reply_text import reply_text
from reportdesk.cli.settings import InboxError, Settings
from reportdesk.core import clock
from reportdesk.core.reference import normalise_reference, reference_for
from reportdesk.core.s3 import StorageUnavailable
from reportdesk.followup.store import Entry


@dataclass
class Context:
    """What every command needs: settings, the cases and the output."""

    settings: Settings
    cases: Cases
    console: Console | None
    # The reader's AWS identity as the access record names them (asked only when needed).
    actor: Callable[[], audit.Actor]

    def out(self, text: str) -> None:
        sys.stdout.write(text)


def console() -> Console | None:
    """A rich console for a terminal; None (plain text) when the output goes to a pipe or file."""
    return Console(emoji=False, highlight=False) if sys.stdout.isatty() else None


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    reports = ctx.cases.all()
    rows = [report.row for report in reports]
    if args.status == OPEN:
        rows = [row for row in rows if row.status != "handled"]
    elif args.status:
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


# What did not happen when the access record refused an entry.
_NOT_DONE: dict[audit.Action, str] = {
    "open": "decrypted",
    "export": "decrypted",
    "reply": "sent",
    "delete": "deleted",
}


def _record(
    ctx: Context,
    action: audit.Action,
    stored: StoredReport,
    now: datetime,
    detail: str | None = None,
) -> None:
    """Add to the access record before anything is decrypted or changed: no record, no access."""
    if not ctx.settings.audit_bucket:
        raise InboxError(
            "no access record configured (AUDIT_BUCKET, or audit_bucket in the config file): "
            "every report opened or changed must be on record"
        )
    try:
        audit.append(
            ctx.cases.s3,
            ctx.settings.audit_bucket,
            action,
            stored.report_id,
            stored.reference,
            ctx.actor(),
            now=now,
            detail=detail,
        )
    except StorageUnavailable:
        undone = _NOT_DONE.get(action, "changed")
        raise InboxError(f"could not add to the access record; nothing was {undone}") from None


def _open_report(
    ctx: Context, reference: str, action: audit.Action = "open"
) -> tuple[StoredReport, dict[str, Any]]:
    stored = ctx.cases.find(reference)
    _record(ctx, action, stored, datetime.now(UTC))
    return stored, ctx.cases.document(stored)


def _show_thread(ctx: Context, thread: list[tuple[Entry, str]]) -> None:
    """The replies and the reporter's messages after the report, oldest first."""
    for entry, written in thread:
        who = "Reply sent to the reporter" if entry.kind == "reply" else "Message from the reporter"
        title = f"{who}, {render.local_time(entry.sent_at)} (Brussels)"
        text = render.safe(written)
        if ctx.console:
            ctx.console.rule(title, align="left")
            ctx.console.print(Text(text), soft_wrap=True)
        else:
            ctx.out(f"\n{title}\n{'-' * len(title)}\n{text}\n")


def _thread_json(thread: list[tuple[Entry, str]]) -> list[dict[str, Any]]:
    """The replies and the reporter's messages for `show --json`, oldest first."""
    return [
        {"kind": entry.kind, "sent_at": render.utc_iso(entry.sent_at), "text": text}
        for entry, text in thread
    ]


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    stored, document = _open_report(ctx, args.reference)
    thread = [(entry, ctx.cases.entry_text(entry)) for entry in ctx.cases.thread(stored.report_id)]
    # Once all is decrypted, as when the web inbox opens a report: a new one becomes read (for
    # the reminders and the child), and the child's messages count as read.
    case = ctx.cases.mark_opened(stored, [entry for entry, _ in thread], datetime.now(UTC))
    if args.json:
        render.dump_json({**document, "thread": _thread_json(thread)}, sys.stdout)
        return 0
    view = render.report_view(document, case.status)
    if ctx.console:
        render.report_rich(view, ctx.console)
    else:
        ctx.out(render.report_plain(view))
    _show_thread(ctx, thread)
    return 0


def cmd_reply(ctx: Context, args: argparse.Namespace) -> int:
    stored = ctx.cases.find(args.reference)
    text = reply_text(args).strip()
    if not text:
        ctx.out("The reply is empty; nothing was sent.\n")
        return 1
    if len(text) > REPLY_MAX:
        raise InboxError(f"the reply is longer than {REPLY_MAX} characters; nothing was sent")
    now = datetime.now(UTC)
    _record(ctx, "reply", stored, now)
    ctx.cases.store_reply(stored, text, now)
    ctx.out(
        f"Reply to {stored.row.reference} stored. "
        "The reporter reads it on the My report page with their code.\n"
    )
    return 0


def cmd_mark(ctx: Context, args: argparse.Namespace) -> int:
    """Change the status the web inbox, the reminders and the child's page show, on record."""
    status = markable(args.status)
    stored = ctx.cases.find(args.reference)
    now = datetime.now(UTC)
    _record(ctx, "status", stored, now, detail=status)
    ctx.cases.set_status(stored, status, now)
    ctx.out(f"{stored.reference} is now {status}.\n")
    return 0


def cmd_export(ctx: Context, args: argparse.Namespace) -> int:
    stored, document = _open_report(ctx, args.reference, "export")
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
    _record(ctx, "delete", stored, datetime.now(UTC))
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
            _record(ctx, "delete", report, datetime.now(UTC))
            ctx.cases.delete(report)
        ctx.out(
            f"{verb} {report.row.reference} (received {render.local_time(report.row.received)})\n"
        )
    ctx.out(
        f"{verb} {len(due)} handled report(s) received before "
        f"{render.local_time(cutoff)} (Brussels).\n"
    )
    return 0


def cmd_audit(ctx: Context, args: argparse.Namespace) -> int:
    """Who opened, exported, answered, changed or deleted a report (or every report), and when."""
    bucket = ctx.settings.audit_bucket
    if not bucket:
        raise InboxError(
            "no access record configured (AUDIT_BUCKET, or audit_bucket in the config)"
        )
    if args.reference:
        wanted = normalise_reference(args.reference)
        if wanted is None:
            raise InboxError(f"{args.reference!r} is not a report reference (like ABCD-1234)")
        known = [i for i in ctx.cases.report_keys() if reference_for(i) == wanted]
        # A deleted report keeps its record, but its id is no longer among the reports.
        if known:
            entries = audit.entries(ctx.cases.s3, bucket, known[0])
        else:
            entries = [e for e in audit.entries(ctx.cases.s3, bucket) if e.reference == wanted]
    else:
        entries = audit.entries(ctx.cases.s3, bucket)
    if args.json:
        render.dump_json([entry.as_json() for entry in entries], sys.stdout)
        return 0
    if not entries:
        ctx.out("No entries.\n")
    for entry in entries:
        detail = f" ({render.safe(entry.detail)})" if entry.detail else ""
        moment = datetime.fromisoformat(entry.at.replace("Z", "+00:00"))
        ctx.out(
            f"{render.local_time(moment)}  {entry.reference}  {entry.action}{detail}  "
            f"{render.actor(entry.actor)}\n"
        )
    return 0
