"""Report ids and references: both derived from the page's submission id, so a retry maps to the
same report and the same reference the child quotes later.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Final

# Changing the prefix would give every retried submission a new report id: never change it.
_REPORT_ID_PREFIX: Final = b"reportdesk/report-id/v1\x00"
CROCKFORD_ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE_BITS: Final = 40
_REPORT_ID_RE: Final = re.compile(r"[0-9a-f]{32}")
_REFERENCE_RE: Final = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
# Crockford's decoding rules: letters people confuse with digits read as those digits.
_READ_AS: Final = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_submission_id() -> str:
    """A fresh submission id, for a client that sent none."""
    return str(uuid.uuid4())


def report_id_for(submission_id: str) -> str:
    """The report id (32 lowercase hex characters: 128 bits of SHA-256) of a submission id."""
    digest = hashlib.sha256(_REPORT_ID_PREFIX + submission_id.encode("ascii")).hexdigest()
    return digest[:32]


def is_report_id(value: str) -> bool:
    """True for a well-formed report id."""
    return _REPORT_ID_RE.fullmatch(value) is not None


def reference_for(report_id: str) -> str:
    """The reference of a report: Crockford base32 of its first 40 bits, as `ABCD-EFGH`."""
    if not is_report_id(report_id):
        raise ValueError("not a report id")
    number = int(report_id[: _REFERENCE_BITS // 4], 16)
    chars = "".join(CROCKFORD_ALPHABET[(number >> shift) & 0x1F] for shift in range(35, -1, -5))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_reference(typed: str) -> str | None:
    """A reference as a person typed or read it aloud (any case, spaces, O for 0), or None."""
    compact = re.sub(r"[\s-]", "", typed).upper().translate(_READ_AS)
    candidate = f"{compact[:4]}-{compact[4:]}"
    return candidate if _REFERENCE_RE.fullmatch(candidate) else None
