"""cfn-lint finds no error in any synthesized template."""

from __future__ import annotations

from cfnlint.api import lint
from conftest import Synth


def test_cfn_lint_finds_no_errors(synth: Synth) -> None:
    assert synth.templates
    for template in synth.templates:
        matches = lint(template.read_text(), regions=[synth.config.region])
        errors = [
            f"{m.rule.id} {m.path_string}: {m.message}" for m in matches if m.rule.id[0] == "E"
        ]
        assert errors == [], template.name
