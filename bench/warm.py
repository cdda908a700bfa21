"""Warm cost: one report through the intake handler against the bare boto3 calls it must make.

Runs in its own interpreter (`python -m bench.warm OUT.json`), with moto in-process, so the
handler's own log lines go to a discarded stdout and the mock ends with the process.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import ROOT, Row, median, ratio_row

REPORTS = 100
WARM_UP = 10
TARGET = 1.3
MESSAGE = (
    "Op kamp zei de leider dat ik niets mocht vertellen aan mijn ouders. Ik voel me daar niet "
    "goed bij en ik wil weten wat ik kan doen. Het gebeurde meerdere keren na de activiteiten. "
) * 3


def _payload(altcha: str | None) -> dict[str, Any]:
    """A report as the page sends it (a medium-length message, contact wanted)."""
    payload: dict[str, Any] = {
        "submission_id": str(uuid.uuid4()),
        "language": "nl",
        "message": MESSAGE,
        "organisation": "kinderrechtencoalitie",
        "age_group": "12-15",
        "contact": {"wants_contact": True, "email": "kind@example.org"},
        "website": "",
    }
    if altcha is not None:
        payload["altcha"] = altcha
    return payload


def _solved(challenge: dict[str, Any]) -> str:
    """The page's answer to an ALTCHA v1 challenge, found the same way (SHA-256 of salt + n)."""
    for number in range(int(challenge["maxNumber"]) + 1):
        digest = hashlib.sha256(f"{challenge['salt']}{number}".encode()).hexdigest()
        if digest == challenge["challenge"]:
            fields = ("algorithm", "challenge", "salt", "signature")
            solution = {name: challenge[name] for name in fields} | {"number": number}
            return base64.b64encode(json.dumps(solution).encode()).decode()
    raise ValueError("challenge without solution")


def run() -> dict[str, list[float]]:
    """Per-call seconds of: handler without / with proof of work, and the bare calls for each."""
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "eu-west-1",
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    import boto3
    from moto import mock_aws

    from infra.local_aws import create_resources
    from infra.local_server import LambdaContext, http_api_event

    with mock_aws():
        resources = create_resources(boto3.Session())
        os.environ.update(resources.environment())
        from reportdesk import challenge, intake

        secret = boto3.client("secretsmanager").get_secret_value(
            SecretId=resources.challenge_secret_id
        )["SecretString"]
        # Issued a minute ago: a child needs longer than the minimum fill time.
        issued = challenge.utc_now() - timedelta(minutes=1)
        proofs = [
            _solved(challenge.new_challenge(secret, issued)) for _ in range(REPORTS + WARM_UP)
        ]
        kms = boto3.client("kms")
        s3 = boto3.client("s3")
        context = LambdaContext("intake")

        def handler_call(altcha: str | None) -> float:
            body = json.dumps(_payload(altcha)).encode()
            headers = [("content-type", "application/json"), ("accept-language", "nl")]
            event = http_api_event("POST", "/api/reports", headers, body, "192.0.2.1")
            started = time.perf_counter()
            answer = intake.handler(event, context)
            elapsed = time.perf_counter() - started
            if answer["statusCode"] != 201:
                raise RuntimeError(f"handler answered {answer['statusCode']}")
            return elapsed

        def bare_calls(puts: int) -> float:
            report_id = uuid.uuid4().hex
            context_ = {"purpose": "report", "report_id": report_id}
            # Ciphertext of this report is about the size of the JSON plus the SDK's header.
            body = os.urandom(len(json.dumps(_payload(None))) + 600)
            started = time.perf_counter()
            kms.generate_data_key(
                KeyId=resources.kms_key_arn, KeySpec="AES_256", EncryptionContext=context_
            )
            for n in range(puts):
                s3.put_object(
                    Bucket=resources.reports_bucket,
                    Key=f"reports/2026/11/{report_id}-{n}",
                    Body=body if n == 0 else b"",
                    IfNoneMatch="*",
                    Metadata={"reference": "ABCD-EFGH-JKLM", "language": "nl"},
                    Tagging="status=open",
                )
            return time.perf_counter() - started

        times: dict[str, list[float]] = {
            "handler": [],
            "handler_pow": [],
            "bare": [],
            "bare_pow": [],
        }
        for i in range(REPORTS + WARM_UP):
            sample = {
                "handler": handler_call(None),
                "bare": bare_calls(1),
                "handler_pow": handler_call(proofs[i]),
                "bare_pow": bare_calls(2),
            }
            if i >= WARM_UP:
                for name, seconds in sample.items():
                    times[name].append(seconds)
    return times


def measure() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "warm.json"
        subprocess.run(  # noqa: S603 - our interpreter, our module
            [sys.executable, "-m", "bench.warm", str(out)],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            timeout=600,
        )
        times = json.loads(out.read_text())
    note = f"median of {REPORTS} reports each, interleaved; moto in-process"
    return [
        ratio_row(
            "Warm cost per report: intake handler, no proof of work",
            median(times["handler"]) * 1000,
            median(times["bare"]) * 1000,
            "ms",
            "KMS GenerateDataKey + S3 PutObject",
            TARGET,
            note,
        ),
        ratio_row(
            "Warm cost per report: intake handler, verified proof of work",
            median(times["handler_pow"]) * 1000,
            median(times["bare_pow"]) * 1000,
            "ms",
            "GenerateDataKey + 2 PutObject (report, challenge marker)",
            TARGET,
            note,
        ),
    ]


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps(run()))
