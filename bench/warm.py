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
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import ROOT, Row, median, ratio_row

REPORTS = 100
NAMES = ("handler", "bare_one_put", "bare_same", "handler_pow", "bare_same_pow")
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


def run(reports: int = REPORTS) -> dict[str, list[Any]]:
    """Per-call seconds of the handler without / with proof of work and of the bare calls, and
    the prefixes of the objects the handler wrote.
    """
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "eu-west-1",
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    # Powertools' notice for answers without a business metric is noise here.
    warnings.filterwarnings("ignore", "No application metrics to publish")
    import boto3
    from moto import mock_aws

    from infra.local.events import LambdaContext, http_api_event
    from infra.local_aws import create_resources

    with mock_aws():
        resources = create_resources(boto3.Session())
        os.environ.update(resources.environment())
        from reportdesk.intake import challenge
        from reportdesk.intake import handler as intake
        from reportdesk.runtime import aws

        secret = boto3.client("secretsmanager").get_secret_value(
            SecretId=resources.challenge_secret_id
        )["SecretString"]
        # Issued a minute ago: a child needs longer than the minimum fill time.
        issued = challenge.utc_now() - timedelta(minutes=1)
        proofs = [
            _solved(challenge.new_challenge(secret, issued)) for _ in range(reports + WARM_UP)
        ]
        kms = boto3.client("kms")
        s3 = boto3.client("s3")
        context = LambdaContext("intake")
        # The objects the handler writes, to make exactly those writes bare.
        written: list[str] = []
        aws.clients(resources.region).s3.meta.events.register(
            "provide-client-params.s3.PutObject",
            lambda params, **_: written.append(params["Key"].split("/", 1)[0]),
        )

        def handler_call(altcha: str | None) -> tuple[float, list[str]]:
            body = json.dumps(_payload(altcha)).encode()
            headers = [("content-type", "application/json"), ("accept-language", "nl")]
            event = http_api_event("POST", "/api/reports", headers, body, "192.0.2.1")
            written.clear()
            started = time.perf_counter()
            answer = intake.handler(event, context)
            elapsed = time.perf_counter() - started
            if answer["statusCode"] != 201:
                raise RuntimeError(f"handler answered {answer['statusCode']}")
            return elapsed, list(written)

        def bare_calls(prefixes: list[str]) -> float:
            """GenerateDataKey, then one PutObject per prefix (the report's body, others empty)."""
            report_id = uuid.uuid4().hex
            context_ = {"purpose": "report", "report_id": report_id}
            # Ciphertext of this report is about the size of the JSON plus the SDK's header.
            body = os.urandom(len(json.dumps(_payload(None))) + 600)
            started = time.perf_counter()
            kms.generate_data_key(
                KeyId=resources.kms_key_arn, KeySpec="AES_256", EncryptionContext=context_
            )
            for prefix in prefixes:
                s3.put_object(
                    Bucket=resources.reports_bucket,
                    Key=f"{prefix}/2026/11/{report_id}",
                    Body=body if prefix == "reports" else b"",
                    IfNoneMatch="*",
                    Metadata={"reference": "ABCD-EFGH", "language": "nl"},
                )
            return time.perf_counter() - started

        times: dict[str, list[float]] = {name: [] for name in NAMES}
        writes: dict[str, list[str]] = {}
        for i in range(reports + WARM_UP):
            handler_seconds, writes["plain"] = handler_call(None)
            pow_seconds, writes["pow"] = handler_call(proofs[i])
            sample = {
                "handler": handler_seconds,
                "bare_one_put": bare_calls(["reports"]),
                "bare_same": bare_calls(writes["plain"]),
                "handler_pow": pow_seconds,
                "bare_same_pow": bare_calls(writes["pow"]),
            }
            if i >= WARM_UP:
                for name, seconds in sample.items():
                    times[name].append(seconds)
    return times | {"writes": writes["plain"], "writes_pow": writes["pow"]}  # type: ignore[dict-item]


def measure(reports: int = REPORTS) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "warm.json"
        subprocess.run(  # noqa: S603 - our interpreter, our module
            [sys.executable, "-m", "bench.warm", str(out), str(reports)],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            timeout=600,
        )
        times = json.loads(out.read_text())
    note = f"median of {reports} reports each, interleaved; moto in-process"

    def puts(prefixes: list[str]) -> str:
        return f"{len(prefixes)} PutObject ({', '.join(p + '/' for p in prefixes)})"

    return [
        ratio_row(
            "Warm cost per report: intake handler, no proof of work",
            median(times["handler"]) * 1000,
            median(times["bare_one_put"]) * 1000,
            "ms",
            "KMS GenerateDataKey + 1 S3 PutObject",
            TARGET,
            note,
        ),
        ratio_row(
            "Warm cost per report: the same, against the same AWS calls made bare",
            median(times["handler"]) * 1000,
            median(times["bare_same"]) * 1000,
            "ms",
            f"GenerateDataKey + {puts(times['writes'])}",
            TARGET,
            note,
        ),
        ratio_row(
            "Warm cost per report: verified proof of work, against the same AWS calls made bare",
            median(times["handler_pow"]) * 1000,
            median(times["bare_same_pow"]) * 1000,
            "ms",
            f"GenerateDataKey + {puts(times['writes_pow'])}",
            TARGET,
            note,
        ),
    ]


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps(run(int(sys.argv[2]))))
