"""The scheduled functions' settings, read once from the environment, their AWS clients, and
sending one e-mail the way the mailer does."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import boto3
from botocore.config import Config

from reportdesk.mailer import common as mailer
from reportdesk.mailer.announce import send_mail
from reportdesk.mailer.notices import Mail

DEFAULT_RETENTION_DAYS: Final = 365


@dataclass(frozen=True)
class Settings:
    """The scheduled functions' configuration (guides/reference.md, settings)."""

    bucket: str
    sender: str
    recipients: tuple[str, ...]
    overview_recipients: tuple[str, ...] = ()
    # The access record; without it retention deletes nothing (no record, no deletion).
    audit_bucket: str | None = None
    retention_days: int = DEFAULT_RETENTION_DAYS
    configuration_set: str | None = None
    queue_url: str | None = None
    dlq_url: str | None = None

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> Settings:
        """`REPORTS_BUCKET`, `MAIL_SENDER`, `MAIL_RECIPIENTS`, `OVERVIEW_RECIPIENTS`,
        `AUDIT_BUCKET`, `RETENTION_DAYS`, `SES_CONFIGURATION_SET`, `NOTIFY_QUEUE_URL`,
        `NOTIFY_DLQ_URL`."""

        def addresses(name: str) -> tuple[str, ...]:
            return tuple(a.strip() for a in env.get(name, "").split(",") if a.strip())

        return cls(
            bucket=env["REPORTS_BUCKET"],
            sender=env["MAIL_SENDER"],
            recipients=addresses("MAIL_RECIPIENTS"),
            overview_recipients=addresses("OVERVIEW_RECIPIENTS"),
            audit_bucket=env.get("AUDIT_BUCKET") or None,
            retention_days=int(env.get("RETENTION_DAYS") or DEFAULT_RETENTION_DAYS),
            configuration_set=env.get("SES_CONFIGURATION_SET") or None,
            queue_url=env.get("NOTIFY_QUEUE_URL") or None,
            dlq_url=env.get("NOTIFY_DLQ_URL") or None,
        )


@dataclass(frozen=True)
class Clients:
    """boto3 clients (boto3 ships no type hints)."""

    s3: Any
    sesv2: Any
    ses: Any
    sqs: Any


@functools.cache
def aws_clients() -> Clients:
    config = Config(connect_timeout=5, read_timeout=10, retries={"mode": "standard"})
    return Clients(
        s3=boto3.client("s3", config=config),
        sesv2=boto3.client("sesv2", config=config),
        ses=boto3.client("ses", config=config),
        sqs=boto3.client("sqs", config=config),
    )


def send(clients: Clients, settings: Settings, recipients: Sequence[str], mail: Mail) -> None:
    """One e-mail to all `recipients` through the mailer's sending (sender, configuration set)."""
    send_mail(
        mailer.Clients(s3=clients.s3, sesv2=clients.sesv2),
        mailer.Settings(
            bucket=settings.bucket,
            sender=settings.sender,
            recipients=tuple(recipients),
            configuration_set=settings.configuration_set,
        ),
        mail,
    )
