"""The OpenAPI description of the report API, exercised by schemathesis against the local server
(the site, the intake function and the mailer, AWS in moto): no 5xx, every answer as described.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bench.common import ROOT, local_server

SPEC = ROOT / "functions" / "reportdesk" / "intake" / "openapi.json"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# What CloudFront passes to /api/* (AllowedMethods.ALLOW_ALL); it refuses any other method itself.
FORWARDED = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"})


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    """`python -m infra.local_server` on a free port (needs `make build`), stopped afterwards."""
    with tempfile.TemporaryDirectory() as state, local_server(Path(state)) as server:
        yield server.url.rstrip("/")


if not SPEC.is_file():
    pytest.skip(f"{SPEC.relative_to(ROOT)} does not exist yet", allow_module_level=True)
schema = schemathesis.openapi.from_path(SPEC)


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_matches_the_spec_and_none_is_a_server_error(
    case: schemathesis.Case, server_url: str
) -> None:
    if case.method.upper() not in FORWARDED:
        return
    case.call_and_validate(base_url=server_url, checks=CHECKS, timeout=30)
