"""`api-inbox --local`: reading the reports of the local stack through `.local/inbox.env`."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from infra.local_aws import Resources, create_resources
from tests.cli.conftest import Inbox, Stored, accept_report

# What `make serve` writes (infra/local_server.py, INBOX_ENV_NAMES).
INBOX_ENV_NAMES = (
    "AWS_ENDPOINT_URL",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "REPORTS_BUCKET",
    "KMS_KEY_ARN",
)
API_INBOX = Path(sys.executable).parent / "api-inbox"
MESSAGE = "Op kamp werd ik uitgelachen door de begeleider."


@dataclass(frozen=True)
class LocalStack:
    resources: Resources
    report: Stored
    s3: Any


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def local_stack(
    aws_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[LocalStack]:
    """A moto server with the project's resources and one report; inbox.env written in the
    working folder; the shell environment then holds none of these settings."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # Moto servers in one process share their state: start from an empty AWS.
    reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")  # noqa: S310
    urllib.request.urlopen(reset, timeout=10).close()  # noqa: S310 (our own local moto server)
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        resources = create_resources(boto3.Session())
        session = boto3.Session()
        report = accept_report(
            session.client("s3"),
            session._session,
            resources.reports_bucket,
            resources.kms_key_arn,
            MESSAGE,
        )
        values = {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_DEFAULT_REGION": resources.region,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "REPORTS_BUCKET": resources.reports_bucket,
            "KMS_KEY_ARN": resources.kms_key_arn,
        }
        env_file = tmp_path / ".local" / "inbox.env"
        env_file.parent.mkdir()
        env_file.write_text(
            "# Written by `make serve`\n"
            + "".join(f"export {name}={shlex.quote(values[name])}\n" for name in INBOX_ENV_NAMES)
        )
        s3 = boto3.client("s3")
        for name in INBOX_ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.chdir(tmp_path)
        yield LocalStack(resources, report, s3)
    finally:
        server.stop()


def test_local_show_reads_a_report_of_the_local_stack(
    local_stack: LocalStack, inbox: Inbox
) -> None:
    result = inbox("--local", "show", local_stack.report.reference)

    assert result.code == 0
    assert MESSAGE in result.out


def test_local_without_inbox_env_says_to_start_the_stack(
    aws_env: None, inbox: Inbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    result = inbox("--local", "list")

    assert result.code == 1
    assert result.err == (
        "api-inbox: .local/inbox.env not found: "
        "start the local stack with `make serve` in this folder first\n"
    )


def run_installed(*argv: str) -> subprocess.CompletedProcess[str]:
    """The installed console script, in its own process, as the API persons run it."""
    return subprocess.run(  # noqa: S603 (our own console script, fixed arguments)
        [str(API_INBOX), *argv],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
        check=False,
    )


def test_installed_command_reads_the_local_stack(local_stack: LocalStack) -> None:
    result = run_installed("--local", "show", local_stack.report.reference)

    assert result.returncode == 0, result.stderr
    assert MESSAGE in result.stdout


def test_installed_command_prints_no_traceback_for_a_tampered_report(
    local_stack: LocalStack,
) -> None:
    # Outside pytest nothing captures library logging: the AWS Encryption SDK logs its failures
    # with tracebacks, which the reader must not see.
    s3 = local_stack.s3
    bucket, key = local_stack.resources.reports_bucket, local_stack.report.key
    body = bytearray(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    body[len(body) // 2] ^= 0x01
    s3.put_object(Bucket=bucket, Key=key, Body=bytes(body))

    result = run_installed("--local", "show", local_stack.report.reference)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("api-inbox: ")
