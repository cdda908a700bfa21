"""What every S3 user of the project does the same way: read the error code of a failure, know a
lost conditional write, delete every version of objects, and the one "storage unavailable" error.
"""

from __future__ import annotations

from typing import Any, Final

from botocore.exceptions import ClientError

# A conditional write (IfNoneMatch / IfMatch) lost: the key exists or changed (412), or another
# conditional write to it is in progress (409 ConditionalRequestConflict).
CONDITIONAL_WRITE_LOST: Final = frozenset({"PreconditionFailed", "ConditionalRequestConflict"})
NOT_FOUND: Final = frozenset({"404", "NoSuchKey", "NotFound"})
_BATCH: Final = 1000


class StorageUnavailable(Exception):
    """S3 could not be used: the object may not have been written and must be retried."""


def error_code(error: BaseException) -> str:
    """The AWS error code of a ClientError, else the class of the failure (timeout, connection)."""
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", ""))
    return type(error).__name__


def delete_every_version(s3: Any, bucket: str, prefix: str, *, exact: bool = False) -> int:
    """Remove every version and delete marker under `prefix` (only of the key `prefix` itself when
    `exact`); returns how many were removed. StorageUnavailable when S3 refused one of them.
    """
    doomed: list[dict[str, str]] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            if not exact or item["Key"] == prefix:
                doomed.append({"Key": item["Key"], "VersionId": item["VersionId"]})
    for start in range(0, len(doomed), _BATCH):
        response = s3.delete_objects(
            Bucket=bucket, Delete={"Objects": doomed[start : start + _BATCH], "Quiet": True}
        )
        if response.get("Errors"):
            raise StorageUnavailable(str(response["Errors"][0].get("Code", "error")))
    return len(doomed)
