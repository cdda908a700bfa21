"""`make bench` takes half an hour, so nothing else runs it; these run every benchmark once with
small counts, so a change that breaks one (a renamed function, a new return value) fails here and
not on the day somebody measures. The figures themselves are not asserted: only that each
benchmark completes and checks what it counts (nothing lost, nothing announced twice).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import coldstart, drain, lighthouse, pages, throughput, warm
from bench.common import LocalServer, Row, local_server, table


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with local_server(tmp_path_factory.mktemp("bench-server")) as running:
        yield running


def _measures(rows: list[Row]) -> list[str]:
    assert table(rows).count("\n") == len(rows) + 1
    return [row.measure for row in rows]


def test_cold_start_measures_both_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coldstart, "RUNS", 1)
    rows = coldstart.measure()
    assert _measures(rows) == [
        "Cold start: import of the intake handler module",
        "Cold start: import of the mailer handler module",
    ]
    assert all(row.ratio is not None and row.ratio > 0 for row in rows)


def test_warm_cost_runs_the_handler_against_the_bare_calls() -> None:
    rows = warm.measure(reports=2)
    assert len(rows) == 3
    # The handler's own writes, found by watching its S3 client, are what the bare calls repeat.
    assert "reports/" in rows[1].baseline
    assert "challenges/" in rows[2].baseline


def test_drain_announces_each_report_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drain, "FLOOD", 20)
    rows = drain.measure()
    # Both ways: moto in its own process (the target) and in the consumer's process.
    assert len(rows) == 2
    assert all("20 of 20 announced exactly once" in row.baseline for row in rows)


def test_page_weight_build_time_and_proof_of_work(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "BUILDS", 1)
    monkeypatch.setattr(pages, "SOLVES", 1)
    monkeypatch.setattr(pages, "FULL_RANGE_SOLVES", 1)
    rows, breakdown = pages.measure(server)
    measures = _measures(rows)
    assert sum(m.startswith("Page weight: first visit") for m in measures) == 3
    assert any(m.startswith("Proof of work:") for m in measures)
    assert "search_index.json" in breakdown


def test_lighthouse_scores_a_page(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not lighthouse.LIGHTHOUSE.exists():
        pytest.fail("Lighthouse is missing: `make test` installs it (npm ci)")
    monkeypatch.setattr(lighthouse, "RUNS", 1)
    result = lighthouse.measure_page(server.url + "report/", "report form", "nl", tmp_path)
    assert set(result.scores) == set(lighthouse.CATEGORIES)
    assert "| report form | nl |" in lighthouse.table([result])


def test_throughput_stores_and_announces_each_report_once(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throughput, "REPORTS", 20)
    monkeypatch.setattr(throughput, "CLIENTS", 4)
    rows = {row.measure.split(":")[0]: row for row in throughput.measure(server)}
    assert all(row.met is not False for row in rows.values()), table(list(rows.values()))
