"""What every HTTP function has: a resolver that answers only requests that came through
CloudFront (`origin`), a logger and metrics, the not-found and unexpected-error handlers, and
the Lambda entry point with Powertools' decorator stack.
A handler module then holds only its routes: `app, logger, metrics = http_function("intake")`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from reportdesk.core.texts import Language
from reportdesk.runtime import http_io, origin

Entry = Callable[[dict[str, Any], Any], dict[str, Any]]


def http_function(service: str) -> tuple[APIGatewayHttpResolver, Logger, Metrics]:
    """The resolver, logger and metrics of one function.

    debug=False and log_event=False explicitly: the environment must never turn on event printing.
    The metrics instance only publishes ColdStart; every other metric goes out on its own
    (`http_io.count`) so dimensions never mix.
    """
    app = APIGatewayHttpResolver(debug=False)
    # Only requests that came through CloudFront (and its WAF) reach a route.
    app.use(middlewares=[origin.require_cloudfront])
    logger = Logger(service=service)
    metrics = Metrics(namespace=http_io.METRICS_NAMESPACE, service=service)
    return app, logger, metrics


def language_of(app: APIGatewayHttpResolver) -> Language:
    """The answer's language when the body was not read: the Accept-Language one."""
    return http_io.preferred_language(app.current_event.headers.get("accept-language"))


def handle_errors(
    app: APIGatewayHttpResolver,
    *,
    not_found: Callable[[Language], Response[str]],
    unavailable: Callable[[Language, bool], Response[str]],
    log_failure: Callable[[Exception], None],
) -> None:
    """Unknown routes answer `not_found`; any exception is logged (by type only: a message might
    quote what the child wrote) and answered `unavailable` (503) as JSON or as a page."""

    @app.not_found
    def _not_found(_error: NotFoundError) -> Response[str]:
        return not_found(language_of(app))

    # Powertools leaves this decorator untyped; the function itself is fully typed.
    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def _unexpected(error: Exception) -> Response[str]:
        log_failure(error)
        return unavailable(language_of(app), http_io.is_form(app.current_event))


def entry(app: APIGatewayHttpResolver, logger: Logger, metrics: Metrics) -> Entry:
    """The Lambda handler: cold-start metric, Lambda context in the logs (never the event)."""

    @metrics.log_metrics(capture_cold_start_metric=True)
    @logger.inject_lambda_context(log_event=False, clear_state=True)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return app.resolve(event, context)

    typed: Entry = handler
    return typed
