"""What the scheduled functions read and write in the reports bucket: key listings, reports'
metadata (HEAD), case states, and the "sent" markers. Never a report's body.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from botocore.exceptions import ClientError

from reportdesk.cases import state as casestate
from reportdesk.cases.state import CaseState
from reportdesk.core import clock
from reportdesk.core.layout import CASES_PREFIX, ENTRY_PREFIXES, REPORTS_PREFIX, report_id_from_key
from reportdesk.core.reference import is_report_id
from reportdesk.core.s3 import CONDITIONAL_WRITE_LOST, NOT_FOUND, error_code
from reportdesk.followup import store as followup_store
from reportdesk.reminders import rules

Outcome = Literal["sent", "nothing_waits", "already_sent"]


def listing(s3: Any, bucket: str, prefix: str) -> Iterator[dict[str, Any]]:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        yield from page.get("Contents", [])


@dataclass(frozen=True)
class StoredCases:
    """Every report with its key, and the case objects whose report is gone."""

    cases: list[tuple[rules.Case, str]]
    orphans: list[str]


def load_cases(s3: Any, bucket: str) -> StoredCases:
    """Every stored report as a `rules.Case`. Case objects are listed before reports: one whose
    report is not listed afterwards belongs to a deleted report (an orphan)."""
    case_ids = {
        item["Key"].removeprefix(CASES_PREFIX) for item in listing(s3, bucket, CASES_PREFIX)
    }
    times: dict[str, dict[str, list[datetime]]] = defaultdict(lambda: defaultdict(list))
    for prefix in ENTRY_PREFIXES.values():
        for item in listing(s3, bucket, prefix):
            entry = followup_store.entry_of_key(item["Key"])
            if entry is not None:
                times[entry.report_id][entry.kind].append(entry.sent_at)
    cases: list[tuple[rules.Case, str]] = []
    for item in listing(s3, bucket, REPORTS_PREFIX):
        report_id = report_id_from_key(item["Key"])
        if report_id is None:
            continue
        try:
            # HEAD: metadata only (s3:GetObject allows it; without kms:Decrypt no body is read).
            head = s3.head_object(Bucket=bucket, Key=item["Key"])
        except ClientError as error:
            if error_code(error) in NOT_FOUND:
                continue  # deleted since the listing
            raise
        state = casestate.read(s3, bucket, report_id) if report_id in case_ids else CaseState()
        metadata = head.get("Metadata", {})
        case = rules.Case(
            report_id=report_id,
            reference=metadata.get("reference", ""),
            received=clock.received_time(head.get("Metadata", {}), head["LastModified"]),
            triage=metadata.get("triage", ""),
            state=state,
            reply_times=tuple(times[report_id]["reply"]),
            message_times=tuple(times[report_id]["message"]),
        )
        cases.append((case, item["Key"]))
    listed = {case.report_id for case, _ in cases}
    orphans = sorted(i for i in case_ids if is_report_id(i) and i not in listed)
    return StoredCases(cases=cases, orphans=orphans)


def claim_marker(s3: Any, bucket: str, key: str) -> bool:
    try:
        # SSE-S3: an empty marker, and this role may use no KMS key.
        s3.put_object(
            Bucket=bucket, Key=key, Body=b"", IfNoneMatch="*", ServerSideEncryption="AES256"
        )
    except ClientError as error:
        if error_code(error) in CONDITIONAL_WRITE_LOST:
            return False
        raise
    return True
