"""Follow-up of a report, free of Lambda and HTTP: the child's private code (stored only as a keyed
HMAC), the API persons' replies and the child's messages (guides/reference.md, "Storage layout").
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.core import crypto
from reportdesk.core.layout import (
    ENTRY_PREFIXES,
    Kind,
    entry_prefix,
    index_key,
    index_prefix,
    mapping_key,
)
from reportdesk.core.reference import CROCKFORD_ALPHABET, is_report_id
from reportdesk.core.s3 import (
    CONDITIONAL_WRITE_LOST,
    NOT_FOUND,
    StorageUnavailable,
    delete_every_version,
    error_code,
)

CODE_LENGTH: Final = 12
CODE_BITS: Final = 60
ENTRY_SCHEMA: Final = 1

# Changing these labels makes every code ever given out unknown: never change them.
_CODE_LABEL: Final = b"reportdesk/followup-code/v1\x00"
_NOT_A_CODE_LABEL: Final = b"reportdesk/not-a-followup-code/v1\x00"
_CODE_RE: Final = re.compile(f"[{CROCKFORD_ALPHABET}]{{{CODE_LENGTH}}}")
_READ_AS: Final = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Spaces and dashes, also the typographic ones (U+2010..U+2015) a phone's keyboard may put in.
_SEPARATORS_RE: Final = re.compile("[\\s\\-\u2010-\u2015]")
# Longer than any way of writing a code; longer input is not read (but still costs the same work).
_TYPED_MAX: Final = 64
_TIME_FORMAT: Final = "%Y%m%dT%H%M%S%fZ"
_ENTRY_NAME_RE: Final = re.compile(r"(?P<time>\d{8}T\d{12}Z)-[0-9a-f]{8}")


def new_code() -> str:
    """A fresh follow-up code: 60 random bits as Crockford base32, shown `XXXX-XXXX-XXXX`."""
    number = secrets.randbits(CODE_BITS)
    chars = "".join(
        CROCKFORD_ALPHABET[(number >> shift) & 0x1F] for shift in range(CODE_BITS - 5, -1, -5)
    )
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def normalise_code(typed: str) -> str | None:
    """The 12 characters of a code as a child typed it (any case, spaces, dashes, O for 0)."""
    if len(typed) > _TYPED_MAX:
        return None
    compact = _SEPARATORS_RE.sub("", typed).upper().translate(_READ_AS)
    return compact if _CODE_RE.fullmatch(compact) else None


def _digest(secret: str, label: bytes, value: str) -> str:
    message = label + value.encode("utf-8", "surrogatepass")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def code_digest(secret: str, code: str) -> str:
    """The keyed HMAC-SHA256 (hex) under which a normalised code is stored."""
    return _digest(secret, _CODE_LABEL, code)


def issue_code(s3: Any, bucket: str, secret: str, report_id: str) -> str:
    """A new code for the report, with its mapping stored; the code itself is stored nowhere."""
    try:
        while True:
            code = new_code()
            digest = code_digest(secret, code.replace("-", ""))
            try:
                # The index first: a mapping must never exist that a deletion cannot find. Both
                # writes are conditional, as the intake's role demands of every write.
                s3.put_object(
                    Bucket=bucket, Key=index_key(report_id, digest), Body=b"", IfNoneMatch="*"
                )
                s3.put_object(
                    Bucket=bucket,
                    Key=mapping_key(digest),
                    Body=report_id.encode("ascii"),
                    IfNoneMatch="*",
                    ContentType="text/plain",
                )
            except ClientError as error:
                # Two equal 60-bit codes: practically never; then simply draw another.
                if error_code(error) in CONDITIONAL_WRITE_LOST:
                    continue
                raise
            return code
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error


def find_report(s3: Any, bucket: str, secret: str, typed: str) -> str | None:
    """The report id a typed code stands for, or None when it stands for none.

    A malformed code costs the same work as a well-formed unknown one (one HMAC, one listing), so
    the time of the answer does not tell which it was. The mapping is looked up by listing its key:
    the function may list only its own prefixes, and without an unlimited ListBucket S3 answers
    the GET of a missing key with 403, not 404.
    """
    code = normalise_code(typed)
    if code is None:
        digest = _digest(secret, _NOT_A_CODE_LABEL, typed[:_TYPED_MAX])
    else:
        digest = code_digest(secret, code)
    key = mapping_key(digest)
    try:
        listing = s3.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1)
        if not any(item["Key"] == key for item in listing.get("Contents", [])):
            return None
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as error:
        if error_code(error) in NOT_FOUND:
            return None  # deleted between the listing and the GET
        raise StorageUnavailable(error_code(error)) from error
    except BotoCoreError as error:
        raise StorageUnavailable(type(error).__name__) from error
    report_id = bytes(body).decode("ascii", "replace")
    return report_id if code is not None and is_report_id(report_id) else None


def received_at(s3: Any, bucket: str, report_id: str) -> datetime | None:
    """When the report's first code was issued, which the intake does as it stores the report:
    the follow-up may list keys but not read the report's metadata."""
    try:
        listing = s3.list_objects_v2(Bucket=bucket, Prefix=index_prefix(report_id))
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error
    times = [item["LastModified"] for item in listing.get("Contents", [])]
    return min(times, default=None)


@dataclass(frozen=True)
class Entry:
    """One reply or message of a report's thread: where it is and when it was written."""

    kind: Kind
    report_id: str
    key: str
    sent_at: datetime


def _entry(kind: Kind, report_id: str, key: str) -> Entry | None:
    match = _ENTRY_NAME_RE.fullmatch(key.removeprefix(entry_prefix(kind, report_id)))
    if match is None:
        return None
    sent_at = datetime.strptime(match["time"], _TIME_FORMAT).replace(tzinfo=UTC)
    return Entry(kind=kind, report_id=report_id, key=key, sent_at=sent_at)


def entry_of_key(key: str) -> Entry | None:
    """The reply or message stored at `key` (`replies/<id>/<time>-<hex>`), or None."""
    for kind, prefix in ENTRY_PREFIXES.items():
        report_id, _, _ = key.removeprefix(prefix).partition("/")
        if key.startswith(prefix) and is_report_id(report_id):
            return _entry(kind, report_id, key)
    return None


def entries(s3: Any, bucket: str, kind: Kind, report_id: str) -> list[Entry]:
    """The report's replies or messages, oldest first (their keys sort by time)."""
    found: list[Entry] = []
    try:
        pages = s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, Prefix=entry_prefix(kind, report_id)
        )
        for page in pages:
            for item in page.get("Contents", []):
                entry = _entry(kind, report_id, item["Key"])
                if entry is not None:
                    found.append(entry)
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error
    return sorted(found, key=lambda entry: entry.key)


def thread(s3: Any, bucket: str, report_id: str) -> list[Entry]:
    """Replies and messages together, oldest first."""
    both = entries(s3, bucket, "reply", report_id) + entries(s3, bucket, "message", report_id)
    return sorted(both, key=lambda entry: (entry.sent_at, entry.key))


def messages_since(s3: Any, bucket: str, report_id: str, since: datetime) -> int:
    """How many messages the child sent for the report at or after `since`."""
    return sum(1 for entry in entries(s3, bucket, "message", report_id) if entry.sent_at >= since)


def store_entry(
    s3: Any,
    bucket: str,
    kind: Kind,
    report_id: str,
    text: str,
    *,
    key_arn: str,
    botocore_session: Any,
    now: datetime,
    metadata: dict[str, str],
) -> Entry:
    """Encrypt `text` as a reply or message of the report (context `purpose` = `kind`) and store it.

    Raises crypto.EncryptionUnavailable or StorageUnavailable when nothing was stored.
    """
    if not is_report_id(report_id):
        raise ValueError("not a report id")
    sent_at = now.astimezone(UTC)
    key = f"{entry_prefix(kind, report_id)}{sent_at:{_TIME_FORMAT}}-{secrets.token_hex(4)}"
    document = {
        "schema": ENTRY_SCHEMA,
        "kind": kind,
        "report_id": report_id,
        "sent_at": sent_at.isoformat(),
        "text": text,
    }
    ciphertext = crypto.encrypt(
        json.dumps(document, ensure_ascii=False).encode("utf-8"),
        report_id,
        key_arn=key_arn,
        botocore_session=botocore_session,
        purpose=kind,
    )
    try:
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=ciphertext,
            IfNoneMatch="*",
            Metadata=metadata,
            ContentType="application/octet-stream",
        )
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error
    return Entry(kind=kind, report_id=report_id, key=key, sent_at=sent_at)


def read_entry(s3: Any, bucket: str, entry: Entry, *, key_arn: str, botocore_session: Any) -> str:
    """The text of a reply or message. Raises crypto.DecryptionFailed (WrongEncryptionContext when
    the object is not this kind of entry of this report) or StorageUnavailable.
    """
    try:
        body = s3.get_object(Bucket=bucket, Key=entry.key)["Body"].read()
    except (BotoCoreError, ClientError) as error:
        raise StorageUnavailable(type(error).__name__) from error
    plaintext = crypto.decrypt(
        bytes(body),
        entry.report_id,
        key_arn=key_arn,
        botocore_session=botocore_session,
        purpose=entry.kind,
    )
    try:
        document = json.loads(plaintext)
    except ValueError:
        raise crypto.DecryptionFailed("not an entry document") from None
    if (
        not isinstance(document, dict)
        or document.get("kind") != entry.kind
        or document.get("report_id") != entry.report_id
        or not isinstance(document.get("text"), str)
    ):
        raise crypto.WrongEncryptionContext("not an entry of this report")
    return str(document["text"])


def delete_followup(s3: Any, bucket: str, report_id: str) -> int:
    """Remove the report's replies, messages and code mappings (every version); returns how many
    versions were removed. Afterwards the report's codes are unknown codes.
    """
    if not is_report_id(report_id):
        raise ValueError("not a report id")
    index = index_prefix(report_id)
    removed = 0
    pages = s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=index)
    digests = {
        item["Key"].removeprefix(index)
        for page in pages
        for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
    }
    for digest in sorted(digests):
        removed += delete_every_version(s3, bucket, mapping_key(digest))
    for kind in ENTRY_PREFIXES:
        removed += delete_every_version(s3, bucket, entry_prefix(kind, report_id))
    # The index goes last: if anything above fails, a second deletion still finds the mappings.
    return removed + delete_every_version(s3, bucket, index)
