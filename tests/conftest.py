"""Shared fixtures: real moto services holding the same resources as a deployed environment, and
one Debian Chromium for every browser test of the session.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import boto3
import botocore.loaders
import botocore.session
import moto.kms.models
import pytest
from moto import mock_aws
from playwright.sync_api import Browser, Playwright, sync_playwright

from infra.local_aws import Resources, create_resources, make_conditional_writes_atomic

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

make_conditional_writes_atomic()


class _SearchPaths(list[str]):
    """boto3 appends its data folder to the loader's search paths for every new Session."""

    def append(self, path: str) -> None:
        if path not in self:
            super().append(path)


@functools.cache
def _shared_loader(search_path_string: str | None = None) -> botocore.loaders.Loader:
    loader = _create_loader(search_path_string)
    loader._search_paths = _SearchPaths(loader.search_paths)
    return loader


# One botocore loader for the whole test session: every test makes new sessions and clients, and
# each new session would parse the same service models (megabytes of JSON) again. That parsing
# was about half of the CPU time of a test with AWS resources. The models are read-only data.
_create_loader = botocore.loaders.create_loader
botocore.session.create_loader = _shared_loader  # type: ignore[assignment]

_generate_private_key = moto.kms.models.generate_private_key


@functools.cache
def _symmetric_keys_share_one_rsa_key(key_spec: str) -> object:
    return _generate_private_key(key_spec)


def _private_key(key_spec: str) -> object:
    """moto makes an RSA key pair for every KMS key, symmetric ones too (which never sign): a
    fifth of a second each, for every test's keys. Symmetric keys share one; asymmetric keys
    still get their own."""
    if key_spec.startswith(("SYMMETRIC", "HMAC")):
        return _symmetric_keys_share_one_rsa_key(key_spec)
    return _generate_private_key(key_spec)


moto.kms.models.generate_private_key = _private_key


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and the EU region, so nothing can ever reach a real account."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture
def aws(aws_env: None) -> Iterator[None]:
    """All AWS calls inside the test go to in-process moto."""
    with mock_aws():
        yield


@pytest.fixture
def resources(aws: None, monkeypatch: pytest.MonkeyPatch) -> Resources:
    """The emulated environment, with the function environment variables set."""
    res = create_resources(boto3.Session())
    for name, value in res.environment().items():
        monkeypatch.setenv(name, value)
    return res


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright driver per session: the sync API allows only one at a time."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium (Playwright's download cannot work here); `make chromium` installs it."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (`make chromium`)")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# Markers by what a test uses, so `make unit`, `make browser` and `make infra-test` can pick
# their suites without anyone marking tests by hand (registered in pyproject.toml). Modules that
# read the `make build` output or start the local server as a process are named here, by file
# name, so they keep their markers wherever they move.
TESTS = Path(__file__).resolve().parent
MODULE_MARKERS = {
    "test_site_build.py": ("site_build",),  # builds copies of the site
    "test_report_form_page.py": ("site_build",),  # reads site/ from `make build`
    "test_local_server.py": ("site_build", "slow"),  # the local server as a process
    "test_openapi_contract.py": ("site_build", "slow"),  # schemathesis against that server
    "test_parallel_submissions.py": ("slow",),  # 200 submissions from many threads
    "test_bench_runs.py": ("site_build", "slow"),  # every benchmark once, small counts
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        # The fixture closure: `page` needs `browser`, `site` and `served_site` need `build`.
        fixtures = set(getattr(item, "fixturenames", ()))
        if "browser" in fixtures:
            item.add_marker(pytest.mark.browser)
        if "build" in fixtures:
            item.add_marker(pytest.mark.site_build)
        if Path(item.path).resolve().is_relative_to(TESTS / "infra"):
            item.add_marker(pytest.mark.infra)
        for marker in MODULE_MARKERS.get(Path(item.path).name, ()):
            item.add_marker(getattr(pytest.mark, marker))
