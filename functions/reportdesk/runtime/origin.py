"""Origin verify: the HTTP functions answer only requests that came through CloudFront (and its
WAF), which adds a secret header; a direct call to the public execute-api address gets 403.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from botocore.exceptions import BotoCoreError, ClientError

from reportdesk.runtime import aws, http_io, settings

# The header CloudFront adds to every /api/* request (infra/website.py), and the function
# setting that names the secret holding its value (infra/api.py).
HEADER: Final = "X-Origin-Verify"
SETTING: Final = "ORIGIN_VERIFY_SECRET_ID"
# A rotation (guides/deploying.md) is seen within this time; until then the old value still works.
MAX_AGE_SECONDS: Final = aws.SECRET_MAX_AGE
# The previous value stays valid while CloudFront moves to the new one.
STAGES: Final = ("AWSCURRENT", "AWSPREVIOUS")

logger = Logger(child=True)

Fetch = Callable[[str, str], str | None]


def fetch_from_secrets_manager(secret_id: str, stage: str) -> str | None:
    """The secret's value at `stage`; None when that stage does not exist (never rotated).

    Not through Powertools Parameters (`aws.secret`): its cache does not tell stages apart."""
    client: Any = aws.clients(settings.region()).secrets
    try:
        value = client.get_secret_value(SecretId=secret_id, VersionStage=stage)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return None
        raise
    return str(value["SecretString"])


class OriginSecret:
    """The header values accepted now: the current and the previous secret version, read again
    at most every `MAX_AGE_SECONDS`. When Secrets Manager cannot be read, the last values known
    stay in use; before any value is known, `values()` is None."""

    def __init__(
        self,
        secret_id: str,
        fetch: Fetch = fetch_from_secrets_manager,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.secret_id = secret_id
        self._fetch = fetch
        self._clock = clock
        self._values: frozenset[str] | None = None
        self._read_at = float("-inf")

    def values(self) -> frozenset[str] | None:
        if self._clock() - self._read_at >= MAX_AGE_SECONDS:
            try:
                found = (self._fetch(self.secret_id, stage) for stage in STAGES)
                self._values = frozenset(value for value in found if value)
            except (BotoCoreError, ClientError) as error:
                logger.warning(
                    "origin-verify secret unavailable",
                    outcome="origin_secret_unavailable",
                    error=type(error).__name__,
                )
            self._read_at = self._clock()
        return self._values

    def allows(self, headers: Mapping[str, str]) -> bool:
        """Whether the request carries an accepted origin-verify value.

        Open when no value could ever be read: a Secrets Manager outage must not make the form
        answer "forbidden" to children (CloudFront would even show it as a missing page).
        """
        values = self.values()
        if not values:
            return True
        # API Gateway (payload 2.0) gives header names in lower case.
        given = headers.get(HEADER.lower(), "").encode("utf-8", "surrogatepass")
        return any(hmac.compare_digest(given, value.encode("utf-8")) for value in values)


_secrets: dict[str, OriginSecret] = {}


def secret_for(secret_id: str) -> OriginSecret:
    """One cached `OriginSecret` per secret id and container."""
    if secret_id not in _secrets:
        _secrets[secret_id] = OriginSecret(secret_id)
    return _secrets[secret_id]


def require_cloudfront(app: ApiGatewayResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """Route middleware: 403 to a request without the origin-verify header CloudFront adds.

    Off when `ORIGIN_VERIFY_SECRET_ID` is not set: the local stack has no CloudFront in front.
    """
    secret_id = os.environ.get(SETTING)
    if secret_id and not secret_for(secret_id).allows(app.current_event.headers):
        http_io.count("RequestRejected", "reason", "origin_not_verified")
        return http_io.json_answer(403, {"errors": [{"field": "request", "code": "forbidden"}]})
    return next_middleware(app)
