"""Deleting a report with every trace: the report, its thread, the follow-up code's mappings, the
mailer's markers and digest entries, and its case state. Every version goes, at once.
"""

from __future__ import annotations

from typing import Any

from reportdesk.core import layout
from reportdesk.core.s3 import delete_every_version
from reportdesk.followup import store as followup_store


def _digest_entries(s3: Any, bucket: str, report_id: str) -> set[str]:
    """The report's entries in any hour's digest, reports and messages alike."""
    pages = s3.get_paginator("list_object_versions").paginate(
        Bucket=bucket, Prefix=layout.DIGEST_PREFIX
    )
    return {
        item["Key"]
        for page in pages
        for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
        if layout.is_digest_entry_of(item["Key"], report_id)
    }


def delete_every_trace(s3: Any, bucket: str, report_key: str) -> int:
    """Delete the report stored at `report_key` and everything that names it; returns how many
    versions were removed. Safe to run again after a failure: the report object and then the case
    state go last, so an interrupted deletion is still found (and never shown as a new report).
    StorageUnavailable when S3 refused a deletion.
    """
    report_id = layout.report_id_from_key(report_key)
    if report_id is None:
        raise ValueError("not a report key")
    # The follow-up first: from then on the child's code is an unknown code.
    removed = followup_store.delete_followup(s3, bucket, report_id)
    for prefix in layout.report_trace_prefixes(report_id):
        removed += delete_every_version(s3, bucket, prefix)
    for key in sorted(_digest_entries(s3, bucket, report_id)):
        removed += delete_every_version(s3, bucket, key, exact=True)
    removed += delete_every_version(s3, bucket, report_key, exact=True)
    return removed + delete_every_version(s3, bucket, layout.case_key(report_id), exact=True)
