"""The reminder rules, with the time passed in: working days, the weekend, what waits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from reportdesk.cases.state import CaseState, Change, iso
from reportdesk.core.clock import BRUSSELS
from reportdesk.reminders import rules
from reportdesk.reminders.rules import Case, add_working_days, waiting

RETENTION = 365


def at(text: str) -> datetime:
    """A Belgian wall-clock time: `2026-11-30 09:00` (30 November 2026 is a Monday)."""
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS)


def case(
    received: str,
    state: CaseState | None = None,
    *,
    reference: str = "ABCD-EFGH",
    messages: tuple[str, ...] = (),
    replies: tuple[str, ...] = (),
) -> Case:
    return Case(
        report_id="0" * 32,
        reference=reference,
        received=at(received),
        triage="verified",
        state=state or CaseState(),
        reply_times=tuple(map(at, replies)),
        message_times=tuple(map(at, messages)),
    )


def opened(when: str) -> CaseState:
    return CaseState(status="read", history=(Change("read", iso(at(when))),))


def closed(when: str) -> CaseState:
    return opened(when).with_status("handled", at(when), RETENTION)


# --- working days


def test_two_working_days_after_a_monday_afternoon_is_wednesday_afternoon() -> None:
    assert add_working_days(at("2026-11-30 14:00"), 2) == at("2026-12-02 14:00")


def test_working_days_skip_the_weekend() -> None:
    assert add_working_days(at("2026-12-04 17:00"), 2) == at("2026-12-08 17:00")


def test_a_report_sent_in_the_weekend_counts_from_monday_morning() -> None:
    assert add_working_days(at("2026-12-05 10:00"), 2) == at("2026-12-09 00:00")


def test_working_days_are_counted_in_brussels_time_not_utc() -> None:
    # Friday 23:30 in Brussels is still Friday there, although 22:30 UTC.
    friday_night = at("2026-12-04 23:30").astimezone(UTC)
    assert add_working_days(friday_night, 1) == at("2026-12-07 23:30")


# --- not opened after 2 working days


def test_a_report_nobody_opened_waits_after_two_working_days() -> None:
    report = case("2026-11-30 08:00")
    assert waiting([report], at("2026-12-02 09:00"), RETENTION).unopened
    assert not waiting([report], at("2026-12-01 09:00"), RETENTION).unopened


def test_a_report_from_friday_afternoon_is_not_due_on_monday() -> None:
    report = case("2026-12-04 15:00")
    assert not waiting([report], at("2026-12-07 09:00"), RETENTION).unopened
    assert not waiting([report], at("2026-12-08 09:00"), RETENTION).unopened
    assert waiting([report], at("2026-12-09 09:00"), RETENTION).unopened


def test_a_weekend_report_is_due_on_wednesday_morning() -> None:
    report = case("2026-12-05 22:00")
    assert not waiting([report], at("2026-12-08 09:00"), RETENTION).unopened
    assert waiting([report], at("2026-12-09 09:00"), RETENTION).unopened


def test_an_opened_report_is_not_unopened() -> None:
    report = case("2026-11-23 08:00", opened("2026-11-23 10:00"))
    assert not waiting([report], at("2026-11-25 09:00"), RETENTION).unopened


# --- not answered and not handled after 7 days


def test_an_opened_report_without_answer_waits_after_seven_days() -> None:
    report = case("2026-11-23 08:00", opened("2026-11-23 10:00"))
    assert not waiting([report], at("2026-11-30 07:59"), RETENTION).unanswered
    assert waiting([report], at("2026-11-30 09:00"), RETENTION).unanswered


def test_an_answered_report_does_not_wait() -> None:
    report = case("2026-11-20 08:00", opened("2026-11-20 10:00"), replies=("2026-11-21 10:00",))
    assert not waiting([report], at("2026-11-30 09:00"), RETENTION).unanswered


def test_an_answer_noted_only_in_the_case_state_counts() -> None:
    state = CaseState(status="in_progress", last_reply_at=iso(at("2026-11-21 10:00")))
    report = case("2026-11-20 08:00", state)
    assert not waiting([report], at("2026-11-30 09:00"), RETENTION).unanswered


def test_an_unopened_report_is_listed_once_as_unopened() -> None:
    found = waiting([case("2026-11-16 08:00")], at("2026-11-30 09:00"), RETENTION)
    assert [i.reference for i in found.unopened] == ["ABCD-EFGH"]
    assert not found.unanswered


# --- messages unread for 2 working days


def test_a_message_unread_for_two_working_days_waits() -> None:
    report = case(
        "2026-11-02 08:00",
        CaseState(status="in_progress", last_reply_at=iso(at("2026-11-03 08:00"))),
        messages=("2026-12-04 16:00",),
    )
    assert not waiting([report], at("2026-12-08 09:00"), RETENTION).unread_messages
    found = waiting([report], at("2026-12-09 09:00"), RETENTION).unread_messages
    assert [(i.reference, i.count, i.since) for i in found] == [
        ("ABCD-EFGH", 1, at("2026-12-04 16:00"))
    ]


def test_messages_read_in_the_inbox_do_not_wait() -> None:
    state = CaseState(
        status="in_progress",
        last_reply_at=iso(at("2026-11-03 08:00")),
        messages_read_until=iso(at("2026-11-10 12:00")),
    )
    report = case("2026-11-02 08:00", state, messages=("2026-11-10 12:00",))
    assert not waiting([report], at("2026-12-09 09:00"), RETENTION).unread_messages


def test_every_unread_message_is_counted_from_the_oldest() -> None:
    state = CaseState(status="in_progress", messages_read_until=iso(at("2026-11-10 12:00")))
    report = case(
        "2026-11-02 08:00",
        state,
        messages=("2026-11-10 12:00", "2026-11-24 09:00", "2026-11-26 09:00"),
        replies=("2026-11-03 08:00",),
    )
    [item] = waiting([report], at("2026-11-30 09:00"), RETENTION).unread_messages
    assert (item.count, item.since) == (2, at("2026-11-24 09:00"))


# --- closed reports: never named, except when their deletion comes near


def test_a_closed_report_is_never_named_for_work() -> None:
    report = case("2025-01-06 08:00", closed("2026-11-25 10:00"), messages=("2026-11-26 09:00",))
    found = waiting([report], at("2026-12-09 09:00"), RETENTION)
    assert found.empty


def test_a_closed_report_is_named_fourteen_days_before_its_deletion() -> None:
    report = case("2025-11-03 08:00", closed("2025-12-10 10:00"))
    assert report.state.expires_on == "2026-12-10"
    assert not waiting([report], at("2026-11-25 09:00"), RETENTION).expiring
    [item] = waiting([report], at("2026-11-26 09:00"), RETENTION).expiring
    assert item.expires_on == date(2026, 12, 10)


def test_a_postponed_expiry_is_warned_about_later() -> None:
    state = closed("2025-12-10 10:00")
    later = replace(state, expires_on="2027-03-10", postponed=True)
    report = case("2025-11-03 08:00", later)
    assert not waiting([report], at("2026-11-26 09:00"), RETENTION).expiring


def test_a_closed_report_is_due_for_deletion_on_its_expiry_day() -> None:
    report = case("2025-11-03 08:00", closed("2025-12-10 10:00"))
    assert not rules.is_due_for_deletion(report, date(2026, 12, 9), RETENTION)
    assert rules.is_due_for_deletion(report, date(2026, 12, 10), RETENTION)


def test_an_open_report_is_never_due_for_deletion() -> None:
    report = case("2020-01-06 08:00", opened("2020-01-06 10:00"))
    assert not rules.is_due_for_deletion(report, date(2026, 12, 10), RETENTION)


# --- open longer than the retention period


def test_a_report_open_longer_than_the_retention_period_is_listed() -> None:
    report = case("2025-11-01 08:00", opened("2025-11-01 10:00"), replies=("2025-11-02 10:00",))
    assert waiting([report], at("2026-11-30 09:00"), RETENTION).never_closed
    assert not waiting([report], at("2026-10-30 09:00"), RETENTION).never_closed


# --- the whole list


def test_nothing_waits_when_every_report_is_fresh_or_handled() -> None:
    cases = [
        case("2026-11-30 08:00", reference="AAAA-AAAA"),
        case("2026-11-01 08:00", closed("2026-11-02 08:00"), reference="BBBB-BBBB"),
    ]
    assert waiting(cases, at("2026-12-01 09:00"), RETENTION).empty


def test_each_part_lists_the_oldest_first() -> None:
    cases = [
        case("2026-11-20 08:00", reference="NEWR-0000"),
        case("2026-11-10 08:00", reference="OLDR-0000"),
    ]
    found = waiting(cases, at("2026-11-30 09:00"), RETENTION)
    assert [i.reference for i in found.unopened] == ["OLDR-0000", "NEWR-0000"]


def test_age_counts_belgian_calendar_days() -> None:
    assert rules.age_in_days(at("2026-11-29 23:30"), at("2026-11-30 00:30")) == 1
    assert rules.age_in_days(at("2026-11-30 08:00"), at("2026-11-30 09:00")) == 0
