"""Fixtures of the follow-up tests: the intake, follow-up and api-inbox code running against the
moto environment of `resources`, with every log line and metric they write captured.
"""

from __future__ import annotations

import base64
import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest

from infra.local_aws import Resources
from tests.intake.conftest import LambdaContext, http_event


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Captured:
    """Everything the functions and the inbox wrote: JSON logs, metrics, stdout, other logs."""

    capsys: pytest.CaptureFixture[str]
    caplog: pytest.LogCaptureFixture
    streams: list[io.StringIO]
    _seen: list[str] = field(default_factory=list)

    def take(self) -> tuple[str, str]:
        """What was printed since the last call (kept for `text`)."""
        out = self.capsys.readouterr()
        self._seen += [out.out, out.err]
        return out.out, out.err

    def text(self) -> str:
        self.take()
        return "".join(self._seen) + "".join(s.getvalue() for s in self.streams) + self.caplog.text


@pytest.fixture
def captured(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> Iterator[Captured]:
    """The Powertools logs of the intake and follow-up functions, stdout, stderr and logging."""
    from reportdesk.followup import handler as followup
    from reportdesk.intake import handler as intake

    caplog.set_level(logging.INFO)
    swapped: list[tuple[logging.StreamHandler[Any], Any]] = []
    streams: list[io.StringIO] = []
    for logger in (intake.logger, followup.logger):
        handler = logger.registered_handler
        assert isinstance(handler, logging.StreamHandler)
        stream = io.StringIO()
        # Swapped without setStream(): that would flush a stream pytest may have closed already.
        swapped.append((handler, handler.stream))
        handler.stream = stream
        streams.append(stream)
    try:
        yield Captured(capsys, caplog, streams)
    finally:
        for handler, previous in swapped:
            handler.stream = previous


def _call(function: Any, path: str, fields: dict[str, Any], form: bool) -> Answer:
    if form:
        body = urlencode(fields)
        headers = {"content-type": "application/x-www-form-urlencoded"}
    else:
        body = json.dumps(fields)
        headers = {"content-type": "application/json"}
    result = function(http_event("POST", path, body, headers), LambdaContext())
    text = result.get("body") or ""
    if result.get("isBase64Encoded"):
        text = base64.b64decode(text).decode("utf-8")
    return Answer(result["statusCode"], result.get("headers", {}), text)


Post = Callable[..., Answer]


@pytest.fixture
def report(resources: Resources, captured: Captured) -> Post:
    """Send a report to the intake handler (JSON, or a form post with `form=True`)."""
    from reportdesk.intake import handler as intake

    def send(language: str = "nl", form: bool = False, **fields: Any) -> Answer:
        payload = {
            "language": language,
            "message": "Mijn trainer roept altijd tegen mij.",
            **fields,
        }
        return _call(intake.handler, "/api/reports", payload, form)

    return send


@pytest.fixture
def read(resources: Resources, captured: Captured) -> Post:
    """POST /api/followup/read to the follow-up handler."""
    from reportdesk.followup import handler as followup

    def send(code: str, language: str = "nl", form: bool = False) -> Answer:
        return _call(
            followup.handler, "/api/followup/read", {"code": code, "language": language}, form
        )

    return send


@pytest.fixture
def write(resources: Resources, captured: Captured) -> Post:
    """POST /api/followup/messages to the follow-up handler."""
    from reportdesk.followup import handler as followup

    def send(code: str, message: str, language: str = "nl", form: bool = False) -> Answer:
        fields = {"code": code, "language": language, "message": message}
        return _call(followup.handler, "/api/followup/messages", fields, form)

    return send


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def inbox(
    resources: Resources,
    captured: Captured,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., Run]:
    """Run `api-inbox` as an API person does (settings from the environment)."""
    from reportdesk.cli.main import main

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Run:
        captured.take()  # what came before is not this run's output
        code = main(list(args))
        out, err = captured.take()
        return Run(code, out, err)

    return run


@dataclass(frozen=True)
class Bucket:
    """The reports bucket as an auditor sees it: every version of every object."""

    resources: Resources

    @property
    def s3(self) -> Any:
        return boto3.client("s3", region_name=self.resources.region)

    def versions(self, prefix: str = "") -> list[dict[str, Any]]:
        pages = self.s3.get_paginator("list_object_versions").paginate(
            Bucket=self.resources.reports_bucket, Prefix=prefix
        )
        return [item for page in pages for item in page.get("Versions", [])]

    def names(self, prefix: str = "") -> list[str]:
        return sorted({item["Key"] for item in self.versions(prefix)})

    def everything(self) -> bytes:
        """Keys, bodies, metadata and tags of every version, as one blob to search."""
        blob = io.BytesIO()
        bucket = self.resources.reports_bucket
        for item in self.versions():
            key, version = item["Key"], item["VersionId"]
            got = self.s3.get_object(Bucket=bucket, Key=key, VersionId=version)
            tags = self.s3.get_object_tagging(Bucket=bucket, Key=key, VersionId=version)
            blob.write(key.encode() + b"\n" + got["Body"].read() + b"\n")
            blob.write(json.dumps([got.get("Metadata", {}), tags["TagSet"]]).encode() + b"\n")
        return blob.getvalue()


@pytest.fixture
def bucket(resources: Resources) -> Bucket:
    return Bucket(resources)
