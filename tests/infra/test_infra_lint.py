"""cfn-lint finds no error in any synthesized template, checked for the region it deploys to."""

from __future__ import annotations

from cfnlint.api import lint
from conftest import Synth


def test_cfn_lint_finds_no_errors(synth: Synth) -> None:
    assert synth.templates
    for template in synth.templates:
        stack = template.name.removesuffix(".template.json")
        region = synth.environments[stack].rsplit("/", 1)[1]
        matches = lint(template.read_text(), regions=[region])
        errors = [
            f"{m.rule.id} {m.path_string}: {m.message}" for m in matches if m.rule.id[0] == "E"
        ]
        assert errors == [], template.name


def test_both_stacks_are_linted(synth: Synth) -> None:
    assert sorted(t.name for t in synth.templates) == [
        f"{synth.config.stack_name}-edge.template.json",
        f"{synth.config.stack_name}.template.json",
    ]
