"""The weekly overview: numbers only, to the maintainers, once a week."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from reportdesk.cases.state import CaseState
from reportdesk.core.clock import BRUSSELS
from reportdesk.reminders import config, overview

from tests.reminders.conftest import Trail

MONDAY = datetime(2026, 12, 7, 8, 0, tzinfo=BRUSSELS)

Store = Callable[..., Trail]


def test_the_overview_counts_reports_and_names_none(
    clients: config.Clients,
    settings: config.Settings,
    store_report: Store,
    ses_requests: list[dict[str, Any]],
) -> None:
    trails = [
        store_report(MONDAY - timedelta(days=2)),
        store_report(MONDAY - timedelta(days=3), triage="suspected_spam"),
        store_report(
            MONDAY - timedelta(days=30),
            CaseState().with_status("handled", MONDAY - timedelta(days=9), 365),
        ),
    ]
    assert overview.run_overview(clients, settings, MONDAY) == "sent"
    [request] = ses_requests
    assert request["Destination"]["ToAddresses"] == ["beheer@example.org"]
    text = request["Content"]["Simple"]["Body"]["Text"]["Data"]
    assert "Ontvangen deze week: 2" in text
    assert "Waarvan waarschijnlijk spam: 1" in text
    assert "Open (alle): 2" in text
    assert "Afgesloten, nog bewaard (alle): 1" in text
    assert "Mislukte meldingen in de dead-letter queue: 0" in text
    for trail in trails:
        assert trail.reference not in str(request)


def test_the_overview_goes_once_a_week(
    clients: config.Clients,
    settings: config.Settings,
    ses_requests: list[dict[str, Any]],
) -> None:
    assert overview.run_overview(clients, settings, MONDAY) == "sent"
    assert overview.run_overview(clients, settings, MONDAY + timedelta(days=1)) == "already_sent"
    assert overview.run_overview(clients, settings, MONDAY + timedelta(days=7)) == "sent"
    assert len(ses_requests) == 2


def test_no_overview_without_alarm_addresses(
    clients: config.Clients,
    settings: config.Settings,
    ses_requests: list[dict[str, Any]],
) -> None:
    nobody = replace(settings, overview_recipients=())
    assert overview.run_overview(clients, nobody, MONDAY) == "nothing_waits"
    assert ses_requests == []
