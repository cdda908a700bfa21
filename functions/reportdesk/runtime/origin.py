"""The origin-verify check of the HTTP functions: only requests that came through CloudFront carry
the secret header CloudFront adds, so a call straight to the execute-api address gets 403.

The expected value is a Secrets Manager secret named by `ORIGIN_VERIFY_SECRET_ID`, cached for
`aws.SECRET_MAX_AGE` (a rotation reaches every instance within that time). Without the setting,
as in the unit tests, the check is off; the local server sets it and adds the header as CloudFront
does.
"""

from __future__ import annotations

import hmac
import json
import os
from collections.abc import Mapping
from typing import Any, Final

from reportdesk.core.texts import text
from reportdesk.runtime import aws, http_io, settings

HEADER: Final = "x-origin-verify"
SETTING: Final = "ORIGIN_VERIFY_SECRET_ID"


# The value last fetched, by secret id: a Secrets Manager hiccup after `aws.SECRET_MAX_AGE` must not
# turn every child away while the value we had is still the one CloudFront sends.
_last_known: dict[str, str] = {}


def _expected(secret_id: str) -> str | None:
    """The header value to expect; None (every request refused) when it was never fetched."""
    try:
        value = aws.secret(secret_id, settings.region())
    except aws.SECRET_FAILURES:
        return _last_known.get(secret_id)
    if not value:
        return None
    _last_known[secret_id] = value
    return value


def verified(headers: Mapping[str, str]) -> bool:
    """True when the check is off, or the header holds the secret (compared in constant time)."""
    secret_id = os.environ.get(SETTING)
    if not secret_id:
        return True
    expected = _expected(secret_id)
    given = headers.get(HEADER)
    if expected is None or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def refusal(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """The 403 answer (payload 2.0) to a request that did not come through CloudFront, else None."""
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    if verified(headers):
        return None
    http_io.count("RequestRefused", "reason", "origin_not_verified")
    language = http_io.preferred_language(headers.get("accept-language"))
    body = {
        "errors": [
            {
                "field": "request",
                "code": "forbidden",
                "message": text("error.request.forbidden", language),
            }
        ]
    }
    return {
        "statusCode": 403,
        "headers": {"Content-Type": http_io.JSON_TYPE, **http_io.NO_STORE},
        "body": json.dumps(body, ensure_ascii=False),
        "isBase64Encoded": False,
    }
