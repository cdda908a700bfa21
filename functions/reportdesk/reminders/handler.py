"""The scheduled functions of the cases: every working day at 09:00 (Brussels) the reminder to the
API persons and retention from closing; every Monday the overview for the maintainers.

Neither reads a report's content: report metadata by HEAD, case states (SSE-S3), key listings.
Their roles have no KMS permission at all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.cases.delete import delete_every_trace
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


@dataclass
class Run:
    """What one reminder run did."""

    outcome: Outcome = "nothing_waits"
    deleted: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)


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
            delete_every_trace(clients.s3, settings.bucket, key)
            logger.info("retention", report_id=case.report_id, outcome="deleted")
            deleted.append(case.report_id)
        else:
            kept.append(case)
    for report_id in stored.orphans:
        delete_every_version(clients.s3, settings.bucket, case_key(report_id), exact=True)
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
    marker = reminded_key(brussels_date(now))
    if not claim_marker(clients.s3, settings.bucket, marker):
        # Claimed before sending: a lost reminder comes back the next working day (the rules
        # are about state, not events); a second one the same day would teach people to ignore.
        run.outcome = "already_sent"
        logger.info("reminder", outcome="already_sent", deleted=len(deleted))
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
    logger.info("reminder", outcome="sent", named=len(run.named), deleted=len(deleted))
    return run


# --- Lambda entry points (EventBridge Scheduler targets)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every working day at 09:00 Brussels time."""
    run = run_reminders(aws_clients(), Settings.from_environment(os.environ), datetime.now(UTC))
    return {"outcome": run.outcome, "deleted": len(run.deleted)}


def overview_handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    """Every Monday morning."""
    outcome = run_overview(aws_clients(), Settings.from_environment(os.environ), datetime.now(UTC))
    return {"outcome": outcome}
