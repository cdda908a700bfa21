"""`api-inbox list`: what the API persons see without decrypting anything."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3

from tests.cli.conftest import Inbox, StoreReport

LIST_FIELDS = {
    "reference",
    "report_id",
    "received",
    "language",
    "status",
    "triage",
    "contact_wanted",
}


def test_list_shows_newest_first(store_report: StoreReport, inbox: Inbox) -> None:
    older = store_report(received=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    newer = store_report(received=datetime(2026, 3, 5, 9, 0, tzinfo=UTC))

    result = inbox("list")

    assert result.code == 0
    assert result.out.index(newer.reference) < result.out.index(older.reference)


def test_list_shows_received_in_brussels_time(store_report: StoreReport, inbox: Inbox) -> None:
    store_report(received=datetime(2026, 7, 1, 22, 30, tzinfo=UTC))

    result = inbox("list")

    assert "2026-07-02 00:30" in result.out


def test_list_row_has_language_status_triage_and_contact(
    store_report: StoreReport, inbox: Inbox
) -> None:
    report = store_report(
        language="fr",
        triage="suspected_spam",
        contact={"wants_contact": True, "email": "kind@example.org"},
    )

    line = next(line for line in inbox("list").out.splitlines() if report.reference in line)

    assert line.split()[3:] == ["fr", "new", "suspected_spam", "yes"]


def test_list_json_has_exactly_the_documented_fields(
    store_report: StoreReport, inbox: Inbox
) -> None:
    report = store_report(
        received=datetime(2026, 5, 4, 8, 15, 30, tzinfo=UTC), language="en", triage="unverified"
    )

    rows = json.loads(inbox("list", "--json").out)

    assert rows == [
        {
            "reference": report.reference,
            "report_id": report.report_id,
            "received": "2026-05-04T08:15:30Z",
            "language": "en",
            "status": "new",
            "triage": "unverified",
            "contact_wanted": False,
        }
    ]
    assert set(rows[0]) == LIST_FIELDS


def test_list_json_of_an_empty_bucket_is_an_empty_array(
    store_report: StoreReport, inbox: Inbox
) -> None:
    assert json.loads(inbox("list", "--json").out) == []


def test_list_status_filter_keeps_only_that_status(store_report: StoreReport, inbox: Inbox) -> None:
    handled = store_report()
    still_open = store_report()
    assert inbox("mark", handled.reference, "handled").code == 0

    result = inbox("list", "--status", "open")

    assert still_open.reference in result.out
    assert handled.reference not in result.out


def test_list_since_counts_days_in_brussels_time(store_report: StoreReport, inbox: Inbox) -> None:
    # 22:30 UTC on 31 March is already 1 April in Brussels (summer time, UTC+2).
    first_of_april = store_report(received=datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    march = store_report(received=datetime(2026, 3, 31, 21, 30, tzinfo=UTC))

    result = inbox("list", "--since", "2026-04-01", "--json")

    assert [row["reference"] for row in json.loads(result.out)] == [first_of_april.reference]
    assert march.reference not in result.out


def test_list_needs_no_decryption(store_report: StoreReport, inbox: Inbox) -> None:
    # A report under a key the reader cannot use still shows in the list: list reads metadata only.
    other_key = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    report = store_report(key_arn=other_key)

    assert report.reference in inbox("list").out
