"""The Lambda bundle holds only what the functions import: not the `api-inbox` command line
(`reportdesk/cli`) and not `rich`, which only the command line uses. Its wheels are those of
requirements/runtime.lock, each checked against the lock's hashes.
"""

from __future__ import annotations

import ast
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra import package

# Every Lambda entry point of the stack (infra/api.py, infra/followup.py, infra/notifications.py).
HANDLER_MODULES = (
    "reportdesk.intake.handler",
    "reportdesk.followup.handler",
    "reportdesk.mailer.handler",
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle as `python -m infra.package` builds it (arm64 wheels from PyPI, then our code)."""
    target = tmp_path_factory.mktemp("lambda")
    package.bundle(target)
    return target


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """Only our package, copied the way the bundle copies it (no wheels, so no network)."""
    package.copy_source(tmp_path)
    return tmp_path


def _imported(tree: Path) -> Iterator[tuple[Path, str]]:
    for file in sorted(tree.rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                yield from ((file, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                yield file, node.module
                yield from ((file, f"{node.module}.{alias.name}") for alias in node.names)


def test_a_wheel_that_does_not_match_the_lock_is_refused(tmp_path: Path) -> None:
    lock = tmp_path / "tampered.lock"
    lock.write_text(f"six==1.17.0 --hash=sha256:{'0' * 64}\n", encoding="utf-8")
    command = package.pip_command(tmp_path / "lambda", lock)
    refused = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    assert refused.returncode != 0
    assert "DO NOT MATCH THE HASHES" in refused.stderr
    assert not list((tmp_path / "lambda").glob("six*"))


def test_rich_is_the_cli_extra_and_not_a_dependency() -> None:
    import tomllib

    project = tomllib.loads((package.ROOT / "pyproject.toml").read_text())["project"]
    assert not [pin for pin in project["dependencies"] if pin.startswith("rich")]
    assert [pin for pin in project["optional-dependencies"]["cli"] if pin.startswith("rich==")]


def test_the_copied_source_has_no_cli_and_no_caches(source: Path) -> None:
    copied = source / "reportdesk"
    assert (copied / "intake" / "handler.py").is_file()
    assert (copied / "core" / "texts").is_dir()
    assert (copied / "intake" / "openapi.json").is_file()
    assert not (copied / "cli").exists()
    assert not list(copied.rglob("__pycache__"))


def test_nothing_in_the_bundled_source_imports_the_cli_or_rich(source: Path) -> None:
    wrong = [
        f"{file.relative_to(source)}: {name}"
        for file, name in _imported(source / "reportdesk")
        if name.split(".")[0] == "rich" or name.startswith("reportdesk.cli")
    ]
    assert wrong == []


def test_the_built_bundle_has_no_cli_and_no_rich(bundle: Path) -> None:
    assert (bundle / "reportdesk" / "intake" / "handler.py").is_file()
    assert (bundle / "boto3").is_dir()
    assert not (bundle / "reportdesk" / "cli").exists()
    assert not (bundle / "rich").exists()
    assert not list(bundle.glob("rich-*.dist-info"))


@pytest.mark.parametrize("module", HANDLER_MODULES)
def test_every_handler_module_is_in_the_bundle(bundle: Path, module: str) -> None:
    assert (bundle / Path(*module.split("."))).with_suffix(".py").is_file()
