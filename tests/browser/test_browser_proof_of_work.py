"""The page's own solver answers the report API's challenge correctly, in a worker, quickly; its
SHA-256 gives hashlib's digests."""

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
# Far above the 0.1 s aimed at (see challenge.MAX_NUMBER): this only catches a solver that has
# become unusable on a busy machine.
MEDIAN_LIMIT_MS = 5_000
SOLVE = """async (challenge) => {
  const started = performance.now();
  const payload = await window.reportdeskAltcha.solve(challenge);
  return {payload, ms: performance.now() - started};
}"""
# Messages around the block edges (55, 56, 64 bytes...), several blocks, and UTF-8.
MESSAGES = [
    b"",
    b"abc",
    *(bytes(range(48, 48 + n % 70)) * (1 + n // 70) for n in (55, 56, 57, 63, 64, 65, 119, 120)),
    bytes(range(256)) * 3,
    "Iemand pest mij élke dag — ça fait mal. 😢".encode(),
]
HASH = """(messages) => messages.map((hex) => {
  const bytes = (hex.match(/../g) || []).map((pair) => parseInt(pair, 16));
  return self.reportdeskSha256.hex(new Uint8Array(bytes));
})"""


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


def test_solving_runs_in_a_worker_off_the_main_thread(page: Page) -> None:
    page.goto("/en/report/")
    page.wait_for_selector('#report-form[data-altcha="solved"]')
    assert "altcha-worker.js" in [worker.url.rsplit("/", 1)[-1] for worker in page.workers]


def test_the_workers_sha256_gives_the_digests_of_hashlib(page: Page) -> None:
    page.goto("/en/report/")
    page.add_script_tag(url="/assets/javascripts/sha256.js")
    digests = page.evaluate(HASH, [message.hex() for message in MESSAGES])
    assert digests == [hashlib.sha256(message).hexdigest() for message in MESSAGES]
