"""One synth of the staging stack per test session (CDK synth is slow), bundling skipped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.app import HEADERS_FILE, SITE_DIR, build_app
from infra.config import Config, load


@dataclass(frozen=True)
class Synth:
    """The synthesized staging stacks: the main template, the us-east-1 edge template and where
    each stack is deployed, the nag report and every template file."""

    config: Config
    template: dict[str, Any]
    edge_template: dict[str, Any]
    environments: dict[str, str]
    templates: list[Path]
    nag_violations: list[dict[str, Any]]
    error: str | None

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            name: resource
            for name, resource in self.template["Resources"].items()
            if resource["Type"] == resource_type
        }


@pytest.fixture(scope="session")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synth]:
    for needed in (SITE_DIR, HEADERS_FILE):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run `make build` first")
    config = load("staging")
    outdir = tmp_path_factory.mktemp("cdk.out")
    app, stack = build_app(
        config,
        account="111111111111",
        outdir=str(outdir),
        context={"aws:cdk:bundling-stacks": [], "aws:cdk:enable-path-metadata": True},
    )
    error = None
    try:
        app.synth()
    except RuntimeError as failure:
        # A nag finding fails synthesis after the templates are written: report it in its test.
        error = str(failure)
    report_file = outdir / "validation-report.json"
    report = json.loads(report_file.read_text()) if report_file.exists() else {}
    violations = [v for plugin in report.get("pluginReports", []) for v in plugin["violations"]]
    template_file = outdir / f"{stack.artifact_id}.template.json"
    edge_file = outdir / f"{stack.artifact_id}-edge.template.json"
    manifest = json.loads((outdir / "manifest.json").read_text())
    yield Synth(
        config=config,
        template=json.loads(template_file.read_text()),
        edge_template=json.loads(edge_file.read_text()),
        environments={
            name: artifact["environment"]
            for name, artifact in manifest["artifacts"].items()
            if artifact["type"] == "aws:cloudformation:stack"
        },
        templates=sorted(outdir.glob("*.template.json")),
        nag_violations=violations,
        error=error,
    )
