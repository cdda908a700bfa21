"""The page's own solver answers the report API's challenge correctly, in about a second."""

from __future__ import annotations

import base64
import hashlib
import json
import statistics
import urllib.request
from typing import Any

from playwright.sync_api import Page

from tests.local.local_process import LocalServer

SOLVES = 10
# Far above the ~1 s aimed at: this only catches a solver that has become unusable.
MEDIAN_LIMIT_MS = 5_000
SOLVE = """async (challenge) => {
  const started = performance.now();
  const payload = await window.reportdeskAltcha.solve(challenge);
  return {payload, ms: performance.now() - started};
}"""


def challenge(server: LocalServer) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server.url}/api/challenge", timeout=10) as response:  # noqa: S310
        data: dict[str, Any] = json.load(response)
        return data


def test_solver_finds_the_number_behind_each_challenge_within_seconds(
    page: Page, server: LocalServer
) -> None:
    page.goto("/en/report/")
    # Let the page's own background solve finish first, so it does not share the CPU.
    page.wait_for_selector('#report-form[data-altcha="solved"]')
    times = []
    for _ in range(SOLVES):
        issued = challenge(server)
        result = page.evaluate(SOLVE, issued)
        payload = json.loads(base64.b64decode(result["payload"]))
        digest = hashlib.sha256(f"{issued['salt']}{payload['number']}".encode()).hexdigest()
        assert digest == issued["challenge"]
        assert payload["signature"] == issued["signature"]
        times.append(result["ms"])
    median = statistics.median(times)
    print(f"\nALTCHA solve time in Chromium: median {median:.0f} ms of {SOLVES}, {sorted(times)}")
    assert median < MEDIAN_LIMIT_MS
