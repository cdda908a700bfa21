"""Retention counted from closing, and what the child sees of a case: plain functions over the
case state (`cases.state`, written by the web inbox).

A report gets an expiry day only when it is closed (`handled`): the Belgian closing day plus
`retention_days`. The API persons may postpone that day once by `postpone_days`. On that day the
scheduled run deletes it (`delete_expired`), on the access record as any other deletion.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from reportdesk.cases import audit
from reportdesk.cases import state as casestate
from reportdesk.cases.delete import delete_every_trace
from reportdesk.cases.state import CHILD_STATUS, CaseState
from reportdesk.core.clock import brussels_date
from reportdesk.core.layout import report_id_from_key
from reportdesk.core.s3 import StorageUnavailable


class CannotPostpone(Exception):
    """Only a closed report's expiry can be postponed, and only once."""


class NotRecorded(Exception):
    """An expired report's access record entry could not be written: it was not deleted."""


def moment(iso: str) -> datetime:
    """A case state's time (`2026-11-30T08:15:00Z`) as an aware datetime."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def expiry_day(state: CaseState, retention_days: int) -> date | None:
    """The day a closed report is deleted; None while it is open (it is never deleted then)."""
    if state.status != "handled":
        return None
    if state.expires_on:
        return date.fromisoformat(state.expires_on)
    if state.closed_at:
        return brussels_date(moment(state.closed_at)) + timedelta(days=retention_days)
    return None


def postponed(state: CaseState, postpone_days: int, retention_days: int) -> CaseState:
    """The state with its expiry `postpone_days` later. Raises CannotPostpone."""
    day = expiry_day(state, retention_days)
    if day is None:
        raise CannotPostpone("only a closed report has an expiry to postpone")
    if state.postponed:
        raise CannotPostpone("this report's expiry was postponed before")
    later = day + timedelta(days=postpone_days)
    return replace(state, expires_on=later.isoformat(), postponed=True)


def postpone_expiry(
    s3: Any, bucket: str, report_id: str, postpone_days: int, retention_days: int
) -> CaseState:
    """Postpone a closed report's deletion once (the inbox's postpone button). Raises
    CannotPostpone; the caller writes the access record entry first, as for every change."""
    return casestate.update(
        s3, bucket, report_id, lambda state: postponed(state, postpone_days, retention_days)
    )


def delete_expired(
    s3: Any, bucket: str, audit_bucket: str | None, report_key: str, reference: str, now: datetime
) -> int:
    """Delete an expired report as the people's deletes do: its `delete` entry on the access
    record first (by `audit.RETENTION`), then every trace; returns the versions removed.
    NotRecorded when the entry could not be written (or there is no access record): then nothing
    was deleted, and the next run tries again. StorageUnavailable when a deletion failed."""
    report_id = report_id_from_key(report_key)
    if report_id is None:
        raise ValueError("not a report key")
    if audit_bucket is None:
        raise NotRecorded("no access record configured (AUDIT_BUCKET)")
    try:
        audit.append(s3, audit_bucket, "delete", report_id, reference, audit.RETENTION, now=now)
    except StorageUnavailable as error:
        raise NotRecorded(str(error)) from error
    return delete_every_trace(s3, bucket, report_key)


def child_history(state: CaseState, received: datetime) -> list[tuple[str, datetime]]:
    """The child's steps, oldest first: received, then every status change (the last one is
    where the report stands now). Nothing else of the API persons' work."""
    steps = [("received", received)]
    steps += [
        (CHILD_STATUS[change.status], moment(change.at))
        for change in state.history
        if change.status != "new"
    ]
    return steps
