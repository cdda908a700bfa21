"""Where api-inbox finds bucket, key and AWS identity: environment, config file, options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.local_aws import Resources
from tests.cli.conftest import Inbox, StoreReport


def write_config(path: Path, **settings: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f'{name} = "{value}"\n' for name, value in settings.items()))
    return path


@pytest.fixture
def no_settings_in_environment(resources: Resources, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPORTS_BUCKET")
    monkeypatch.delenv("KMS_KEY_ARN")


def test_the_config_file_in_the_home_folder_is_used(
    store_report: StoreReport,
    inbox: Inbox,
    resources: Resources,
    no_settings_in_environment: None,
) -> None:
    report = store_report()
    write_config(
        Path.home() / ".config" / "api-inbox" / "config.toml",
        bucket=resources.reports_bucket,
        kms_key_arn=resources.kms_key_arn,
        region=resources.region,
    )

    result = inbox("show", report.reference, "--json")

    assert json.loads(result.out)["reference"] == report.reference


def test_config_option_chooses_another_file(
    store_report: StoreReport,
    inbox: Inbox,
    resources: Resources,
    no_settings_in_environment: None,
    tmp_path: Path,
) -> None:
    report = store_report()
    config = write_config(
        tmp_path / "elsewhere.toml",
        bucket=resources.reports_bucket,
        kms_key_arn=resources.kms_key_arn,
    )

    result = inbox("--config", str(config), "list")

    assert report.reference in result.out


def test_the_environment_wins_over_the_config_file(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()
    write_config(
        Path.home() / ".config" / "api-inbox" / "config.toml",
        bucket="some-other-bucket",
        kms_key_arn=resources.kms_key_arn,
    )

    assert report.reference in inbox("list").out


def test_a_missing_chosen_config_file_is_one_line(
    inbox: Inbox, no_settings_in_environment: None, tmp_path: Path
) -> None:
    result = inbox("--config", str(tmp_path / "nope.toml"), "list")

    assert result.code == 1
    assert result.err == f"api-inbox: config file {tmp_path / 'nope.toml'} not found\n"


def test_an_unknown_setting_in_the_config_file_is_named(
    inbox: Inbox, no_settings_in_environment: None, tmp_path: Path
) -> None:
    config = write_config(tmp_path / "c.toml", bucket="b", kms_key="k")

    result = inbox("--config", str(config), "list")

    assert result.err == f"api-inbox: config file {config}: unknown setting(s) kms_key\n"


def test_without_settings_it_says_what_to_configure(
    inbox: Inbox, no_settings_in_environment: None
) -> None:
    result = inbox("list")

    assert result.code == 1
    assert result.err == (
        "api-inbox: no reports bucket (REPORTS_BUCKET) configured: set it in "
        f"{Path.home() / '.config' / 'api-inbox' / 'config.toml'} or in the environment\n"
    )


def test_a_key_id_instead_of_a_key_arn_is_refused(
    inbox: Inbox, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KMS_KEY_ARN", resources.kms_key_arn.split("/")[-1])

    result = inbox("list")

    assert result.code == 1
    assert result.err.startswith("api-inbox: KMS_KEY_ARN must be a full key ARN")


def test_an_unknown_profile_is_one_line(resources: Resources, inbox: Inbox) -> None:
    result = inbox("--profile", "no-such-profile", "list")

    assert result.code == 1
    assert result.err.count("\n") == 1
    assert "no-such-profile" in result.err


def test_the_region_defaults_to_the_keys_region(
    store_report: StoreReport,
    inbox: Inbox,
    resources: Resources,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = store_report()
    monkeypatch.delenv("AWS_DEFAULT_REGION")

    assert report.reference in inbox("list").out
