"""Deployment settings per environment, read from `infra/config/<env>.yml` and checked on load."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONFIG_DIR = Path(__file__).parent / "config"

# Domains reserved for documentation and tests (RFC 2606, RFC 6761): never a real mailbox.
PLACEHOLDER_DOMAINS = ("example.org", "example.com", "example.net", "example", "test", "invalid")
# Account ids that appear in documentation; a production deploy must name its own account.
PLACEHOLDER_ACCOUNTS = ("000000000000", "111111111111", "123456789012")
# The retention periods CloudWatch Logs offers, in days.
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PRINCIPAL_ARN = re.compile(r"^arn:aws:(iam|sts)::\d{12}:\S+$")
ROLE_ARN = re.compile(r"^arn:aws:iam::\d{12}:role/\S+$")
# AWS WAF counts a rate-based rule's requests over this window (seconds).
WAF_WINDOW_SECONDS = 300
# The report API stage must carry this many clients at the per-IP limit before it throttles:
# a flood from fewer addresses is shed by the WAF, not by the stage every child shares.
STAGE_HEADROOM_CLIENTS = 10
CERTIFICATE_ARN = re.compile(r"^arn:aws:acm:us-east-1:\d{12}:certificate/\S+$")


class ConfigError(ValueError):
    """A configuration file is missing, malformed or unsafe for its environment."""


@dataclass(frozen=True)
class Config:
    """One environment's settings; field meanings are documented in the YAML files."""

    env: str
    region: str
    sender: str
    recipients: tuple[str, ...]
    alarm_emails: tuple[str, ...]
    account: str | None = None
    domain: str | None = None
    certificate_arn: str | None = None
    ses_domain: str | None = None
    retention_days: int = 365
    deleted_retention_days: int = 7
    postpone_days: int = 90
    hourly_cap: int = 10
    message_hourly_cap: int = 5
    daily_messages_per_code: int = 20
    throttle_rate: int = 50
    throttle_burst: int = 100
    intake_concurrency: int = 5
    log_retention_days: int = 90
    access_log_days: int = 30
    readers: tuple[str, ...] = field(default_factory=tuple)
    deleters: tuple[str, ...] = field(default_factory=tuple)
    key_break_glass: str | None = None
    waf_api_limit: int = 300
    waf_write_limit: int = 30
    origin_verify_rotation: int = 1
    audit_retention_days: int = 730

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def stack_name(self) -> str:
        return f"ReportDesk-{self.env}"


def _is_placeholder(address: str) -> bool:
    domain = address.rsplit("@", 1)[-1].lower()
    return any(domain == p or domain.endswith("." + p) for p in PLACEHOLDER_DOMAINS)


def _int(raw: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ConfigError(f"{key} must be a whole number from {low} to {high}, got {value!r}")
    return value


def _strings(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of strings")
    return tuple(value)


def _optional(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{key} must be a string or empty")
    return value or None


def parse(env: str, raw: dict[str, Any]) -> Config:
    """Check the raw YAML mapping of environment `env` and return its Config."""
    region = raw.get("region")
    if not isinstance(region, str) or not region.startswith("eu-"):
        raise ConfigError(
            f"region must be an EU region (eu-...), got {region!r}: reports stay in the EU"
        )
    sender = raw.get("sender")
    if not isinstance(sender, str):
        raise ConfigError("sender must be an e-mail address")
    recipients = _strings(raw, "recipients")
    alarm_emails = _strings(raw, "alarm_emails")
    if not recipients:
        raise ConfigError("recipients must list at least one e-mail address (the API persons)")
    for address in (sender, *recipients, *alarm_emails):
        if not EMAIL.match(address):
            raise ConfigError(f"not an e-mail address: {address!r}")
    for key in ("readers", "deleters"):
        for arn in _strings(raw, key):
            if not PRINCIPAL_ARN.match(arn):
                raise ConfigError(f"{key} must be IAM principal ARNs, got {arn!r}")
    key_break_glass = _optional(raw, "key_break_glass")
    if key_break_glass and not ROLE_ARN.match(key_break_glass):
        raise ConfigError(f"key_break_glass must be an IAM role ARN, got {key_break_glass!r}")
    certificate_arn = _optional(raw, "certificate_arn")
    domain = _optional(raw, "domain")
    if bool(domain) != bool(certificate_arn):
        raise ConfigError("domain and certificate_arn go together: set both or neither")
    if certificate_arn and not CERTIFICATE_ARN.match(certificate_arn):
        raise ConfigError("certificate_arn must be an ACM certificate in us-east-1 (CloudFront)")
    account = raw.get("account")
    if account is not None and not re.fullmatch(r"\d{12}", str(account)):
        raise ConfigError(f"account must be a 12-digit AWS account id, got {account!r}")
    config = Config(
        env=env,
        region=region,
        account=str(account) if account is not None else None,
        sender=sender,
        recipients=recipients,
        alarm_emails=alarm_emails,
        domain=domain,
        certificate_arn=certificate_arn,
        ses_domain=_optional(raw, "ses_domain"),
        retention_days=_int(raw, "retention_days", 365, 1, 3650),
        deleted_retention_days=_int(raw, "deleted_retention_days", 7, 1, 90),
        postpone_days=_int(raw, "postpone_days", 90, 1, 3650),
        hourly_cap=_int(raw, "hourly_cap", 10, 1, 1000),
        message_hourly_cap=_int(raw, "message_hourly_cap", 5, 1, 1000),
        daily_messages_per_code=_int(raw, "daily_messages_per_code", 20, 1, 1000),
        throttle_rate=_int(raw, "throttle_rate", 50, 1, 10000),
        throttle_burst=_int(raw, "throttle_burst", 100, 1, 5000),
        intake_concurrency=_int(raw, "intake_concurrency", 5, 1, 100),
        log_retention_days=_int(raw, "log_retention_days", 90, 1, 3653),
        access_log_days=_int(raw, "access_log_days", 30, 1, 3650),
        readers=_strings(raw, "readers"),
        # Deleting is its own role; by default the same people may take it on, as a second step.
        deleters=_strings(raw, "deleters") or _strings(raw, "readers"),
        key_break_glass=key_break_glass,
        # AWS WAF's smallest rate-based limit is 10 requests per window.
        waf_api_limit=_int(raw, "waf_api_limit", 300, 10, 100000),
        waf_write_limit=_int(raw, "waf_write_limit", 30, 10, 100000),
        origin_verify_rotation=_int(raw, "origin_verify_rotation", 1, 1, 1000000),
        audit_retention_days=_int(raw, "audit_retention_days", 730, 1, 3650),
    )
    if config.log_retention_days not in LOG_RETENTION_DAYS:
        raise ConfigError(f"log_retention_days must be one of {LOG_RETENTION_DAYS}")
    if config.log_retention_days > config.retention_days:
        raise ConfigError(
            f"log_retention_days ({config.log_retention_days}) must not exceed retention_days "
            f"({config.retention_days}): function logs name report ids"
        )
    if config.access_log_days > config.retention_days:
        raise ConfigError(
            f"access_log_days ({config.access_log_days}) must not exceed retention_days "
            f"({config.retention_days}): access logs name report keys and times"
        )
    if config.waf_write_limit > config.waf_api_limit:
        raise ConfigError("waf_write_limit must not exceed waf_api_limit (writes are /api/ too)")
    if config.throttle_rate * WAF_WINDOW_SECONDS < STAGE_HEADROOM_CLIENTS * config.waf_api_limit:
        raise ConfigError(
            f"throttle_rate {config.throttle_rate}/s is too low for waf_api_limit "
            f"{config.waf_api_limit} per {WAF_WINDOW_SECONDS} s: the stage must carry "
            f"{STAGE_HEADROOM_CLIENTS} clients at the per-IP limit, so that the WAF, not the "
            "stage every child shares, sheds a flood"
        )
    if config.production:
        _check_production(config)
    return config


def _check_production(config: Config) -> None:
    placeholders = [
        a for a in (config.sender, *config.recipients, *config.alarm_emails) if _is_placeholder(a)
    ]
    if placeholders:
        raise ConfigError(
            "production uses placeholder e-mail addresses "
            f"({', '.join(placeholders)}): put the real sender, API persons and maintainers "
            "in infra/config/production.yml"
        )
    if not config.alarm_emails:
        raise ConfigError("production needs alarm_emails: someone must hear when mail fails")
    if not config.readers:
        raise ConfigError("production needs readers: the IAM principals of the API persons")
    arns = (*config.readers, *config.deleters, *filter(None, [config.key_break_glass]))
    if config.account in PLACEHOLDER_ACCOUNTS or any(
        arn.split(":")[4] in PLACEHOLDER_ACCOUNTS for arn in arns
    ):
        raise ConfigError("production uses a placeholder AWS account id: use the real one")


def load(env: str, directory: Path = CONFIG_DIR) -> Config:
    """Read and check `<directory>/<env>.yml`."""
    path = directory / f"{env}.yml"
    if not re.fullmatch(r"[a-z][a-z0-9-]*", env) or not path.is_file():
        raise ConfigError(f"no configuration for environment {env!r} (expected {path})")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ConfigError(f"{path} must be a mapping of settings")
    return parse(env, raw)
