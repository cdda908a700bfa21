"""The scheduled functions of the cases: every working day at 09:00 (Brussels) the reminder to the
API persons and retention from closing; every Monday the overview for the maintainers.

Neither reads a report's content: report metadata by HEAD, case states (SSE-S3), key listings.
Their roles have no KMS permission at all. Retention adds a `delete` entry to the access record
before each deletion, as the API persons' deletes do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.cases.retention import NotRecorded, delete_expired
from reportdesk.core.clock import brussels_date
from reportdesk.core.layout import case_key, reminded_key
from reportdesk.core.s3 import delete_every_version
from reportdesk.reminders import mail, rules
from reportdesk.reminders.config import Clients, Settings, aws_clients, send
from reportdesk.reminders.overview import run_overview
from reportdesk.reminders.store import (
    Outcome,
    StoredCases,
    claim_marker,
    load_cases,
)

logger = Logger(service="reminders")


class RetentionNotRecorded(Exception):
    """Expired reports stayed because their access record entry could not be written: the run
    fails after its reminder, so the function's error alarm tells the maintainers."""


@dataclass
class Run:
    """What one reminder run did."""

    outcome: Outcome = "nothing_waits"
    deleted: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)
    # Expired, but kept this run: their access record entry could not be written.
    not_recorded: list[str] = field(default_factory=list)


def _delete_expired(
    clients: Clients, settings: Settings, case: rules.Case, key: str, now: datetime
) -> bool:
    """Delete one expired report, its access record entry first; False when the entry could not
    be written (the report stays until a run that can)."""
    try:
        delete_expired(clients.s3, settings.bucket, settings.audit_bucket, key, case.reference, now)
    except NotRecorded as error:
        logger.error(
            "retention", report_id=case.report_id, outcome="not_recorded", error=str(error)
        )
        return False
    logger.info("retention", report_id=case.report_id, outcome="deleted")
    return True


def apply_retention(
    clients: Clients, settings: Settings, stored: StoredCases, now: datetime, run: Run
) -> list[rules.Case]:
    """Delete closed reports whose expiry day has come, with every trace, and case objects of
    deleted reports; returns the cases that stay, and notes the ids deleted (or kept for want of
    an access record entry) in `run`. Open cases are never deleted, however old."""
    today = brussels_date(now)
    kept: list[rules.Case] = []
    for case, key in stored.cases:
        if not rules.is_due_for_deletion(case, today, settings.retention_days):
            kept.append(case)
        elif _delete_expired(clients, settings, case, key, now):
            run.deleted.append(case.report_id)
        else:
            run.not_recorded.append(case.report_id)
            kept.append(case)
    for report_id in stored.orphans:
        delete_every_version(clients.s3, settings.bucket, case_key(report_id), exact=True)
        logger.info("retention", report_id=report_id, outcome="orphan_case_deleted")
    return kept


def run_reminders(clients: Clients, settings: Settings, now: datetime) -> Run:
    """Retention first (so a deleted report is never named), then at most one e-mail a day that
    lists everything waiting; nothing when nothing waits."""
    stored = load_cases(clients.s3, settings.bucket)
    run = Run()
    cases = apply_retention(clients, settings, stored, now, run)
    waiting = rules.waiting(cases, now, settings.retention_days)
    if waiting.empty:
        logger.info("reminder", outcome="nothing_waits", deleted=len(run.deleted))
        return run
    marker = reminded_key(brussels_date(now))
    if not claim_marker(clients.s3, settings.bucket, marker):
        # Claimed before sending: a lost reminder comes back the next working day (the rules
        # are about state, not events); a second one the same day would teach people to ignore.
        run.outcome = "already_sent"
        logger.info("reminder", outcome="already_sent", deleted=len(run.deleted))
        return run
    message = mail.reminder(waiting, now, settings.retention_days)
    try:
        send(clients, settings, settings.recipients, message)
    except (BotoCoreError, ClientError):
        # Not sent: give the day back so the scheduler's retry can send it.
        clients.s3.delete_object(Bucket=settings.bucket, Key=marker)
        raise
    run.outcome = "sent"
    run.named = sorted({item.reference for part in waiting.parts() for item in part})
    logger.info("reminder", outcome="sent", named=len(run.named), deleted=len(run.deleted))
    return run


# --- Lambda entry points (EventBridge Scheduler targets)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every working day at 09:00 Brussels time."""
    run = run_reminders(aws_clients(), Settings.from_environment(os.environ), datetime.now(UTC))
    if run.not_recorded:
        raise RetentionNotRecorded(f"{len(run.not_recorded)} expired report(s) kept")
    return {"outcome": run.outcome, "deleted": len(run.deleted)}


def overview_handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    """Every Monday morning."""
    outcome = run_overview(aws_clients(), Settings.from_environment(os.environ), datetime.now(UTC))
    return {"outcome": outcome}
