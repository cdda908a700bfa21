"""The HTTP functions' settings, read from the environment in one place (reference guide,
"Settings"). Read per invocation: cheap, and the tests give every case its own resources.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    region: str
    bucket: str
    key_arn: str

    @classmethod
    def from_environment(cls) -> Settings:
        """KeyError when a setting is missing (the function answers 503)."""
        return cls(
            region=os.environ["AWS_DEFAULT_REGION"],
            bucket=os.environ["REPORTS_BUCKET"],
            key_arn=os.environ["KMS_KEY_ARN"],
        )


def secret_id(name: str) -> str:
    """`CHALLENGE_SECRET_ID` or `FOLLOWUP_SECRET_ID`: the ARN of the secret."""
    return os.environ[name]


def region() -> str:
    return os.environ["AWS_DEFAULT_REGION"]
