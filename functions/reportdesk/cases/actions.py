"""What the web inbox does with a case, free of HTTP: list, open, reply, change status, postpone
the expiry, export and delete, each opening or change first written to the access record (no
record, no access).
Reports are found and decrypted by `cases.reports`; the case state is `cases.state`, the access
record `cases.audit`.
"""

from __future__ import annotations

import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.cases import audit
from reportdesk.cases import state as casestate
from reportdesk.cases.delete import delete_every_trace
from reportdesk.cases.reports import REPLY_MAX, Found, Reports
from reportdesk.cases.retention import CannotPostpone, expiry_day, postpone_expiry
from reportdesk.cases.state import CaseState, Status
from reportdesk.core import clock
from reportdesk.core.layout import MESSAGES_PREFIX
from reportdesk.core.reference import is_report_id, normalise_reference, reference_for
from reportdesk.core.s3 import StorageUnavailable
from reportdesk.followup import store as followup_store

_WORKERS: Final = 16


class BadInput(Exception):
    """The request cannot be carried out as asked; the message says why (English, for the API)."""


class Conflict(Exception):
    """The report's state does not allow this; the message says why (English, for the API)."""


@dataclass(frozen=True)
class Store(Reports):
    """Where the reports, their cases and the access record are, and how to reach them."""

    audit_bucket: str
    retention_days: int
    postpone_days: int

    def case_json(self, case: CaseState) -> dict[str, Any]:
        """The case as the page shows it; a case closed by api-inbox gets its expiry day here."""
        day = expiry_day(case, self.retention_days)
        return {**case.as_json(), "expires_on": day.isoformat() if day else None}


def _message_times(store: Store) -> dict[str, list[str]]:
    """The times of every child's message, per report id (one listing for the whole inbox)."""
    times: dict[str, list[str]] = {}
    pages = store.s3.get_paginator("list_objects_v2").paginate(
        Bucket=store.bucket, Prefix=MESSAGES_PREFIX
    )
    for page in pages:
        for item in page.get("Contents", []):
            _, report_id, name = [*item["Key"].split("/", 2), "", ""][:3]
            match = re.match(r"(\d{8}T\d{12}Z)-", name)
            if is_report_id(report_id) and match:
                moment = datetime.strptime(match[1], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
                times.setdefault(report_id, []).append(casestate.iso(moment))
    return times


def _unread(case: CaseState, message_times: list[str]) -> int:
    since = case.messages_read_until
    return sum(1 for at in message_times if since is None or at > since)


def list_reports(store: Store, now: datetime) -> list[dict[str, Any]]:
    """Every report as the list shows it, newest first, from metadata and case state only."""

    def row(item: tuple[str, str]) -> dict[str, Any]:
        report_id, key = item
        head = store.s3.head_object(Bucket=store.bucket, Key=key)
        metadata = head.get("Metadata", {})
        received = clock.received_time(metadata, head["LastModified"])
        case = casestate.read(store.s3, store.bucket, report_id)
        end = (
            datetime.fromisoformat(case.closed_at.replace("Z", "+00:00")) if case.closed_at else now
        )
        return {
            "reference": reference_for(report_id),
            "received_at": casestate.iso(received),
            "triage": metadata.get("triage", "unknown"),
            "status": case.status,
            "unread_messages": _unread(case, messages.get(report_id, [])),
            "days_open": casestate.days_between(received, end),
            "expires_on": store.case_json(case)["expires_on"],
        }

    try:
        messages = _message_times(store)
        with ThreadPoolExecutor(_WORKERS) as pool:
            rows = list(pool.map(row, store.report_keys().items()))
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error
    return sorted(rows, key=lambda r: (r["received_at"], r["reference"]), reverse=True)


def _thread(store: Store, entries: list[followup_store.Entry]) -> list[dict[str, str]]:
    return [
        {"kind": entry.kind, "at": casestate.iso(entry.sent_at), "text": store.entry_text(entry)}
        for entry in entries
    ]


def _access(store: Store, found: Found) -> list[dict[str, Any]]:
    """The report's access record as the page shows it; `via` names the automatic retention."""
    return [
        {
            "at": e.at,
            "action": e.action,
            "who": e.actor.email or e.actor.id,
            "via": e.actor.via,
            "detail": e.detail,
        }
        for e in audit.entries(store.s3, store.audit_bucket, found.report_id)
    ]


def _record(
    store: Store,
    found: Found,
    actor: audit.Actor,
    action: audit.Action,
    now: datetime,
    detail: str | None = None,
) -> None:
    audit.append(
        store.s3,
        store.audit_bucket,
        action,
        found.report_id,
        found.reference,
        actor,
        now=now,
        detail=detail,
    )


def open_report(store: Store, typed: str, actor: audit.Actor, now: datetime) -> dict[str, Any]:
    """The decrypted report with its thread, case and access record; a `new` case becomes `read`
    and the child's messages up to now count as read."""
    found = store.find(typed)
    _record(store, found, actor, "open", now)
    document = store.document(found)
    entries = store.thread(found.report_id)
    thread = _thread(store, entries)
    case = store.mark_opened(found, entries, now)
    return {
        "reference": found.reference,
        "report": document,
        "thread": thread,
        "case": store.case_json(case),
        "postpone_days": store.postpone_days,
        "access": _access(store, found),
    }


def reply(store: Store, typed: str, text: Any, actor: audit.Actor, now: datetime) -> str:
    """Store an encrypted reply the child reads with the code; returns its time."""
    if not isinstance(text, str) or not text.strip():
        raise BadInput("message is required")
    if len(text) > REPLY_MAX:
        raise BadInput(f"message is longer than {REPLY_MAX} characters")
    found = store.find(typed)
    _record(store, found, actor, "reply", now)
    return store.store_reply(found, text.strip(), now)


def set_status(
    store: Store, typed: str, status: Any, actor: audit.Actor, now: datetime
) -> dict[str, Any]:
    if status not in casestate.STATUSES or status == "new":
        raise BadInput("status must be one of read, in_progress, handled")
    found = store.find(typed)
    wanted: Status = status
    _record(store, found, actor, "status", now, detail=wanted)
    case = casestate.change_status(
        store.s3, store.bucket, found.report_id, wanted, now, store.retention_days
    )
    return store.case_json(case)


def postpone(store: Store, typed: str, actor: audit.Actor, now: datetime) -> dict[str, Any]:
    """Postpone a closed report's expiry once by `postpone_days`; Conflict when it is open or
    was postponed before (the attempt stays on the access record)."""
    found = store.find(typed)
    _record(store, found, actor, "postpone", now, detail=str(store.postpone_days))
    try:
        case = postpone_expiry(
            store.s3, store.bucket, found.report_id, store.postpone_days, store.retention_days
        )
    except CannotPostpone as error:
        raise Conflict(str(error)) from None
    return store.case_json(case)


def export(store: Store, typed: str, actor: audit.Actor, now: datetime) -> tuple[str, str]:
    """The report and its thread as plain text for the case folder, and its file name."""
    found = store.find(typed)
    _record(store, found, actor, "export", now)
    document = store.document(found)
    case = casestate.read(store.s3, store.bucket, found.report_id)
    lines = [
        f"Report {found.reference}",
        f"Received: {document.get('received_at', '?')}",
        f"Status: {case.status}",
        f"Triage: {document.get('triage', '?')}",
        f"Exported: {casestate.iso(now)} by {actor.email or actor.id}",
        "",
    ]
    for name, value in _flat(document):
        if name not in {"message", "schema", "report_id", "submission_id", "reference"}:
            lines.append(f"{name}: {visible(value)}")
    lines += ["", "Message", "-------", visible(str(document.get("message", ""))), ""]
    for entry in _thread(store, store.thread(found.report_id)):
        who = "Reply" if entry["kind"] == "reply" else "Message from the reporter"
        lines += [f"{who}, {entry['at']}", "-" * 20, visible(entry["text"]), ""]
    return "\n".join(lines), f"report-{found.reference}.txt"


def _flat(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [
            pair
            for key, inner in value.items()
            for pair in _flat(inner, f"{prefix}.{key}" if prefix else str(key))
        ]
    if value is None or value == "":
        return []
    return [(prefix, str(value))]


def visible(text: str) -> str:
    """Bidi controls, zero-width and other format characters (Unicode Cf, Zl, Zp) and control
    characters shown as `<U+XXXX>`: they can hide or reorder what a text seems to say."""
    return "".join(
        f"<U+{ord(c):04X}>"
        if unicodedata.category(c) in {"Cf", "Zl", "Zp", "Cc"} and c not in "\n\t"
        else c
        for c in text
    )


def delete(store: Store, typed: str, confirm: Any, actor: audit.Actor, now: datetime) -> None:
    """Remove every trace of the report (`cases.delete.delete_every_trace`).
    The access record stays (it holds no report content, and nobody can delete it)."""
    found = store.find(typed)
    if not isinstance(confirm, str) or normalise_reference(confirm) != found.reference:
        raise BadInput("confirm must be the report's reference")
    _record(store, found, actor, "delete", now)
    try:
        delete_every_trace(store.s3, store.bucket, found.key)
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error
