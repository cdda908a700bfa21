"""cdk-nag AwsSolutions findings we accept, each with the reason, next to what they concern."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Accept `rule` (or one finding, `rule[finding]`) for `scope` and its children."""
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))
