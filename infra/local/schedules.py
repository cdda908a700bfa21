"""What EventBridge Scheduler does, locally: the reminders on working days at 09:00 and the
overview on Mondays at 08:00, Brussels time; and `/_local/reminders?now=` runs them at once as if
at another time (the e-mail lands in the outbox)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from reportdesk.core.clock import BRUSSELS

REMINDERS_PATH = "/_local/reminders"
OVERVIEW_PATH = "/_local/overview"

log = logging.getLogger("local_server")


def next_brussels_time(now: datetime, hour: int, weekdays: Iterable[int]) -> datetime:
    """The next `hour`:00 in Brussels on one of `weekdays` (0 = Monday), after `now`."""
    days = set(weekdays)
    local = now.astimezone(BRUSSELS)
    for ahead in range(8):
        day = (local + timedelta(days=ahead)).date()
        candidate = datetime(day.year, day.month, day.day, hour, tzinfo=BRUSSELS)
        if day.weekday() in days and candidate > local:
            return candidate.astimezone(UTC)
    raise AssertionError("a weekday comes within eight days")


def moment_of(query: str) -> datetime | None:
    """`now=<ISO 8601>` of a query string (no zone: Brussels time); absent: the clock; None when
    it is not a time."""
    values = parse_qs(query).get("now")
    if not values:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(values[0])
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=BRUSSELS)


class CaseJobs:
    """The scheduled reminder and overview runs, one at a time, at a given time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def reminders(self, now: datetime) -> dict[str, Any]:
        # Imported when run, like Lambda: the functions read their environment at import time.
        from reportdesk.reminders.config import Settings, aws_clients
        from reportdesk.reminders.handler import run_reminders

        with self._lock:
            run = run_reminders(aws_clients(), Settings.from_environment(os.environ), now)
        return {"outcome": run.outcome, "deleted": len(run.deleted), "named": run.named}

    def overview(self, now: datetime) -> dict[str, Any]:
        from reportdesk.reminders.config import Settings, aws_clients
        from reportdesk.reminders.overview import run_overview

        with self._lock:
            outcome = run_overview(aws_clients(), Settings.from_environment(os.environ), now)
        return {"outcome": outcome}


class Scheduled(threading.Thread):
    """Runs `job` at the times `next_run` gives, like an EventBridge Scheduler schedule."""

    def __init__(
        self,
        name: str,
        next_run: Callable[[datetime], datetime],
        job: Callable[[datetime], Any],
        stop: threading.Event,
    ) -> None:
        super().__init__(name=name, daemon=True)
        self._next_run = next_run
        self._job = job
        self._stopping = stop

    def run(self) -> None:
        while True:
            now = datetime.now(UTC)
            if self._stopping.wait((self._next_run(now) - now).total_seconds()):
                return
            try:
                log.info("%s: %s", self.name, self._job(datetime.now(UTC)))
            except Exception:
                log.exception("%s failed", self.name)


def start_schedules(jobs: CaseJobs, stop: threading.Event) -> None:
    """The two schedules of the deployed stack (infra/reminders.py)."""
    working_days = range(5)
    Scheduled(
        "reminders", lambda now: next_brussels_time(now, 9, working_days), jobs.reminders, stop
    ).start()
    Scheduled("overview", lambda now: next_brussels_time(now, 8, [0]), jobs.overview, stop).start()
