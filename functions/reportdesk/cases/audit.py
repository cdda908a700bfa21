"""The access record: who opened, exported, answered, changed or deleted which report, and when.

One small JSON object per entry in the audit bucket, which has S3 Object Lock: nobody can rewrite
or delete an entry before its retention ends. Writers may only add (a new key, IfNoneMatch="*").
Entries hold who (the Cognito `sub` and e-mail, the AWS identity of `api-inbox`, or `RETENTION`
for the scheduled deletion of an expired report), never any report content.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.core.s3 import StorageUnavailable

SCHEMA: Final = 1
Action = Literal["open", "export", "reply", "status", "postpone", "delete", "decrypt"]
_TIME_FORMAT: Final = "%Y%m%dT%H%M%S%fZ"
_REPORT_ID_RE: Final = re.compile(r"[0-9a-f]{32}")
_WORKERS: Final = 8


@dataclass(frozen=True)
class Actor:
    """Who acted: a Cognito user (`sub`, e-mail), an AWS identity of api-inbox (ARN), or the
    automatic retention (`RETENTION`)."""

    id: str
    email: str
    via: Literal["web", "api-inbox", "retention"]


# Nobody in person: the daily run that deletes closed reports on their expiry day. The web inbox
# and api-inbox show it by `via` (inbox.actor.retention in texts/inbox.toml).
RETENTION: Final = Actor(id="retention", email="", via="retention")


@dataclass(frozen=True)
class Entry:
    at: str
    action: Action
    report_id: str
    reference: str
    actor: Actor
    detail: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "at": self.at,
            "action": self.action,
            "report_id": self.report_id,
            "reference": self.reference,
            "who": {"id": self.actor.id, "email": self.actor.email, "via": self.actor.via},
            "detail": self.detail,
        }


def entry_key(report_id: str, now: datetime) -> str:
    """`<report_id>/<time>-<random>.json`: one prefix per report, sorted by time within it."""
    return f"{report_id}/{now.astimezone(UTC):{_TIME_FORMAT}}-{secrets.token_hex(4)}.json"


def append(
    s3: Any,
    bucket: str,
    action: Action,
    report_id: str,
    reference: str,
    actor: Actor,
    *,
    now: datetime,
    detail: str | None = None,
) -> Entry:
    """Add one entry; StorageUnavailable when it could not be written (the caller then refuses
    the action: nothing may be opened without a record of it)."""
    if not _REPORT_ID_RE.fullmatch(report_id):
        raise ValueError("not a report id")
    at = now.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    entry = Entry(at, action, report_id, reference, actor, detail)
    try:
        s3.put_object(
            Bucket=bucket,
            Key=entry_key(report_id, now),
            Body=json.dumps(entry.as_json(), ensure_ascii=False).encode("utf-8"),
            ContentType="application/json",
            IfNoneMatch="*",
        )
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error
    return entry


def _keys(s3: Any, bucket: str, prefix: str) -> Iterator[str]:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            yield str(item["Key"])


def _parse(document: Any) -> Entry | None:
    if not isinstance(document, dict) or not isinstance(document.get("who"), dict):
        return None
    who = document["who"]
    try:
        return Entry(
            at=str(document["at"]),
            action=document["action"],
            report_id=str(document["report_id"]),
            reference=str(document.get("reference", "")),
            actor=Actor(str(who.get("id", "")), str(who.get("email", "")), who.get("via", "web")),
            detail=document.get("detail"),
        )
    except KeyError:
        return None


def entries(s3: Any, bucket: str, report_id: str | None = None) -> list[Entry]:
    """The entries of one report (or of all), oldest first."""
    prefix = f"{report_id}/" if report_id else ""

    def load(key: str) -> Entry | None:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        try:
            return _parse(json.loads(body))
        except ValueError:
            return None

    try:
        keys = list(_keys(s3, bucket, prefix))
        with ThreadPoolExecutor(_WORKERS) as pool:
            found = [entry for entry in pool.map(load, keys) if entry is not None]
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error
    return sorted(found, key=lambda entry: entry.at)
