"""Anti-abuse triage: ALTCHA proof-of-work challenges (v1 format), the honeypot and the fill time.

Nothing here rejects a report: a check that fails only marks the report `suspected_spam`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, cast

from altcha.v1 import (
    ChallengeOptions,
    PayloadType,
    create_challenge,
    extract_params,
    verify_solution,
)

from reportdesk.core.model import Triage

# Numbers the client may have to try (one SHA-256 each; half of them on average), chosen so that a
# phone 4x slower than our dev machine still tries them all in about a second. Measured with
# `make bench` in Chromium 156 with the page's worker (assets/javascripts/altcha-worker.js and
# sha256.js) on this project's 2-core dev machine, 2026-11-30, while busy (load average 11-14):
# 0.26-0.7 M hashes/s, 1.1-1.4x the time of CPython's hashlib on the same challenges. Quiet, hashlib
# does 0.86 M/s here (bench/results.md, 2026-11-28), so the worker about 0.7 M/s. At the former
# 50,000 the median solve was 31-153 ms busy (about 35 ms quiet; Web Crypto on the main thread
# took 207 ms). At 200,000: every number in about 0.29 s here quiet, so about 1.1 s at most (0.6 s
# on average) on a phone 4x slower, and bots pay 4x more than at 50,000.
MAX_NUMBER: Final = 200_000
CHALLENGE_LIFETIME: Final = timedelta(minutes=10)
# A person needs longer than this to read the form and write a report; scripts do not.
MIN_FILL_SECONDS: Final = 3
_ISSUED_PARAM: Final = "issued"


@dataclass(frozen=True)
class Assessment:
    """The triage of a report and why (a code for logs and metrics, never the submitted values).

    A `verified` assessment holds until its challenge is claimed (`challenge_hash`): a challenge
    that was used before makes the report `suspected_spam` after all (`replayed`).
    """

    triage: Triage
    reason: str
    challenge_hash: str | None = None


def replayed() -> Assessment:
    """The assessment of a valid proof whose challenge another submission used first."""
    return Assessment("suspected_spam", "replayed_proof")


def new_challenge(secret: str, now: datetime) -> dict[str, Any]:
    """A signed challenge for the page, carrying its issue time and expiring after 10 minutes."""
    challenge = create_challenge(
        ChallengeOptions(
            hmac_key=secret,
            max_number=MAX_NUMBER,
            expires=now + CHALLENGE_LIFETIME,
            params={_ISSUED_PARAM: str(int(now.timestamp()))},
        )
    )
    return challenge.to_dict()


_PAYLOAD_TYPES: Final = {
    "algorithm": str,
    "challenge": str,
    "number": int,
    "salt": str,
    "signature": str,
}


def _decode(payload: str) -> PayloadType | None:
    """The payload the page sent, when it has the shape of an ALTCHA v1 solution."""
    try:
        decoded = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError, RecursionError):
        return None
    if not isinstance(decoded, dict) or not all(
        isinstance(decoded.get(name), kind) for name, kind in _PAYLOAD_TYPES.items()
    ):
        return None
    return cast(PayloadType, decoded)


def _first_int(params: dict[str, list[str]], name: str) -> int | None:
    try:
        return int(params[name][0])
    except (KeyError, IndexError, ValueError):
        return None


def challenge_hash(payload: PayloadType) -> str:
    """The SHA-256 of a payload's challenge: the name of its single-use marker."""
    return hashlib.sha256(payload["challenge"].encode("utf-8")).hexdigest()


def assess(*, altcha: str | None, website: str | None, secret: str, now: datetime) -> Assessment:
    """Triage a submission by everything but single use (see `Assessment`)."""
    if website:
        return Assessment("suspected_spam", "honeypot")
    if altcha is None:
        return Assessment("unverified", "no_proof")
    payload = _decode(altcha)
    if payload is None:
        return Assessment("suspected_spam", "malformed_proof")
    params = extract_params(payload)
    expires = _first_int(params, "expires")
    issued = _first_int(params, _ISSUED_PARAM)
    if expires is None or issued is None:
        return Assessment("suspected_spam", "forged_proof")
    if expires < now.timestamp():
        return Assessment("suspected_spam", "expired_proof")
    valid, _error = verify_solution(payload, secret, check_expires=False)
    if not valid:
        return Assessment("suspected_spam", "invalid_proof")
    if now.timestamp() - issued < MIN_FILL_SECONDS:
        return Assessment("suspected_spam", "too_fast")
    return Assessment("verified", "verified", challenge_hash(payload))


def utc_now() -> datetime:
    """The current time, aware and in UTC (one place, so tests can reason about it)."""
    return datetime.fromtimestamp(time.time(), tz=UTC)
