"""Environment settings: the shipped files load, unsafe production settings fail clearly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from infra.config import CONFIG_DIR, ConfigError, load, parse

READER = (
    "arn:aws:iam::210987654321:role/aws-reserved/sso.amazonaws.com/eu-west-1/"
    "AWSReservedSSO_ReportReaders_0123456789abcdef"
)


def production_settings(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load((CONFIG_DIR / "production.yml").read_text())
    raw.update(
        account="210987654321",
        sender="meldingen@kinderrechtencoalitie.be",
        recipients=["api-1@kinderrechtencoalitie.be", "api-2@kinderrechtencoalitie.be"],
        alarm_emails=["it@kinderrechtencoalitie.be"],
        readers=[READER],
    )
    raw.update(changes)
    return raw


def test_staging_config_loads() -> None:
    config = load("staging")
    assert config.region.startswith("eu-")
    assert config.recipients


def test_shipped_production_config_refuses_placeholder_addresses() -> None:
    with pytest.raises(ConfigError, match=r"placeholder e-mail addresses \(meldingen@example.org"):
        load("production")


def test_production_with_real_values_loads() -> None:
    config = parse("production", production_settings())
    assert config.production
    assert config.readers == (READER,)


def test_production_refuses_one_placeholder_recipient() -> None:
    raw = production_settings(recipients=["api-1@kinderrechtencoalitie.be", "x@example.org"])
    with pytest.raises(ConfigError, match=r"x@example\.org"):
        parse("production", raw)


def test_production_refuses_placeholder_account() -> None:
    with pytest.raises(ConfigError, match="placeholder AWS account"):
        parse("production", production_settings(account="123456789012"))


def test_production_requires_readers() -> None:
    with pytest.raises(ConfigError, match="readers"):
        parse("production", production_settings(readers=[]))


@pytest.mark.parametrize("region", ["us-east-1", "ap-southeast-1", None])
def test_region_must_be_in_the_eu(region: str | None) -> None:
    with pytest.raises(ConfigError, match="EU region"):
        parse("staging", production_settings(region=region))


def test_domain_needs_a_certificate() -> None:
    with pytest.raises(ConfigError, match="set both or neither"):
        parse("staging", production_settings(domain="meldpunt.example.be"))


def test_certificate_must_be_in_us_east_1() -> None:
    arn = "arn:aws:acm:eu-west-1:210987654321:certificate/abc"
    with pytest.raises(ConfigError, match="us-east-1"):
        parse("staging", production_settings(domain="meldpunt.example.be", certificate_arn=arn))


def test_log_retention_must_be_a_cloudwatch_period() -> None:
    with pytest.raises(ConfigError, match="log_retention_days"):
        parse("staging", production_settings(log_retention_days=100))


def test_unknown_environment_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no configuration for environment 'qa'"):
        load("qa", tmp_path)


def test_access_logs_may_not_outlive_reports() -> None:
    with pytest.raises(ConfigError, match="access_log_days"):
        settings = production_settings(retention_days=30, access_log_days=31, log_retention_days=30)
        parse("staging", settings)


def test_function_logs_may_not_outlive_reports() -> None:
    """Function logs hold report ids: they must be gone when the reports are."""
    with pytest.raises(ConfigError, match="log_retention_days"):
        parse("staging", production_settings(retention_days=60, log_retention_days=90))


def test_deleters_default_to_the_readers() -> None:
    config = parse("production", production_settings())
    assert config.deleters == config.readers


def test_break_glass_must_be_a_role() -> None:
    user = "arn:aws:iam::210987654321:user/admin"
    with pytest.raises(ConfigError, match="key_break_glass"):
        parse("staging", production_settings(key_break_glass=user))


def test_stage_throttle_must_leave_the_shedding_to_the_waf() -> None:
    with pytest.raises(ConfigError, match="WAF, not the stage"):
        parse("staging", production_settings(throttle_rate=5, throttle_burst=10))


def test_waf_write_limit_fits_in_the_api_limit() -> None:
    with pytest.raises(ConfigError, match="waf_write_limit"):
        parse("staging", production_settings(waf_api_limit=100, waf_write_limit=200))
