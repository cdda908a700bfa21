"""`make bench`: every benchmark in one run; prints one markdown table and writes bench/results.md.

Everything runs on this machine against 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench import coldstart, drain, lighthouse, package_size, pages, throughput, warm
from bench.common import ROOT, Row, local_server, machine, table

RESULTS = ROOT / "bench" / "results.md"
README = ROOT / "bench" / "README.md"


def main() -> int:
    started = time.perf_counter()
    rows: list[Row] = []
    print("cold start ...", file=sys.stderr, flush=True)
    rows += coldstart.measure()
    print("warm cost ...", file=sys.stderr, flush=True)
    rows += warm.measure()
    with tempfile.TemporaryDirectory() as state, local_server(Path(state)) as server:
        print("pages, build time, proof of work ...", file=sys.stderr, flush=True)
        page_rows, breakdown = pages.measure(server)
        rows += page_rows
        print("lighthouse ...", file=sys.stderr, flush=True)
        scores = lighthouse.measure(server)
        print("throughput and loss ...", file=sys.stderr, flush=True)
        rows += throughput.measure(server)
    print("mailer drain ...", file=sys.stderr, flush=True)
    rows += drain.measure()
    print("Lambda package ...", file=sys.stderr, flush=True)
    rows += package_size.measure()
    result = table(rows)
    print(result)
    RESULTS.write_text(
        "# Benchmark results\n\n"
        "Written by `make bench` (`python -m bench`); every figure is a median over repeated "
        "runs, measured side by side with its baseline in the same run.\n\n"
        f"Machine: {machine()}. The run took {(time.perf_counter() - started) / 60:.0f} min.\n\n"
        f"{result}\n\n"
        "What the Dutch home page loads beyond the plain Material page (gzip -9, first visit):\n\n"
        f"{breakdown}\n\n"
        f"## Lighthouse {lighthouse.VERSION}, mobile\n\n"
        f"`make serve`'s local server; median of {lighthouse.RUNS} runs per page for every "
        "figure.\n\n"
        f"{lighthouse.table(scores)}\n\n"
        # What stands in the way of each missed target: written by hand, kept beside the figures.
        + README.read_text(encoding="utf-8").replace("# ", "## ", 1)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
