"""Import time of the intake handler module against `import boto3` alone (README, "Development").

Run: .venv/bin/python -m tests.intake.measure_import_time   (median of 10 fresh interpreters each)
"""

from __future__ import annotations

import statistics
import subprocess
import sys

RUNS = 10
_PROBE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def import_seconds(module: str) -> float:
    """Seconds one fresh interpreter spends importing `module` (no bytecode cache is written)."""
    # Our own interpreter with a fixed probe: no untrusted input.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", _PROBE.format(module=module)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(result.stdout)


def main() -> None:
    boto3_times: list[float] = []
    handler_times: list[float] = []
    # Alternate the two, so load on the machine hits both alike.
    for _ in range(RUNS):
        boto3_times.append(import_seconds("boto3"))
        handler_times.append(import_seconds("reportdesk.intake.handler"))
    boto3_median = statistics.median(boto3_times)
    handler_median = statistics.median(handler_times)
    print(f"import boto3:             median {boto3_median * 1000:.0f} ms")
    print(f"import reportdesk.intake.handler: median {handler_median * 1000:.0f} ms")
    print(f"ratio: {handler_median / boto3_median:.2f}")


if __name__ == "__main__":
    main()
