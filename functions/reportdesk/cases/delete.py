"""Deleting a report with every trace: the report, its thread, the follow-up code's mappings, the
mailer's markers and digest entries, and its case state. Every version goes, at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from reportdesk.cases.state import case_key
from reportdesk.core.reference import is_report_id
from reportdesk.followup import store as followup_store
from reportdesk.intake.storage import StorageUnavailable

# The mailer's keys that name a report (README "Storage layout"): `notified/<id>`,
# `notified/<id>/<message>`, `notifying/<id>...`, `digest/<hour>/<id>[-<message>]`.
MARKER_PREFIXES: Final = ("notified/", "notifying/")
DIGEST_PREFIX: Final = "digest/"


def delete_versions(
    s3: Any, bucket: str, prefix: str, keep: Callable[[str], bool] = lambda key: False
) -> int:
    """Remove every version and delete marker under `prefix` (except keys `keep` names);
    returns how many were removed."""
    doomed: list[dict[str, str]] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            if not keep(item["Key"]):
                doomed.append({"Key": item["Key"], "VersionId": item["VersionId"]})
    for start in range(0, len(doomed), 1000):
        response = s3.delete_objects(
            Bucket=bucket, Delete={"Objects": doomed[start : start + 1000], "Quiet": True}
        )
        if response.get("Errors"):
            raise StorageUnavailable(str(response["Errors"][0].get("Code", "error")))
    return len(doomed)


def _not_of(report_id: str) -> Callable[[str], bool]:
    """For digest keys: keep every entry that is not this report's (`digest/<hour>/<name>`)."""
    return lambda key: not key.rsplit("/", 1)[-1].startswith(report_id)


def delete_every_trace(s3: Any, bucket: str, report_id: str, report_key: str) -> int:
    """Delete the report stored at `report_key` and everything that names it; returns how many
    versions were removed. Safe to run again after a failure: the report object and then the case
    state go last, so an interrupted deletion is still found (and never shown as a new report).
    """
    if not is_report_id(report_id) or not report_key.endswith(f"/{report_id}"):
        raise ValueError("not this report's key")
    # The follow-up first: from then on the child's code is an unknown code.
    removed = followup_store.delete_followup(s3, bucket, report_id)
    for prefix in MARKER_PREFIXES:
        # A report id has a fixed length, so this prefix names this report's keys only.
        removed += delete_versions(s3, bucket, f"{prefix}{report_id}")
    removed += delete_versions(s3, bucket, DIGEST_PREFIX, keep=_not_of(report_id))
    removed += delete_versions(s3, bucket, report_key)
    return removed + delete_versions(s3, bucket, case_key(report_id))
