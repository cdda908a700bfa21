"""Offline synth into cdk.out/ (`make synth`): no AWS account, no Lambda bundling.

Usage: python -m infra.synth [ENV] (default $ENV or staging).
"""

from __future__ import annotations

import os
import sys

from infra.app import ROOT, build_app
from infra.config import ConfigError, load

# A documentation account id: synth needs one for names and ARNs, never for a call.
OFFLINE_ACCOUNT = "111111111111"
OFFLINE_CONTEXT: dict[str, object] = {"aws:cdk:bundling-stacks": []}


def main(argv: list[str]) -> int:
    env = argv[0] if argv else os.environ.get("ENV", "staging")
    try:
        config = load(env)
    except ConfigError as error:
        print(f"infra/config/{env}.yml: {error}", file=sys.stderr)
        return 2
    app, _ = build_app(
        config, account=OFFLINE_ACCOUNT, outdir=str(ROOT / "cdk.out"), context=OFFLINE_CONTEXT
    )
    assembly = app.synth()
    for artifact in assembly.stacks:  # the main stack and its us-east-1 edge stack
        print(artifact.template_full_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
