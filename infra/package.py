"""Bundle the Lambda code without Docker: arm64 / Python 3.13 wheels plus `functions/reportdesk`,
without what only the `api-inbox` command line uses (`reportdesk/cli`, `rich`). The wheels are
those of requirements/runtime.lock, each file checked against the lock's hashes.

Usage: python -m infra.package [TARGET_DIR] (default build/lambda). The CDK app runs the same
bundling through `LocalBundling` when it deploys.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import ILocalBundling

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "functions"
DEFAULT_TARGET = ROOT / "build" / "lambda"
# The runtime dependencies with their hashes (`make lock`), from pyproject.toml's `dependencies`.
LOCK = ROOT / "requirements" / "runtime.lock"
# Only the api-inbox command line uses these; the functions never import them. `rich` is the `cli`
# extra of pyproject.toml, so it is not in the runtime lock anyway; this is a second guard.
NOT_IN_LAMBDA = frozenset({"rich"})
NOT_IN_LAMBDA_PACKAGES = frozenset({"cli"})
# The Lambda runtime: keep in step with `RUNTIME` and `ARCHITECTURE` in infra/functions.py.
PIP_PLATFORM = (
    "--platform=manylinux2014_aarch64",
    "--only-binary=:all:",
    "--python-version=3.13",
    "--implementation=cp",
)


def locked(lock: Path = LOCK) -> list[str]:
    """The names of the packages the lock pins (its lines `name==version ...`)."""
    names = (line.split("==", 1)[0] for line in lock.read_text(encoding="utf-8").splitlines())
    return [name.strip().lower() for name in names if name[:1].isalnum()]


def pip_command(target: Path, lock: Path = LOCK) -> list[str]:
    """pip installing the lock's wheels for the Lambda runtime into `target`. With
    `--require-hashes` every file must match a hash of the lock, and every dependency pip finds
    must be in the lock (pinned, with hashes), or the install stops."""
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        "--require-hashes",
        *PIP_PLATFORM,
        f"--target={target}",
        f"--requirement={lock}",
    ]


def bundle(target: Path) -> None:
    """Write the deployable code into `target`: wheels for the runtime, then our package.

    boto3 is in the Lambda runtime too; bundling the pinned one keeps Lambda on the version the
    tests ran with.
    """
    wrong = NOT_IN_LAMBDA & set(locked())
    if wrong:
        raise ValueError(f"{LOCK} pins {sorted(wrong)}: only the command line uses them")
    target.mkdir(parents=True, exist_ok=True)
    # Our own interpreter, arguments from this module and the lock.
    subprocess.run(pip_command(target), check=True)  # noqa: S603
    copy_source(target)


def _not_bundled(directory: str, names: list[str]) -> set[str]:
    """What `copytree` leaves out: caches, and the command line's subpackages."""
    left_out = {name for name in names if name == "__pycache__" or name.endswith(".pyc")}
    if Path(directory) == SOURCE / "reportdesk":
        left_out |= NOT_IN_LAMBDA_PACKAGES & set(names)
    return left_out


def copy_source(target: Path) -> None:
    """Our package into `target`, without the command line (`reportdesk/cli`)."""
    shutil.copytree(
        SOURCE / "reportdesk", target / "reportdesk", ignore=_not_bundled, dirs_exist_ok=True
    )


@jsii.implements(ILocalBundling)
class LocalBundling:
    """CDK asset bundling on this machine instead of in a Docker container."""

    def try_bundle(self, output_dir: str, *args: Any, **kwargs: Any) -> bool:
        bundle(Path(output_dir))
        return True


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else DEFAULT_TARGET
    if target.exists():
        shutil.rmtree(target)
    bundle(target)
    size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
    print(f"{target}: {size / 1e6:.1f} MB unzipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
