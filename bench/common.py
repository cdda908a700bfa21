"""What every benchmark shares: result rows, the markdown table, the machine, the local server."""

from __future__ import annotations

import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SERVER_START_SECONDS = 90


@dataclass(frozen=True)
class Row:
    """One line of the results table: our figure beside its baseline, measured in the same run."""

    measure: str
    ours: str
    baseline: str
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ratio_row(
    measure: str,
    ours: float,
    baseline: float,
    unit: str,
    baseline_name: str,
    limit: float | None,
    note: str,
) -> Row:
    """A row comparing two medians, with a target `ratio <= limit` when given."""
    ratio = ours / baseline
    return Row(
        measure=measure,
        ours=f"{ours:.1f} {unit}" if ours < 1000 else f"{ours:,.0f} {unit}",
        baseline=f"{baseline_name}: {baseline:.1f} {unit}"
        if baseline < 1000
        else f"{baseline_name}: {baseline:,.0f} {unit}",
        ratio=ratio,
        target=f"≤ {limit:.2f}" if limit is not None else "",
        met=None if limit is None else ratio <= limit,
        note=note,
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| Measure | This project | Baseline (same run) | Ratio | Target | Met | How |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else ""
        met = {None: "", True: "yes", False: "**no**"}[row.met]
        cells = [row.measure, row.ours, row.baseline, ratio, row.target, met, row.note]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    """CPU model, cores, memory, Python and the date, for the results file."""
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kib = int(line.split()[1])
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory_kib / 1024 / 1024:.1f} GiB memory, "
        f"Python {platform.python_version()} ({platform.machine()}), "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass(frozen=True)
class LocalServer:
    """The running `infra.local_server`: its address and the emulated AWS settings it wrote."""

    url: str
    environment: dict[str, str]


def _read_env(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            values[name] = value.strip("'")
    return values


def _wait_until_up(url: str, process: subprocess.Popen[bytes], env_file: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the local server stopped while starting")
        try:
            with urllib.request.urlopen(f"{url}api/challenge", timeout=5) as answer:  # noqa: S310
                if answer.status == 200 and env_file.is_file():
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the local server did not answer within {SERVER_START_SECONDS} s")


@contextmanager
def local_server(state_dir: Path) -> Iterator[LocalServer]:
    """`python -m infra.local_server` on a free loopback port; stopped (SIGTERM) on exit."""
    port = free_port()
    url = f"http://{HOST}:{port}/"
    log = (state_dir / "server.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-m", "infra.local_server", "--port", str(port), "--state-dir", state_dir],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(url, process, state_dir / "inbox.env")
        yield LocalServer(url=url, environment=_read_env(state_dir / "inbox.env"))
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
