"""Who is calling: the claims API Gateway's JWT authorizer checked (issuer, audience, expiry,
signature) and passed on, and whether that person is one of the `readers`.

The authorizer has already refused every request without a valid token; a request that still
arrives here without claims is refused the same way (401).
"""

from __future__ import annotations

from typing import Any, Final

from reportdesk.cases.audit import Actor

READERS_GROUP: Final = "readers"


class NotSignedIn(Exception):
    """No verified claims: answered 401."""


class NotAReader(Exception):
    """Signed in, but not in the `readers` group: answered 403."""


def claims(event: dict[str, Any]) -> dict[str, Any]:
    """The verified token claims of an HTTP API (payload 2.0) event."""
    context = event.get("requestContext") or {}
    authorizer = context.get("authorizer") or {}
    jwt = authorizer.get("jwt") or {}
    found = jwt.get("claims")
    if not isinstance(found, dict) or not found.get("sub"):
        raise NotSignedIn
    return found


def groups(claim: Any) -> set[str]:
    """`cognito:groups` as a set: API Gateway passes a list as the text `[a b]`."""
    if isinstance(claim, list):
        return {str(item) for item in claim}
    if isinstance(claim, str):
        return {item for item in claim.strip("[]").replace(",", " ").split() if item}
    return set()


def reader(event: dict[str, Any]) -> Actor:
    """The signed-in reader, or NotSignedIn / NotAReader."""
    found = claims(event)
    if READERS_GROUP not in groups(found.get("cognito:groups")):
        raise NotAReader
    return Actor(id=str(found["sub"]), email=str(found.get("email") or ""), via="web")
