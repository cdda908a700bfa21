"""Time as people read it: the Brussels time zone and the few formats the project shows.

tzdata is a dependency because Lambda has no system zone files.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Final
from zoneinfo import ZoneInfo

# The API persons and the children are in Belgium.
BRUSSELS: Final = ZoneInfo("Europe/Brussels")

_WEEKDAYS: Final = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
_MONTHS: Final = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def received_time(metadata: Mapping[str, str], fallback: datetime) -> datetime:
    """A report's `received` metadata (ISO 8601, written by the intake); `fallback` when it is
    missing or unreadable. A time without a zone is read as UTC rather than failing to compare."""
    try:
        received = datetime.fromisoformat(metadata.get("received", "").replace("Z", "+00:00"))
    except ValueError:
        return fallback
    return received if received.tzinfo else received.replace(tzinfo=UTC)


def utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC to the second with a `Z`: `2026-11-28T16:00:00Z` (APIs, stored times)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def brussels_minute(moment: datetime) -> str:
    """`2026-11-28 17:35` in Belgian time: the clock the API persons read."""
    return moment.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M")


def child_datetime(moment: datetime) -> str:
    """`28/11/2026 17:35` in Belgian time: how a child reads a moment."""
    return moment.astimezone(BRUSSELS).strftime("%d/%m/%Y %H:%M")


def brussels_day(moment: datetime) -> str:
    """`zaterdag 28 november 2026` in Belgian time (the Dutch e-mails)."""
    local = moment.astimezone(BRUSSELS)
    return f"{_WEEKDAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}"


def brussels_date(moment: datetime) -> date:
    """The calendar day in Belgium at `moment` (working days, expiry days)."""
    return moment.astimezone(BRUSSELS).date()


def brussels_time(moment: datetime) -> str:
    """`17:35` in Belgian time."""
    return moment.astimezone(BRUSSELS).strftime("%H:%M")
