"""The AWS side of the HTTP functions: clients made once per container, and secrets through
Powertools Parameters, cached for `SECRET_MAX_AGE` and then fetched again (so a rotated secret is
picked up without a cold start). After a SnapStart restore both are made afresh.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Final

import boto3
import botocore.session
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from snapshot_restore_py import register_after_restore

from reportdesk.runtime import snapstart as _snapstart  # noqa: F401 - registers its hooks first

# Short timeouts: API Gateway gives up after 30 s, and a 503 lets the page ask the child to retry.
CLIENT_CONFIG: Final = Config(
    connect_timeout=3, read_timeout=8, retries={"mode": "standard", "max_attempts": 3}
)
SECRET_MAX_AGE: Final = 300
# What a failed secret look-up raises (Powertools wraps the AWS error in GetParameterError).
SECRET_FAILURES: Final = (GetParameterError, BotoCoreError, ClientError, KeyError)


@dataclass(frozen=True)
class Clients:
    """The botocore session (the Encryption SDK makes its KMS clients from it) and the clients."""

    session: Any
    s3: Any
    secrets: Any
    secrets_provider: SecretsProvider


@functools.cache
def clients(region: str) -> Clients:
    """The clients of this container, made once."""
    session = botocore.session.get_session()
    boto = boto3.Session(botocore_session=session, region_name=region)
    secrets = boto.client("secretsmanager", config=CLIENT_CONFIG)
    return Clients(
        session=session,
        s3=boto.client("s3", config=CLIENT_CONFIG),
        secrets=secrets,
        secrets_provider=SecretsProvider(boto3_client=secrets),
    )


def secret(secret_id: str, region: str) -> str:
    """The secret's string; raises one of `SECRET_FAILURES` when it cannot be had."""
    value = clients(region).secrets_provider.get(secret_id, max_age=SECRET_MAX_AGE)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if not isinstance(value, str):
        raise KeyError(secret_id)
    return value


def renew_after_restore() -> None:
    """After a SnapStart restore: forget cached secrets (their age was counted from before the
    snapshot, and every copy would share them) and the clients (their pooled connections did not
    survive the snapshot); both are made again on first use."""
    clients.cache_clear()
    parameters.clear_caches()  # type: ignore[no-untyped-call]  # Powertools leaves it untyped


register_after_restore(renew_after_restore)
