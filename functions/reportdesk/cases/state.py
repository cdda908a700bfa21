"""The case state of a report: one small JSON object `cases/<report_id>` with statuses, times and
flags only (no personal data, so not envelope-encrypted), read by the follow-up and the reminders.

Retention is counted from closing: a report gets an `expires_on` day only when it is `handled`,
and the API persons may postpone that day once by `postpone_days`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Literal, TypeGuard

from botocore.exceptions import ClientError

from reportdesk.core.clock import brussels_date

CASES_PREFIX: Final = "cases/"
SCHEMA: Final = 1
STATUSES: Final = ("new", "read", "in_progress", "handled")
# Writers retry a lost IfMatch race this many times; more means something keeps writing.
WRITE_ATTEMPTS: Final = 5
_NOT_FOUND: Final = frozenset({"404", "NoSuchKey", "NotFound"})
_CONFLICTS: Final = frozenset({"PreconditionFailed", "ConditionalRequestConflict"})

Status = Literal["new", "read", "in_progress", "handled"]


def is_status(value: object) -> TypeGuard[Status]:
    return value in STATUSES


class CannotPostpone(Exception):
    """Only a closed report's expiry can be postponed, and only once."""


class CaseConflict(Exception):
    """The case object kept changing under us: nothing was written."""


@dataclass(frozen=True)
class Step:
    """One status change after `new`."""

    status: Status
    at: datetime


@dataclass(frozen=True)
class CaseState:
    """PLAN.md "Case state"; a report without a case object is `CaseState()` (status new)."""

    status: Status = "new"
    history: tuple[Step, ...] = ()
    last_reply_at: datetime | None = None
    messages_read_until: datetime | None = None
    closed_at: datetime | None = None
    expires_on: date | None = None
    postponed: bool = False

    @property
    def closed(self) -> bool:
        return self.status == "handled"

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "status": self.status,
            "history": [{"status": s.status, "at": _iso(s.at)} for s in self.history],
            "last_reply_at": _iso(self.last_reply_at),
            "messages_read_until": _iso(self.messages_read_until),
            "closed_at": _iso(self.closed_at),
            "expires_on": self.expires_on.isoformat() if self.expires_on else None,
            "postponed": self.postponed,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CaseState:
        """Raises ValueError for anything that is not a schema 1 case object."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise ValueError("not a case object of schema 1")
        status = data.get("status")
        if not is_status(status):
            raise ValueError("unknown status")
        history: list[Step] = []
        for step in data.get("history") or []:
            if not isinstance(step, dict) or not is_status(step.get("status")):
                raise ValueError("bad history step")
            history.append(Step(status=step["status"], at=_moment(step.get("at"))))
        expires_on = data.get("expires_on")
        return cls(
            status=status,
            history=tuple(history),
            last_reply_at=_optional_moment(data.get("last_reply_at")),
            messages_read_until=_optional_moment(data.get("messages_read_until")),
            closed_at=_optional_moment(data.get("closed_at")),
            expires_on=date.fromisoformat(expires_on) if isinstance(expires_on, str) else None,
            postponed=data.get("postponed") is True,
        )


@dataclass(frozen=True)
class StoredCase:
    """A case state and the ETag it was read with (None: no object yet)."""

    state: CaseState = field(default_factory=CaseState)
    etag: str | None = None


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _moment(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("not a time")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("a time without its zone")
    return moment


def _optional_moment(value: object) -> datetime | None:
    return None if value is None else _moment(value)


# --- transitions: pure, the same for the web inbox, api-inbox and the tests


def with_status(state: CaseState, status: Status, now: datetime, retention_days: int) -> CaseState:
    """The state after changing to `status` at `now`. Closing starts the expiry
    (`expires_on` = Belgian closing day + `retention_days`); reopening stops it again."""
    if status == state.status:
        return state
    history = (*state.history, Step(status=status, at=now.astimezone(UTC)))
    if status == "handled":
        return replace(
            state,
            status=status,
            history=history,
            closed_at=now.astimezone(UTC),
            expires_on=brussels_date(now) + timedelta(days=retention_days),
        )
    return replace(state, status=status, history=history, closed_at=None, expires_on=None)


def postponed(state: CaseState, postpone_days: int) -> CaseState:
    """The state with its expiry moved `postpone_days` later; once per report, closed only."""
    if not state.closed or state.expires_on is None:
        raise CannotPostpone("only a closed report has an expiry to postpone")
    if state.postponed:
        raise CannotPostpone("this report's expiry was postponed before")
    return replace(
        state, expires_on=state.expires_on + timedelta(days=postpone_days), postponed=True
    )


def with_reply(state: CaseState, at: datetime) -> CaseState:
    """The state after an API person replied at `at`."""
    return replace(state, last_reply_at=at.astimezone(UTC))


def with_messages_read(state: CaseState, until: datetime) -> CaseState:
    """The state after the child's messages up to `until` were opened (never moves back)."""
    if state.messages_read_until is not None and state.messages_read_until >= until:
        return state
    return replace(state, messages_read_until=until.astimezone(UTC))


def expires_on(state: CaseState, retention_days: int) -> date | None:
    """The day a closed report is deleted (from `closed_at` if a writer left it out)."""
    if not state.closed:
        return None
    if state.expires_on is not None:
        return state.expires_on
    if state.closed_at is None:
        return None
    return brussels_date(state.closed_at) + timedelta(days=retention_days)


# --- what the child sees: four steps with their days, nothing else

# The child's word for each status ("new" is "received": the report arrived).
CHILD_STATUS: Final[dict[Status, str]] = {
    "new": "received",
    "read": "read",
    "in_progress": "in_progress",
    "handled": "handled",
}


def child_history(state: CaseState, received: datetime) -> list[tuple[str, datetime]]:
    """The child's steps, oldest first: received, then every status change (the last one is
    where the report stands now)."""
    steps = [("received", received)]
    steps += [
        (CHILD_STATUS[step.status], step.at) for step in state.history if step.status != "new"
    ]
    return steps


# --- storage


def case_key(report_id: str) -> str:
    """`cases/<report_id>`."""
    return f"{CASES_PREFIX}{report_id}"


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def read_case(s3: Any, bucket: str, report_id: str) -> StoredCase:
    """The report's case state; a missing object is a new case."""
    try:
        response = s3.get_object(Bucket=bucket, Key=case_key(report_id))
    except ClientError as error:
        if _code(error) in _NOT_FOUND:
            return StoredCase()
        raise
    state = CaseState.from_json(json.loads(response["Body"].read()))
    return StoredCase(state=state, etag=str(response["ETag"]))


def write_case(s3: Any, bucket: str, report_id: str, stored: StoredCase, state: CaseState) -> str:
    """Write `state` over `stored` (IfMatch its ETag, or IfNoneMatch when there was no object);
    returns the new ETag. Raises ClientError PreconditionFailed when someone wrote in between.

    SSE-S3, not the bucket's KMS default: the object holds no personal data, and so the
    reminders and the follow-up can read it without any kms:Decrypt.
    """
    condition = {"IfMatch": stored.etag} if stored.etag else {"IfNoneMatch": "*"}
    response = s3.put_object(
        Bucket=bucket,
        Key=case_key(report_id),
        Body=json.dumps(state.to_json(), separators=(",", ":")).encode(),
        ContentType="application/json",
        ServerSideEncryption="AES256",
        **condition,
    )
    return str(response["ETag"])


def update_case(
    s3: Any, bucket: str, report_id: str, change: Callable[[CaseState], CaseState]
) -> CaseState:
    """Read, apply `change` (a function of CaseState to CaseState, may raise) and write with the
    read ETag; a lost race is read and applied again. Returns the written state."""
    for _ in range(WRITE_ATTEMPTS):
        stored = read_case(s3, bucket, report_id)
        state = change(stored.state)
        if state == stored.state:
            return state
        try:
            write_case(s3, bucket, report_id, stored, state)
        except ClientError as error:
            if _code(error) in _CONFLICTS:
                continue
            raise
        return state
    raise CaseConflict("the case kept changing; try again")


def change_status(
    s3: Any, bucket: str, report_id: str, status: Status, now: datetime, retention_days: int
) -> CaseState:
    """Set the report's status (closing starts its expiry); safe against concurrent writers."""
    return update_case(
        s3, bucket, report_id, lambda state: with_status(state, status, now, retention_days)
    )


def note_reply(s3: Any, bucket: str, report_id: str, at: datetime) -> CaseState:
    """An API person replied at `at` (the reminders stop counting the report as unanswered)."""
    return update_case(s3, bucket, report_id, lambda state: with_reply(state, at))


def note_messages_read(s3: Any, bucket: str, report_id: str, until: datetime) -> CaseState:
    """The child's messages up to `until` were opened (the newest one shown)."""
    return update_case(s3, bucket, report_id, lambda state: with_messages_read(state, until))


def postpone_expiry(s3: Any, bucket: str, report_id: str, postpone_days: int) -> CaseState:
    """Postpone a closed report's deletion once by `postpone_days`. Raises CannotPostpone.
    The caller notes the postponement in the access record."""
    return update_case(s3, bucket, report_id, lambda state: postponed(state, postpone_days))
