"""The local schedules fire when the deployed ones do: working days 09:00, Mondays 08:00, in
Brussels time (summer time included)."""

from __future__ import annotations

from datetime import datetime

from reportdesk.core.clock import BRUSSELS

from infra.local.schedules import moment_of, next_brussels_time

WORKING_DAYS = range(5)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS)


def test_the_reminders_run_next_at_nine_the_same_working_day() -> None:
    assert next_brussels_time(at("2026-11-30 07:00"), 9, WORKING_DAYS) == at("2026-11-30 09:00")


def test_after_nine_on_friday_the_next_run_is_monday() -> None:
    assert next_brussels_time(at("2026-12-04 09:00"), 9, WORKING_DAYS) == at("2026-12-07 09:00")


def test_nine_is_brussels_time_in_summer_too() -> None:
    next_run = next_brussels_time(at("2026-07-01 10:00"), 9, WORKING_DAYS)
    assert next_run == at("2026-07-02 09:00")
    assert next_run.utcoffset() is not None and next_run.astimezone(BRUSSELS).hour == 9


def test_the_overview_runs_on_mondays() -> None:
    assert next_brussels_time(at("2026-12-01 12:00"), 8, [0]) == at("2026-12-07 08:00")


def test_a_time_without_zone_is_brussels_time() -> None:
    assert moment_of("now=2026-12-02T09:00") == at("2026-12-02 09:00")
    assert moment_of("now=tomorrow") is None
