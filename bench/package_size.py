"""Lambda package size: the bundle `infra.package` builds (shared by every function), zipped."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bench.common import ROOT, Row

# boto3 and what it pulls in: the part of the bundle every Python Lambda carries anyway.
BOTO3_PARTS = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
FUNCTIONS = ("intake", "mailer", "digest")
ZIPPED_LIMIT_MB = 50.0


def zipped_bytes(root: Path, files: list[Path]) -> int:
    """Size of a deflate (level 9) zip of `files`, as stored under `root`."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "bundle.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
            for file in sorted(files):
                out.write(file, file.relative_to(root))
        return archive.stat().st_size


def _is_boto3_part(file: Path, root: Path) -> bool:
    top = file.relative_to(root).parts[0]
    return top.split("-")[0].lower() in BOTO3_PARTS or top.split("-")[0] == "python_dateutil"


def measure() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        bundle = Path(tmp) / "lambda"
        subprocess.run(  # noqa: S603 - our interpreter, our module
            [sys.executable, "-m", "infra.package", str(bundle)],
            check=True,
            cwd=ROOT,
            timeout=900,
            # pip's warnings about unused index locations are noise here.
            capture_output=True,
        )
        files = [file for file in bundle.rglob("*") if file.is_file()]
        unzipped = sum(file.stat().st_size for file in files)
        zipped = zipped_bytes(bundle, files)
        boto3_only = zipped_bytes(bundle, [f for f in files if _is_boto3_part(f, bundle)])
    return [
        Row(
            f"Lambda package, zipped ({', '.join(FUNCTIONS)}: one shared bundle)",
            f"{zipped / 1e6:.1f} MB ({unzipped / 1e6:.1f} MB unzipped)",
            f"boto3 and its dependencies alone: {boto3_only / 1e6:.1f} MB zipped",
            ratio=zipped / boto3_only,
            target=f"≤ {ZIPPED_LIMIT_MB:.0f} MB (Lambda's zipped upload limit)",
            met=zipped / 1e6 <= ZIPPED_LIMIT_MB,
            note="`python -m infra.package` (arm64, Python 3.13 wheels), deflate level 9",
        )
    ]
