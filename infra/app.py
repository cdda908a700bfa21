"""The CDK app: `cdk deploy --app "python -m infra.app" -c env=<staging|production>`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from aws_cdk import App, Environment, Validations
from cdk_nag import AwsSolutionsChecks

from infra.config import Config, load
from infra.edge import EDGE_REGION, EdgeStack
from infra.stack import ReportDeskStack

ROOT = Path(__file__).resolve().parent.parent
SITE_DIR = ROOT / "site"
HEADERS_FILE = ROOT / "build" / "security-headers.json"
# Server access logs delivered under a bucket policy, not an ACL (ACLs are disabled everywhere).
FEATURE_FLAGS = {"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True}


def build_app(
    config: Config,
    *,
    account: str | None = None,
    site_dir: Path = SITE_DIR,
    headers_file: Path = HEADERS_FILE,
    context: dict[str, Any] | None = None,
    **app_options: Any,
) -> tuple[App, ReportDeskStack]:
    """The app with one environment's stacks (the main one and its us-east-1 edge) and cdk-nag's
    AwsSolutions checks on them."""
    for needed, command in ((site_dir, "make build"), (headers_file, "make build")):
        if not needed.exists():
            raise SystemExit(f"{needed} is missing: run `{command}` first")
    app = App(context={**FEATURE_FLAGS, **(context or {})}, **app_options)
    account = config.account or account
    edge = EdgeStack(
        app,
        f"{config.stack_name}-edge",
        config=config,
        env=Environment(account=account, region=EDGE_REGION),
        cross_region_references=True,
        description=f"ReportDesk {config.env}: the CloudFront web ACL (WAF lives in us-east-1)",
    )
    stack = ReportDeskStack(
        app,
        config.stack_name,
        config=config,
        site_dir=site_dir,
        headers_file=headers_file,
        web_acl_arn=edge.web_acl_arn,
        env=Environment(account=account, region=config.region),
        cross_region_references=True,
        description=f"ReportDesk {config.env}: site, report intake, notifications",
    )
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app, stack


def main() -> None:
    app_env = App().node.try_get_context("env") or os.environ.get("ENV", "staging")
    config = load(app_env)
    # The CDK command line sets CDK_DEFAULT_ACCOUNT from the credentials it found.
    account = config.account or os.environ.get("CDK_DEFAULT_ACCOUNT")
    if not account:
        raise SystemExit("no AWS account: log in (AWS_PROFILE=...) or set `account` in the config")
    app, _ = build_app(config, account=account)
    app.synth()


if __name__ == "__main__":
    main()
