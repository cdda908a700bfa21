"""The Makefile: every target has its one line for `make help`, the suites pick their tests by
the registered markers, and CI still runs `make test`.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def targets() -> set[str]:
    """The targets a person types (not files such as .venv/.installed or node_modules/...)."""
    return set(re.findall(r"^([a-z][a-z-]*):(?!=)", MAKEFILE, flags=re.MULTILINE))


def recipe(target: str) -> str:
    return MAKEFILE.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]


def test_every_target_has_a_help_line() -> None:
    documented = set(re.findall(r"^## ([a-z][a-z-]*): \S", MAKEFILE, flags=re.MULTILINE))
    assert targets() - documented == set()
    assert documented - targets() == set()


def test_make_help_prints_one_line_per_target() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "help"],  # noqa: S607 -- make from PATH, as a person runs it
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert sorted(listed) == sorted(targets())


def test_suites_use_registered_markers() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    registered = {m.split(":")[0] for m in pyproject["tool"]["pytest"]["ini_options"]["markers"]}
    assert registered == {"browser", "site_build", "infra", "slow"}
    unit = re.search(r"^UNIT\s*:=\s*(.+)$", MAKEFILE, flags=re.MULTILINE)
    assert unit is not None
    assert set(re.findall(r"not (\w+)", unit[1])) == registered
    assert '-m "$(UNIT)"' in recipe("unit")
    assert "-m browser" in recipe("browser")
    assert "-m infra" in recipe("infra-test")
    assert "-m" not in recipe("test")  # make test runs every test


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
