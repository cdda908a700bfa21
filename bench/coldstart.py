"""Cold start: import time of each function's module against `import boto3` alone."""

from __future__ import annotations

import subprocess
import sys

from bench.common import ROOT, Row, median, ratio_row

RUNS = 15
_PROBE = "import time; t=time.perf_counter(); import {module}; print(time.perf_counter()-t)"
MODULES = {"intake": "reportdesk.intake.handler", "mailer": "reportdesk.mailer.handler"}
TARGET = 1.6


def import_seconds(module: str) -> float:
    """Seconds a fresh interpreter spends importing `module`."""
    result = subprocess.run(  # noqa: S603 - our interpreter, a fixed probe
        [sys.executable, "-c", _PROBE.format(module=module)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    return float(result.stdout)


def measure() -> list[Row]:
    times: dict[str, list[float]] = {"boto3": [], **{m: [] for m in MODULES.values()}}
    # Interleaved, so load from other work on the machine falls on every module alike.
    for _ in range(RUNS):
        for module in times:
            times[module].append(import_seconds(module))
    boto3 = median(times["boto3"]) * 1000
    return [
        ratio_row(
            f"Cold start: import of the {name} handler module",
            median(times[module]) * 1000,
            boto3,
            "ms",
            "import boto3",
            TARGET,
            f"median of {RUNS} fresh interpreters each, interleaved",
        )
        for name, module in MODULES.items()
    ]
