"""The scheduled functions of the cases: every working day at 09:00 (Brussels) the reminder to the
API persons and retention from closing; every week the overview for the maintainers.

Neither reads a report's content: report metadata by HEAD, case states (SSE-S3), key listings.
The role has no kms:Decrypt at all.
"""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal

import boto3
from aws_lambda_powertools import Logger
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.cases import state as casestate
from reportdesk.cases.delete import delete_every_trace, delete_versions
from reportdesk.cases.state import CASES_PREFIX, CaseState, case_key
from reportdesk.core.clock import brussels_date
from reportdesk.core.reference import is_report_id
from reportdesk.followup import store as followup_store
from reportdesk.mailer.handler import hour_start, report_id_from_key, send_mail
from reportdesk.reminders import mail, rules

logger = Logger(service="reminders")

REPORTS_PREFIX: Final = "reports/"
# `reminded/<yyyy-mm-dd>` (Brussels day) and `reminded/week-<yyyy>-W<ww>`: claimed with
# IfNoneMatch before sending, so a retried or second run that day sends nothing.
REMINDED_PREFIX: Final = "reminded/"
DEFAULT_RETENTION_DAYS: Final = 365
_EXISTS: Final = frozenset({"PreconditionFailed", "ConditionalRequestConflict"})

Outcome = Literal["sent", "nothing_waits", "already_sent"]


@dataclass(frozen=True)
class Settings:
    """The scheduled functions' configuration (guides/reference.md, settings)."""

    bucket: str
    sender: str
    recipients: tuple[str, ...]
    overview_recipients: tuple[str, ...] = ()
    retention_days: int = DEFAULT_RETENTION_DAYS
    configuration_set: str | None = None
    queue_url: str | None = None
    dlq_url: str | None = None

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> Settings:
        """`REPORTS_BUCKET`, `MAIL_SENDER`, `MAIL_RECIPIENTS`, `OVERVIEW_RECIPIENTS`,
        `RETENTION_DAYS`, `SES_CONFIGURATION_SET`, `NOTIFY_QUEUE_URL`, `NOTIFY_DLQ_URL`."""

        def addresses(name: str) -> tuple[str, ...]:
            return tuple(a.strip() for a in env.get(name, "").split(",") if a.strip())

        return cls(
            bucket=env["REPORTS_BUCKET"],
            sender=env["MAIL_SENDER"],
            recipients=addresses("MAIL_RECIPIENTS"),
            overview_recipients=addresses("OVERVIEW_RECIPIENTS"),
            retention_days=int(env.get("RETENTION_DAYS") or DEFAULT_RETENTION_DAYS),
            configuration_set=env.get("SES_CONFIGURATION_SET") or None,
            queue_url=env.get("NOTIFY_QUEUE_URL") or None,
            dlq_url=env.get("NOTIFY_DLQ_URL") or None,
        )


@dataclass(frozen=True)
class Clients:
    """boto3 clients (boto3 ships no type hints)."""

    s3: Any
    sesv2: Any
    ses: Any
    sqs: Any


@dataclass
class Run:
    """What one reminder run did."""

    outcome: Outcome = "nothing_waits"
    deleted: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)


def _code(error: Exception) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", ""))
    return type(error).__name__


def _listing(s3: Any, bucket: str, prefix: str) -> Iterator[dict[str, Any]]:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        yield from page.get("Contents", [])


def _received(head: Mapping[str, Any]) -> datetime:
    try:
        received = datetime.fromisoformat(head["Metadata"]["received"])
    except (KeyError, ValueError):
        received = head["LastModified"]
    return received if received.tzinfo else received.replace(tzinfo=UTC)


# --- reading the cases: listings, HEADs and case objects only


@dataclass(frozen=True)
class StoredCases:
    """Every report with its key, and the case objects whose report is gone."""

    cases: list[tuple[rules.Case, str]]
    orphans: list[str]


def load_cases(s3: Any, bucket: str) -> StoredCases:
    """Every stored report as a `rules.Case`. Case objects are listed before reports: one whose
    report is not listed afterwards belongs to a deleted report (an orphan)."""
    case_ids = {
        item["Key"].removeprefix(CASES_PREFIX) for item in _listing(s3, bucket, CASES_PREFIX)
    }
    times: dict[str, dict[str, list[datetime]]] = defaultdict(lambda: defaultdict(list))
    for prefix in followup_store.PREFIXES.values():
        for item in _listing(s3, bucket, prefix):
            entry = followup_store.entry_of_key(item["Key"])
            if entry is not None:
                times[entry.report_id][entry.kind].append(entry.sent_at)
    cases: list[tuple[rules.Case, str]] = []
    for item in _listing(s3, bucket, REPORTS_PREFIX):
        report_id = report_id_from_key(item["Key"])
        if report_id is None:
            continue
        try:
            # HEAD: metadata only (s3:GetObject allows it; without kms:Decrypt no body is read).
            head = s3.head_object(Bucket=bucket, Key=item["Key"])
        except ClientError as error:
            if _code(error) in ("404", "NoSuchKey", "NotFound"):
                continue  # deleted since the listing
            raise
        state = casestate.read(s3, bucket, report_id) if report_id in case_ids else CaseState()
        metadata = head.get("Metadata", {})
        case = rules.Case(
            report_id=report_id,
            reference=metadata.get("reference", ""),
            received=_received(head),
            triage=metadata.get("triage", ""),
            state=state,
            reply_times=tuple(times[report_id]["reply"]),
            message_times=tuple(times[report_id]["message"]),
        )
        cases.append((case, item["Key"]))
    listed = {case.report_id for case, _ in cases}
    orphans = sorted(i for i in case_ids if is_report_id(i) and i not in listed)
    return StoredCases(cases=cases, orphans=orphans)


# --- the daily run


def _claim(s3: Any, bucket: str, key: str) -> bool:
    try:
        # SSE-S3: an empty marker, and this role may use no KMS key.
        s3.put_object(
            Bucket=bucket, Key=key, Body=b"", IfNoneMatch="*", ServerSideEncryption="AES256"
        )
    except ClientError as error:
        if _code(error) in _EXISTS:
            return False
        raise
    return True


def reminder_key(now: datetime) -> str:
    """`reminded/<yyyy-mm-dd>`, the Belgian day of `now`."""
    return f"{REMINDED_PREFIX}{brussels_date(now).isoformat()}"


def apply_retention(
    clients: Clients, settings: Settings, stored: StoredCases, now: datetime
) -> tuple[list[rules.Case], list[str]]:
    """Delete closed reports whose expiry day has come, with every trace, and case objects of
    deleted reports; returns the cases that stay and the ids deleted. Open cases are never
    deleted, however old."""
    today = brussels_date(now)
    kept: list[rules.Case] = []
    deleted: list[str] = []
    for case, key in stored.cases:
        if rules.is_due_for_deletion(case, today, settings.retention_days):
            delete_every_trace(clients.s3, settings.bucket, case.report_id, key)
            logger.info("retention", report_id=case.report_id, outcome="deleted")
            deleted.append(case.report_id)
        else:
            kept.append(case)
    for report_id in stored.orphans:
        delete_versions(clients.s3, settings.bucket, case_key(report_id))
        logger.info("retention", report_id=report_id, outcome="orphan_case_deleted")
    return kept, deleted


def run_reminders(clients: Clients, settings: Settings, now: datetime) -> Run:
    """Retention first (so a deleted report is never named), then at most one e-mail a day that
    lists everything waiting; nothing when nothing waits."""
    stored = load_cases(clients.s3, settings.bucket)
    cases, deleted = apply_retention(clients, settings, stored, now)
    run = Run(deleted=deleted)
    waiting = rules.waiting(cases, now, settings.retention_days)
    if waiting.empty:
        logger.info("reminder", outcome="nothing_waits", deleted=len(deleted))
        return run
    marker = reminder_key(now)
    if not _claim(clients.s3, settings.bucket, marker):
        # Claimed before sending: a lost reminder comes back the next working day (the rules
        # are about state, not events); a second one the same day would teach people to ignore.
        run.outcome = "already_sent"
        logger.info("reminder", outcome="already_sent", deleted=len(deleted))
        return run
    message = mail.reminder(waiting, now, settings.retention_days)
    try:
        send_mail(
            clients.sesv2, settings.sender, settings.recipients, message, settings.configuration_set
        )
    except (BotoCoreError, ClientError):
        # Not sent: give the day back so the scheduler's retry can send it.
        clients.s3.delete_object(Bucket=settings.bucket, Key=marker)
        raise
    run.outcome = "sent"
    run.named = sorted({item.reference for part in waiting.parts() for item in part})
    logger.info("reminder", outcome="sent", named=len(run.named), deleted=len(deleted))
    return run


# --- the weekly overview


def _queue_depth(sqs: Any, url: str | None) -> int | None:
    if url is None:
        return None
    try:
        attributes = sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])
    except (BotoCoreError, ClientError, KeyError, ValueError) as error:
        logger.warning("overview", part="queue", error=_code(error))
        return None


def _sent_last_24_hours(ses: Any) -> int | None:
    """SES's own count (the v1 API: it is what moto emulates too)."""
    try:
        return int(ses.get_send_quota()["SentLast24Hours"])
    except (BotoCoreError, ClientError, KeyError, ValueError) as error:
        logger.warning("overview", part="ses", error=_code(error))
        return None


def overview_numbers(clients: Clients, settings: Settings, now: datetime) -> mail.Overview:
    """The numbers of the week before `now`."""
    since = now - timedelta(days=7)
    cases = [case for case, _ in load_cases(clients.s3, settings.bucket).cases]
    this_week = [case for case in cases if since <= case.received < now]
    digests = [
        item["Key"].removeprefix("digest-sent/")
        for item in _listing(clients.s3, settings.bucket, "digest-sent/")
    ]
    return mail.Overview(
        since=since,
        until=now,
        received=len(this_week),
        suspected_spam=sum(case.triage == "suspected_spam" for case in this_week),
        open=sum(case.state.status != "handled" for case in cases),
        closed=sum(case.state.status == "handled" for case in cases),
        digests_sent=sum(_in_week(hour, since, now) for hour in digests),
        queue_waiting=_queue_depth(clients.sqs, settings.queue_url),
        dead_letters=_queue_depth(clients.sqs, settings.dlq_url),
        sent_last_24_hours=_sent_last_24_hours(clients.ses),
    )


def _in_week(hour: str, since: datetime, now: datetime) -> bool:
    try:
        return since <= hour_start(hour) < now
    except ValueError:
        return False


def overview_key(now: datetime) -> str:
    """`reminded/week-<yyyy>-W<ww>`, the ISO week of `now` in Belgium."""
    year, week, _ = brussels_date(now).isocalendar()
    return f"{REMINDED_PREFIX}week-{year}-W{week:02d}"


def run_overview(clients: Clients, settings: Settings, now: datetime) -> Outcome:
    """Send the week's overview to the maintainers, once per week."""
    if not settings.overview_recipients:
        logger.info("overview", outcome="nothing_waits", reason="no_recipients")
        return "nothing_waits"
    numbers = overview_numbers(clients, settings, now)
    marker = overview_key(now)
    if not _claim(clients.s3, settings.bucket, marker):
        return "already_sent"
    try:
        send_mail(
            clients.sesv2,
            settings.sender,
            settings.overview_recipients,
            mail.overview(numbers),
            settings.configuration_set,
        )
    except (BotoCoreError, ClientError):
        clients.s3.delete_object(Bucket=settings.bucket, Key=marker)
        raise
    logger.info("overview", outcome="sent")
    return "sent"


# --- Lambda entry points (EventBridge Scheduler targets)


@functools.cache
def _aws_clients() -> Clients:
    config = Config(connect_timeout=5, read_timeout=10, retries={"mode": "standard"})
    return Clients(
        s3=boto3.client("s3", config=config),
        sesv2=boto3.client("sesv2", config=config),
        ses=boto3.client("ses", config=config),
        sqs=boto3.client("sqs", config=config),
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every working day at 09:00 Brussels time."""
    run = run_reminders(_aws_clients(), Settings.from_environment(os.environ), datetime.now(UTC))
    return {"outcome": run.outcome, "deleted": len(run.deleted)}


def overview_handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    """Every Monday morning."""
    outcome = run_overview(_aws_clients(), Settings.from_environment(os.environ), datetime.now(UTC))
    return {"outcome": outcome}
