"""SnapStart (issue 17): after a restore, nothing random or time-bound taken at init is shared
between the restored copies. A restore is simulated: the init runs (the handler module is imported),
its state is copied as a snapshot would copy it, and the registered after-restore hooks run."""

from __future__ import annotations

import importlib
import random

import boto3
import snapshot_restore_py
from reportdesk.runtime import aws

from infra.local_aws import Resources


def restore() -> None:
    """What Lambda does after loading a snapshot: every after-restore hook, in order."""
    for hook, args, kwargs in snapshot_restore_py.get_after_restore():
        hook(*args, **kwargs)


def test_every_function_module_registers_the_hooks() -> None:
    for module in ("intake", "followup", "mailer"):
        importlib.import_module(f"reportdesk.{module}.handler")
    hooks = [hook for hook, _args, _kwargs in snapshot_restore_py.get_after_restore()]
    names = {f"{hook.__module__}.{hook.__qualname__}" for hook in hooks}
    assert "reportdesk.runtime.snapstart.reseed_random" in names
    assert "reportdesk.runtime.aws.renew_after_restore" in names


def test_two_copies_restored_from_one_snapshot_draw_different_random_numbers() -> None:
    importlib.import_module("reportdesk.intake.handler")
    snapshot = random.getstate()
    draws = []
    for _copy in range(2):
        random.setstate(snapshot)
        restore()
        draws.append([random.random() for _ in range(4)])  # noqa: S311 - the state is the test
    assert draws[0] != draws[1]


def test_without_the_hooks_the_copies_would_draw_the_same_numbers() -> None:
    snapshot = random.getstate()
    draws = []
    for _copy in range(2):
        random.setstate(snapshot)
        draws.append([random.random() for _ in range(4)])  # noqa: S311 - the state is the test
    assert draws[0] == draws[1]


def test_a_secret_cached_before_the_snapshot_is_fetched_again_after_restore(
    resources: Resources,
) -> None:
    aws.clients.cache_clear()
    secret_id, region = resources.challenge_secret_id, resources.region
    cached = aws.secret(secret_id, region)
    boto3.client("secretsmanager").put_secret_value(SecretId=secret_id, SecretString="rotated")
    assert aws.secret(secret_id, region) == cached
    restore()
    assert aws.secret(secret_id, region) == "rotated"


def test_clients_made_before_the_snapshot_are_made_afresh_after_restore(
    resources: Resources,
) -> None:
    from reportdesk.mailer import handler as mailer

    before = (aws.clients(resources.region), mailer._aws_clients())
    restore()
    after = (aws.clients(resources.region), mailer._aws_clients())
    assert before[0] is not after[0]
    assert before[1] is not after[1]
