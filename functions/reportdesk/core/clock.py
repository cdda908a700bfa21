"""Belgian time: the zone the API persons and the children live in, and its calendar day.

tzdata is a dependency because Lambda has no system zone files.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

BRUSSELS: Final = ZoneInfo("Europe/Brussels")


def brussels_date(moment: datetime) -> date:
    """The calendar day in Belgium at an aware `moment`."""
    return moment.astimezone(BRUSSELS).date()
