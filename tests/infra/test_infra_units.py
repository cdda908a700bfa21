"""Small pieces of the infrastructure code that need no synth: bundling list, header mapping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra.notifications import MAILER_WRITES
from infra.package import requirements
from infra.website import HeaderError, response_headers


def test_lambda_bundle_takes_every_runtime_pin_but_the_cli_ones() -> None:
    pins = requirements()
    names = {pin.split("==")[0] for pin in pins}
    assert "rich" not in names
    assert {"aws-lambda-powertools", "aws-encryption-sdk", "altcha", "pydantic", "tzdata"} <= names
    assert all("==" in pin for pin in pins)


def test_hsts_that_cloudfront_cannot_express_is_refused() -> None:
    with pytest.raises(HeaderError, match="Strict-Transport-Security"):
        response_headers({"Strict-Transport-Security": "max-age=10; includesubdomains"})


def test_unknown_referrer_policy_is_refused() -> None:
    with pytest.raises(HeaderError, match="no-referrer-ever"):
        response_headers({"Referrer-Policy": "no-referrer-ever"})


def test_other_headers_become_custom_headers() -> None:
    _, custom = response_headers({"Permissions-Policy": "camera=()"})
    [header] = custom.custom_headers
    assert (header.header, header.value, header.override) == (
        "Permissions-Policy",
        "camera=()",
        True,
    )


def test_mailer_permissions_cover_the_prefixes_the_readme_gives_it() -> None:
    readme = (Path(__file__).resolve().parents[2] / "guides" / "reference.md").read_text(
        encoding="utf-8"
    )
    layout = readme.split("## Storage layout", 1)[1]
    prefixes = set()
    for row in layout.splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", row.strip().strip("|"))]
        if len(cells) == 3 and cells[1].startswith("mailer"):
            prefixes |= {key.split("/", 1)[0] + "/" for key in re.findall(r"`([^`]+)`", cells[0])}
    assert prefixes == set(MAILER_WRITES)
