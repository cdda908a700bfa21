"""The reports as api-inbox lists and handles them: every report with its status, a report found
by reference, status changes and deleting every trace of a report.

Finding, decrypting and replying are `cases.reports` (shared with the web inbox); the status is
the case state (`cases.state`), the same one the web inbox, the reminders and the child's page
read. AWS clients come in as fields. A problem the reader can act on is a `CaseError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Final, cast

from reportdesk.cases import state as casestate
from reportdesk.cases.delete import delete_every_trace
from reportdesk.cases.reports import CaseError, Found, Reports
from reportdesk.cases.state import STATUSES, Status
from reportdesk.core import clock
from reportdesk.core.reference import reference_for
from reportdesk.core.s3 import StorageUnavailable

# What `mark` sets: the web inbox's statuses (`new` is only where a report starts).
MARKABLE: Final = tuple(status for status in STATUSES if status != "new")
# Older api-inbox versions had only `open` and `handled`; `list --status open` still means every
# report not handled yet.
OPEN: Final = "open"
# Enough parallel requests to list a few thousand reports in seconds, few enough to be polite.
_WORKERS: Final = 16


def markable(word: str) -> Status:
    """The status `mark` was given; CaseError saying what to type instead of an older word."""
    if word == OPEN:
        raise CaseError(
            f"{OPEN!r} is no longer a status: to reopen a report, mark it read or in_progress "
            "(the statuses of the web inbox)"
        )
    if word not in MARKABLE:
        raise CaseError(f"{word[:32]!r} is not a status: use {', '.join(MARKABLE)}")
    return cast(Status, word)


@dataclass(frozen=True)
class ReportRow:
    """One report as a listing shows it, from object metadata and the case state (never
    decrypted)."""

    reference: str
    report_id: str
    received: datetime | None
    language: str
    triage: str
    contact_wanted: bool | None
    status: Status


@dataclass(frozen=True)
class StoredReport(Found):
    """A report found, with what its metadata and its case state say about it."""

    row: ReportRow


@dataclass(frozen=True)
class Cases(Reports):
    """The reports bucket seen by api-inbox: reports, their threads and their status."""

    def _report(self, report_id: str, key: str) -> StoredReport:
        head = self.s3.head_object(Bucket=self.bucket, Key=key)
        metadata: Mapping[str, str] = head.get("Metadata", {})
        wanted = metadata.get("contact-wanted")
        reference = reference_for(report_id)
        row = ReportRow(
            reference=reference,
            report_id=report_id,
            received=clock.received_time(metadata, head["LastModified"]),
            language=metadata.get("language", "?"),
            triage=metadata.get("triage", "?"),
            contact_wanted=None if wanted is None else wanted == "yes",
            status=casestate.read(self.s3, self.bucket, report_id).status,
        )
        return StoredReport(report_id, reference, key, row)

    def all(self) -> list[StoredReport]:
        """Every report, newest first."""
        with ThreadPoolExecutor(_WORKERS) as pool:
            reports = list(pool.map(lambda item: self._report(*item), self.report_keys().items()))
        return sorted(reports, key=lambda report: report.row.received or datetime.min, reverse=True)

    def find(self, typed: str) -> StoredReport:
        found = super().find(typed)
        return self._report(found.report_id, found.key)

    def set_status(self, stored: StoredReport, status: Status, now: datetime) -> None:
        """Change the case state as the web inbox does; the caller records it first. The expiry
        of a closed report is counted from its closing day by those who know the retention."""
        casestate.change_status(self.s3, self.bucket, stored.report_id, status, now, None)

    def delete(self, stored: StoredReport) -> int:
        """Delete every trace of the report (`cases.delete`): its follow-up first (from then on
        the reporter's code is an unknown code), the mailer's markers and digest entries, every
        version of the report, its case state; returns how many versions were removed."""
        try:
            return delete_every_trace(self.s3, self.bucket, stored.key)
        except StorageUnavailable as error:
            raise CaseError(f"could not delete every version: {error}") from None
