"""Small pieces of the infrastructure code that need no synth: bundling list, header mapping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from infra import package
from infra.notifications import MAILER_WRITES
from infra.website import HeaderError, response_headers


def test_lambda_bundle_takes_every_runtime_pin_but_the_cli_ones() -> None:
    names = set(package.locked())
    assert "rich" not in names
    assert {"aws-lambda-powertools", "aws-encryption-sdk", "altcha", "pydantic", "tzdata"} <= names


def test_pip_installs_the_lock_and_checks_every_hash(tmp_path: Path) -> None:
    command = package.pip_command(tmp_path)
    assert command[1:4] == ["-m", "pip", "install"]
    assert "--require-hashes" in command
    assert f"--requirement={package.LOCK}" in command
    assert set(package.PIP_PLATFORM) <= set(command)
    assert f"--target={tmp_path}" in command
    # Nothing besides the lock: a name here would be installed without a hash to check.
    assert [arg for arg in command[4:] if not arg.startswith("--")] == []


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
