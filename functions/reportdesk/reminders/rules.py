"""The reminder rules as plain functions of the cases and the time (passed in, never read here).

Working days are Monday to Friday in Belgium; public holidays are not known and count as working
days. A report appears in a reminder only while it is open, except in the list of closed reports
about to be deleted (retention warns first).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from reportdesk.cases.retention import expiry_day, moment
from reportdesk.cases.state import CaseState
from reportdesk.core.clock import BRUSSELS, brussels_date

UNOPENED_WORKING_DAYS: Final = 2
UNANSWERED_DAYS: Final = 7
UNREAD_MESSAGE_WORKING_DAYS: Final = 2
EXPIRY_WARNING_DAYS: Final = 14


@dataclass(frozen=True)
class Case:
    """What the reminders know of one report: metadata, case state and the thread's times."""

    report_id: str
    reference: str
    received: datetime
    triage: str
    state: CaseState
    reply_times: tuple[datetime, ...] = ()
    message_times: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class Item:
    """One line of a reminder: which report, how old, and since when (or until when) it waits."""

    reference: str
    received: datetime
    since: datetime | None = None
    count: int = 0
    expires_on: date | None = None


@dataclass(frozen=True)
class Waiting:
    """Everything a reminder lists, each part oldest first."""

    unopened: tuple[Item, ...] = ()
    unanswered: tuple[Item, ...] = ()
    unread_messages: tuple[Item, ...] = ()
    expiring: tuple[Item, ...] = ()
    never_closed: tuple[Item, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(self.parts())

    def parts(self) -> tuple[tuple[Item, ...], ...]:
        return (
            self.unopened,
            self.unanswered,
            self.unread_messages,
            self.expiring,
            self.never_closed,
        )


def is_working_day(day: date) -> bool:
    """Monday to Friday."""
    return day.weekday() < 5


def add_working_days(moment: datetime, days: int) -> datetime:
    """The moment `days` working days after `moment`, at the same Belgian clock time. A moment
    in a weekend counts from the start of the Monday after it."""
    local = moment.astimezone(BRUSSELS)
    day, clock = local.date(), local.time()
    if not is_working_day(day):
        while not is_working_day(day):
            day += timedelta(days=1)
        clock = time(0)
    left = days
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return datetime.combine(day, clock, tzinfo=BRUSSELS)


def last_reply(case: Case) -> datetime | None:
    """The latest reply, from the case state or the thread (replies of an older api-inbox wrote
    no state)."""
    noted = [moment(case.state.last_reply_at)] if case.state.last_reply_at else []
    return max([*case.reply_times, *noted], default=None)


def unread_messages(case: Case) -> list[datetime]:
    """The child's messages after `messages_read_until`, oldest first."""
    noted = case.state.messages_read_until
    read_until = moment(noted) if noted else None
    return sorted(t for t in case.message_times if read_until is None or t > read_until)


def is_unopened(case: Case, now: datetime) -> bool:
    """Nobody opened it, `UNOPENED_WORKING_DAYS` working days after it arrived."""
    return (
        case.state.status == "new" and add_working_days(case.received, UNOPENED_WORKING_DAYS) <= now
    )


def is_unanswered(case: Case, now: datetime) -> bool:
    """Opened but neither answered nor closed `UNANSWERED_DAYS` days after it arrived (an
    unopened report is listed as unopened only)."""
    return (
        case.state.status in ("read", "in_progress")
        and last_reply(case) is None
        and now - case.received >= timedelta(days=UNANSWERED_DAYS)
    )


def oldest_unread_message(case: Case, now: datetime) -> datetime | None:
    """The oldest message of an open case still unread `UNREAD_MESSAGE_WORKING_DAYS` working
    days after it was sent, or None."""
    if case.state.status == "handled":
        return None
    unread = unread_messages(case)
    if unread and add_working_days(unread[0], UNREAD_MESSAGE_WORKING_DAYS) <= now:
        return unread[0]
    return None


def is_due_for_deletion(case: Case, today: date, retention_days: int) -> bool:
    """Closed, and its expiry day has come."""
    day = expiry_day(case.state, retention_days)
    return day is not None and day <= today


def expires_soon(case: Case, today: date, retention_days: int) -> date | None:
    """The expiry day of a closed report deleted within `EXPIRY_WARNING_DAYS`, or None."""
    day = expiry_day(case.state, retention_days)
    if day is not None and today < day <= today + timedelta(days=EXPIRY_WARNING_DAYS):
        return day
    return None


def is_never_closed(case: Case, now: datetime, retention_days: int) -> bool:
    """Open for longer than the retention period: a person must close or delete it."""
    return case.state.status != "handled" and now - case.received > timedelta(days=retention_days)


def waiting(cases: Iterable[Case], now: datetime, retention_days: int) -> Waiting:
    """What one reminder run at `now` lists."""
    today = brussels_date(now)
    unopened: list[Item] = []
    unanswered: list[Item] = []
    unread: list[Item] = []
    expiring: list[Item] = []
    never_closed: list[Item] = []
    for case in sorted(cases, key=lambda c: (c.received, c.reference)):
        if is_unopened(case, now):
            unopened.append(Item(case.reference, case.received))
        elif is_unanswered(case, now):
            unanswered.append(Item(case.reference, case.received))
        since = oldest_unread_message(case, now)
        if since is not None:
            count = len(unread_messages(case))
            unread.append(Item(case.reference, case.received, since=since, count=count))
        day = expires_soon(case, today, retention_days)
        if day is not None:
            expiring.append(Item(case.reference, case.received, expires_on=day))
        if is_never_closed(case, now, retention_days):
            never_closed.append(Item(case.reference, case.received))
    expiring.sort(key=lambda item: (item.expires_on or today, item.reference))
    return Waiting(
        unopened=tuple(unopened),
        unanswered=tuple(unanswered),
        unread_messages=tuple(unread),
        expiring=tuple(expiring),
        never_closed=tuple(never_closed),
    )


def age_in_days(received: datetime, now: datetime) -> int:
    """Whole Belgian calendar days since the report arrived."""
    return (brussels_date(now) - brussels_date(received)).days
