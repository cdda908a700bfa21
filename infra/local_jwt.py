"""The local stand-in for API Gateway's JWT authorizer in front of `/api/inbox/*`.

The same checks the authorizer makes for a Cognito ID token: RS256 signature against the pool's
published keys (JWKS), issuer, audience (the app client), `token_use`, expiry. The library does
the JOSE work (joserfc); this module only says what to check. A request that fails any check gets
the authorizer's own answer: 401 `{"message":"Unauthorized"}`.
"""

from __future__ import annotations

import json
import time
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Final

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

ALGORITHMS: Final = ["RS256"]


def issuer(region: str, pool_id: str) -> str:
    """The `iss` of a pool's tokens (moto uses the real AWS form too)."""
    return f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"


def bearer(headers: dict[str, str]) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (lower-case header names)."""
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


@dataclass
class JwtAuthorizer:
    """Verifies tokens for one pool and app client; the keys are fetched once from `jwks_url`."""

    jwks_url: str
    issuer: str
    audience: str
    _keys: KeySet | None = field(default=None, repr=False)

    def keys(self) -> KeySet:
        if self._keys is None:
            # The local moto endpoint (http://127.0.0.1:...), never a URL from a request.
            with urllib.request.urlopen(self.jwks_url, timeout=5) as answer:  # noqa: S310
                self._keys = KeySet.import_key_set(json.load(answer))
        return self._keys

    def claims(self, token: str | None) -> dict[str, Any] | None:
        """The verified claims, or None when API Gateway would refuse the token."""
        if not token:
            return None
        try:
            decoded = jwt.decode(token, self.keys(), algorithms=ALGORITHMS)
            jwt.JWTClaimsRegistry(
                now=int(time.time()),
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.audience},
                token_use={"essential": True, "value": "id"},
                exp={"essential": True},
                sub={"essential": True},
            ).validate(decoded.claims)
        except (JoseError, ValueError):
            return None
        return dict(decoded.claims)
