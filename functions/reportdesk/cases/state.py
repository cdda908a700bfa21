"""The state of a case: one small, unencrypted JSON object per report at `cases/<report_id>`.

It holds statuses, times and flags only, never personal data and never who did what (that goes
to the access record). No object means status `new`. Writers use S3's conditional writes (IfMatch
on the ETag, IfNoneMatch="*" when creating) and retry a lost race.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Final, Literal, get_args

from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.core.clock import brussels_date
from reportdesk.core.layout import case_key
from reportdesk.core.s3 import StorageUnavailable

SCHEMA: Final = 1
Status = Literal["new", "read", "in_progress", "handled"]
STATUSES: Final[tuple[Status, ...]] = get_args(Status)
# What the child sees for each status (the follow-up page's words).
CHILD_STATUS: Final[dict[Status, str]] = {
    "new": "received",
    "read": "read",
    "in_progress": "in_progress",
    "handled": "handled",
}
_NOT_FOUND: Final = frozenset({"404", "NoSuchKey", "NotFound"})
_LOST_RACE: Final = frozenset({"PreconditionFailed", "ConditionalRequestConflict", "409", "412"})
_ATTEMPTS: Final = 5


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Change:
    status: Status
    at: str


@dataclass(frozen=True)
class CaseState:
    """The case object's fields (PLAN.md, "Case state")."""

    status: Status = "new"
    history: tuple[Change, ...] = ()
    last_reply_at: str | None = None
    messages_read_until: str | None = None
    closed_at: str | None = None
    expires_on: str | None = None
    postponed: bool = False
    etag: str | None = field(default=None, compare=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "status": self.status,
            "history": [{"status": c.status, "at": c.at} for c in self.history],
            "last_reply_at": self.last_reply_at,
            "messages_read_until": self.messages_read_until,
            "closed_at": self.closed_at,
            "expires_on": self.expires_on,
            "postponed": self.postponed,
        }

    def with_status(self, status: Status, now: datetime, retention_days: int | None) -> CaseState:
        """The state after a status change at `now`; the same state when nothing changes.

        Without `retention_days` (api-inbox does not know the deployment's) a closed case gets
        no `expires_on`: its expiry is then counted from `closed_at` by whoever reads it
        (`cases.retention.expiry_day`), with their own setting.
        """
        if status == self.status:
            return self
        closed = status == "handled"
        return replace(
            self,
            status=status,
            history=(*self.history, Change(status, iso(now))),
            closed_at=iso(now) if closed else None,
            expires_on=(brussels_date(now) + timedelta(days=retention_days)).isoformat()
            if closed and retention_days is not None
            else None,
            postponed=self.postponed if closed else False,
        )


def parse(document: Any, etag: str | None) -> CaseState:
    """A stored case object; unknown or damaged fields fall back to the defaults."""
    if not isinstance(document, dict):
        return CaseState(etag=etag)
    status = document.get("status")
    history = tuple(
        Change(item["status"], str(item["at"]))
        for item in document.get("history") or []
        if isinstance(item, dict) and item.get("status") in STATUSES and item.get("at")
    )

    def optional(name: str) -> str | None:
        value = document.get(name)
        return value if isinstance(value, str) else None

    return CaseState(
        status=status if status in STATUSES else "new",
        history=history,
        last_reply_at=optional("last_reply_at"),
        messages_read_until=optional("messages_read_until"),
        closed_at=optional("closed_at"),
        expires_on=optional("expires_on"),
        postponed=document.get("postponed") is True,
        etag=etag,
    )


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def read(s3: Any, bucket: str, report_id: str) -> CaseState:
    """The report's case state; `new` when there is no object yet."""
    try:
        response = s3.get_object(Bucket=bucket, Key=case_key(report_id))
    except ClientError as error:
        if _code(error) in _NOT_FOUND:
            return CaseState()
        raise StorageUnavailable(_code(error)) from error
    except BotoCoreError as error:
        raise StorageUnavailable(type(error).__name__) from error
    try:
        document = json.loads(response["Body"].read())
    except ValueError:
        document = None
    return parse(document, str(response.get("ETag") or "") or None)


def update(
    s3: Any, bucket: str, report_id: str, change: Callable[[CaseState], CaseState]
) -> CaseState:
    """Apply `change` to the current state and store it, conditionally; retried on a lost race."""
    for _ in range(_ATTEMPTS):
        current = read(s3, bucket, report_id)
        wanted = change(current)
        if wanted == current:
            return current
        condition = {"IfMatch": current.etag} if current.etag else {"IfNoneMatch": "*"}
        try:
            response = s3.put_object(
                Bucket=bucket,
                Key=case_key(report_id),
                Body=json.dumps(wanted.as_json()).encode(),
                ContentType="application/json",
                # SSE-S3: no personal data here, and the reminders read it without any KMS use.
                ServerSideEncryption="AES256",
                **condition,
            )
        except ClientError as error:
            if _code(error) in _LOST_RACE:
                continue
            raise StorageUnavailable(_code(error)) from error
        except BotoCoreError as error:
            raise StorageUnavailable(type(error).__name__) from error
        return replace(wanted, etag=str(response.get("ETag") or "") or None)
    raise StorageUnavailable("case state kept changing")


def change_status(
    s3: Any, bucket: str, report_id: str, status: Status, now: datetime, retention_days: int | None
) -> CaseState:
    """Set the report's status (web inbox and api-inbox alike); the caller writes the access
    record entry first, as for every change."""
    return update(s3, bucket, report_id, lambda case: case.with_status(status, now, retention_days))


def mark_opened(
    s3: Any, bucket: str, report_id: str, latest_message_at: str | None, now: datetime
) -> CaseState:
    """Someone opened the report at `now` (web inbox or api-inbox): a `new` case becomes `read`,
    and the child's messages up to `latest_message_at` count as read."""

    def opened(case: CaseState) -> CaseState:
        seen = case.with_status("read", now, None) if case.status == "new" else case
        if latest_message_at and (seen.messages_read_until or "") < latest_message_at:
            return replace(seen, messages_read_until=latest_message_at)
        return seen

    return update(s3, bucket, report_id, opened)


def delete(s3: Any, bucket: str, report_id: str) -> None:
    """Remove every version of the case object."""
    key = case_key(report_id)
    pages = s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key)
    doomed = [
        {"Key": item["Key"], "VersionId": item["VersionId"]}
        for page in pages
        for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
        if item["Key"] == key
    ]
    if doomed:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed, "Quiet": True})


def days_between(start: datetime, end: datetime) -> int:
    return max(0, (end.astimezone(UTC).date() - start.astimezone(UTC).date()).days)
