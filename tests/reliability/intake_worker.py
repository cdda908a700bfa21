"""The body of a worker process in the parallel submission test: one intake "execution
environment". Kept apart so a spawned worker imports only the function, not moto or the tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LambdaContext:
    """The context attributes Powertools reads."""

    function_name: str = "intake"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:intake"
    aws_request_id: str = "00000000-0000-4000-8000-000000000000"


def start(environment: dict[str, str]) -> None:
    """The function's environment, set before the handler module is first imported."""
    os.environ.update(environment)


def submit(event: dict[str, Any]) -> tuple[int, str]:
    """One event through this worker's intake handler, one at a time as in Lambda."""
    from reportdesk.intake import handler as intake

    answer = intake.handler(event, LambdaContext())
    return int(answer["statusCode"]), str(answer["body"])
