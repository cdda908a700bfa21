"""Where api-inbox finds the reports: the command line, the environment, the config file, or the
local stack's `.local/inbox.env` (`--local`).
"""

from __future__ import annotations

import shlex
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reportdesk.cases.reports import CaseError

LOCAL_ENV_FILE = Path(".local") / "inbox.env"
# A problem the reader can act on, shown as one line on stderr.
InboxError = CaseError


@dataclass(frozen=True)
class Settings:
    """Where the reports are and who reads them."""

    bucket: str
    kms_key_arn: str
    region: str
    profile: str | None
    # The web inbox's access record: every decryption here is added to it, as in the web inbox.
    audit_bucket: str | None = None


def default_config_path() -> Path:
    return Path.home() / ".config" / "api-inbox" / "config.toml"


def read_local_env(path: Path) -> dict[str, str]:
    """The `export NAME=value` lines that `make serve` writes for the local stack."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InboxError(
            f"{path} not found: start the local stack with `make serve` in this folder first"
        ) from None
    values: dict[str, str] = {}
    for line in text.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            words = ["?"]
        if words[:1] == ["export"]:
            words = words[1:]
        if not words:
            continue
        name, sep, value = words[0].partition("=")
        if len(words) != 1 or not sep:
            raise InboxError(f"{path}: cannot read the line {line!r}")
        values[name] = value
    return values


def read_config(path: Path, explicit: bool) -> dict[str, str]:
    """The config file's settings; a missing default file is fine, a missing chosen one is not."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        if explicit:
            raise InboxError(f"config file {path} not found") from None
        return {}
    except tomllib.TOMLDecodeError as error:
        raise InboxError(f"config file {path} is not valid TOML: {error}") from None
    known = {"bucket", "kms_key_arn", "region", "profile", "audit_bucket"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InboxError(f"config file {path}: unknown setting(s) {', '.join(unknown)}")
    return {key: str(value) for key, value in data.items()}


def load_settings(
    environ: Mapping[str, str], config: Mapping[str, str], profile: str | None
) -> Settings:
    """The command line wins over the environment, which wins over the config file."""
    bucket = environ.get("REPORTS_BUCKET") or config.get("bucket")
    key_arn = environ.get("KMS_KEY_ARN") or config.get("kms_key_arn")
    if not bucket or not key_arn:
        missing = "bucket (REPORTS_BUCKET)" if not bucket else "key (KMS_KEY_ARN)"
        raise InboxError(
            f"no reports {missing} configured: set it in {default_config_path()} "
            "or in the environment"
        )
    if not key_arn.startswith("arn:") or key_arn.count(":") < 5:
        raise InboxError(f"KMS_KEY_ARN must be a full key ARN (arn:aws:kms:...), not {key_arn!r}")
    region = (
        environ.get("AWS_REGION")
        or environ.get("AWS_DEFAULT_REGION")
        or config.get("region")
        or key_arn.split(":")[3]
    )
    return Settings(
        bucket=bucket,
        kms_key_arn=key_arn,
        region=region,
        profile=profile or environ.get("AWS_PROFILE") or config.get("profile") or None,
        audit_bucket=environ.get("AUDIT_BUCKET") or config.get("audit_bucket") or None,
    )


def apply_local(environ: dict[str, str]) -> None:
    """Point everything, boto3 included, at the local stack described by `.local/inbox.env`."""
    values = read_local_env(LOCAL_ENV_FILE)
    for stale in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        environ.pop(stale, None)
    environ.update(values)
