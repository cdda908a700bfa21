"""The supply chain of CI and deploys (issue 16, item 2).

Fails when a workflow uses an action not pinned by a full commit SHA, when `id-token: write` is
given to a whole workflow or to a job that runs the tests, when a container image is not pinned by
digest, when a lock lacks hashes or disagrees with the pins, or when the deploy role's documented
trust does not name the environment the deploy job runs in.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
LOCKS = sorted((ROOT / "requirements").glob("*.lock"))
DEPLOY_GUIDE = ROOT / "guides" / "deploying.md"

PINNED_ACTION = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
# The tag next to the SHA, so a reader (and Dependabot) knows which release it is.
TAG_COMMENT = re.compile(r"@[0-9a-f]{40} # v\d+(\.\d+)*\s*$")
PINNED_IMAGE = re.compile(r"^[\w./:-]+@sha256:[0-9a-f]{64}$")
RUNS_TESTS = re.compile(r"\bmake\s+(test|unit|browser|infra-test)\b|\.ci/run\b|\bpytest\b")
INSTALLS = re.compile(r"\bpip\b|\bapt-get\b|\bmake\s+(venv|test|build|package|assembly)\b")
ENVIRONMENT = "production"
OIDC_SUBJECT = f"repo:<owner>/<repo>:environment:{ENVIRONMENT}"


def load(path: Path) -> dict[str, Any]:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(workflow, dict), path
    return workflow


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps") or [])


def runs(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in steps(job))


def grants_id_token(permissions: Any) -> bool:
    if permissions in ("write-all", "write"):
        return True
    return isinstance(permissions, dict) and permissions.get("id-token") == "write"


def problems(workflow: dict[str, Any], text: str) -> list[str]:
    """Everything wrong with one workflow, as sentences (an empty list: nothing)."""
    found = []
    if "permissions" not in workflow:
        found.append("workflow: no top-level permissions (the default may be write-all)")
    if grants_id_token(workflow.get("permissions")):
        found.append("workflow: id-token: write at workflow level")
    for name, job in (workflow.get("jobs") or {}).items():
        if "permissions" not in job:
            found.append(f"{name}: no job permissions")
        # A job without its own permissions gets the workflow's.
        token = grants_id_token(job.get("permissions", workflow.get("permissions")))
        if token and RUNS_TESTS.search(runs(job)):
            found.append(f"{name}: id-token: write on a job that runs the tests")
        if token and INSTALLS.search(runs(job)):
            found.append(f"{name}: id-token: write on a job that installs packages or builds")
        if token and job.get("environment") != ENVIRONMENT:
            found.append(f"{name}: id-token: write outside the environment {ENVIRONMENT}")
        container = job.get("container")
        image = container.get("image") if isinstance(container, dict) else container
        if image is not None and not PINNED_IMAGE.match(str(image)):
            found.append(f"{name}: container image {image} not pinned by digest")
        for step in steps(job):
            uses = step.get("uses")
            if uses is None:
                continue
            if uses.startswith("docker://"):
                if not PINNED_IMAGE.match(uses.removeprefix("docker://")):
                    found.append(f"{name}: {uses} not pinned by digest")
            elif not PINNED_ACTION.match(uses):
                found.append(f"{name}: action {uses} not pinned by a full commit SHA")
    for line in text.splitlines():
        if re.search(r"uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}", line) and not TAG_COMMENT.search(
            line
        ):
            found.append(f"no tag comment beside the SHA: {line.strip()}")
    return found


def requirement_entries(lock: str) -> list[str]:
    """The lock's requirements, each with its continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", lock)
    return [
        line.strip()
        for line in joined.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def lock_problems(lock: str) -> list[str]:
    found = []
    for entry in requirement_entries(lock):
        if not re.match(r"^[A-Za-z0-9][\w.-]*(\[[\w,-]+\])?==\S+", entry):
            found.append(f"not an exact pin: {entry}")
        if not re.search(r"--hash=sha256:[0-9a-f]{64}", entry):
            found.append(f"no hash: {entry.split()[0]}")
    return found


def pins(text: str) -> dict[str, str]:
    """name -> version of every `name==version` line (names normalised as pip does)."""
    found = {}
    for entry in requirement_entries(text):
        match = re.match(r"^([A-Za-z0-9][\w.-]*)(\[[\w,-]+\])?==([^\s;\\]+)", entry)
        if match:
            found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[3]
    return found


# --- the real files -------------------------------------------------------------------------


def test_there_are_workflows_and_locks() -> None:
    assert {p.name for p in WORKFLOWS} >= {"test.yml", "deploy.yml"}
    assert {p.name for p in LOCKS} >= {"tools.lock", "runtime.lock", "dev.lock"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_is_pinned_and_least_privileged(path: Path) -> None:
    assert problems(load(path), path.read_text(encoding="utf-8")) == []


def test_deploy_job_only_deploys_what_the_test_job_built() -> None:
    jobs = load(ROOT / ".github" / "workflows" / "deploy.yml")["jobs"]
    deploy = next(job for job in jobs.values() if grants_id_token(job.get("permissions")))
    tester = jobs[deploy["needs"]]
    assert not grants_id_token(tester.get("permissions"))
    assert "make test" in runs(tester)
    assert deploy["environment"] == ENVIRONMENT
    uploaded = {s["with"]["name"] for s in steps(tester) if "upload-artifact" in s.get("uses", "")}
    downloaded = {
        s["with"]["name"] for s in steps(deploy) if "download-artifact" in s.get("uses", "")
    }
    assert downloaded and downloaded <= uploaded
    assert runs(deploy).strip() == "make deploy-assembly APPROVAL=never"


@pytest.mark.parametrize("path", LOCKS, ids=lambda p: p.name)
def test_lock_pins_everything_with_hashes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert requirement_entries(text)
    assert lock_problems(text) == []


def test_locks_hold_the_project_pins_and_the_constraints() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = pins("\n".join(project["dependencies"]))
    dev = pins("\n".join(project["optional-dependencies"]["dev"]))
    runtime_lock = pins((ROOT / "requirements" / "runtime.lock").read_text(encoding="utf-8"))
    dev_lock = pins((ROOT / "requirements" / "dev.lock").read_text(encoding="utf-8"))
    assert {n: runtime_lock.get(n) for n in runtime} == runtime
    assert {n: dev_lock.get(n) for n in {**runtime, **dev}} == {**runtime, **dev}
    constraints = pins((ROOT / "constraints.txt").read_text(encoding="utf-8"))
    assert {n: v for n, v in dev_lock.items() if n in constraints} == {
        n: v for n, v in constraints.items() if n in dev_lock
    }


def test_make_venv_installs_from_the_locks_with_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    venv = makefile.split("$(STAMP):", 1)[1].split("\n\n", 1)[0]
    installs = [line for line in venv.splitlines() if "pip install" in line]
    assert "--require-hashes -r requirements/tools.lock" in installs[0]
    assert "--require-hashes -r requirements/dev.lock" in installs[1]
    assert "--no-deps" in installs[2] and "--no-build-isolation" in installs[2]
    assert len(installs) == 3


def test_the_deploy_role_trusts_only_the_production_environment() -> None:
    guide = DEPLOY_GUIDE.read_text(encoding="utf-8")
    assert f'"token.actions.githubusercontent.com:sub": "{OIDC_SUBJECT}"' in guide
    assert "StringLike" not in guide.split("### One-time setup", 1)[1].split("```json", 1)[1]


# --- the checks catch what they should -------------------------------------------------------

GOOD_JOB = """
jobs:
  test:
    runs-on: ubuntu-24.04
    container: debian:bookworm@sha256:{digest}
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@{sha} # v4.4.0
      - run: make test
""".format(digest="0" * 64, sha="a" * 40)


def check(text: str) -> list[str]:
    return problems(yaml.safe_load(text), text)


def test_a_good_workflow_passes() -> None:
    assert check("permissions: {}\n" + GOOD_JOB) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("actions/checkout@" + "a" * 40 + " # v4.4.0", "actions/checkout@v4"), "full commit SHA"),
        (("actions/checkout@" + "a" * 40, "actions/checkout@" + "a" * 39), "full commit SHA"),
        ((" # v4.4.0", ""), "no tag comment"),
        (("@sha256:" + "0" * 64, ""), "not pinned by digest"),
        (("contents: read", "contents: read\n      id-token: write"), "runs the tests"),
        (("permissions: {}", "permissions:\n  id-token: write"), "workflow level"),
        (("permissions: {}\n", ""), "no top-level permissions"),
    ],
)
def test_a_bad_workflow_fails(change: tuple[str, str], expected: str) -> None:
    text = ("permissions: {}\n" + GOOD_JOB).replace(*change)
    assert any(expected in problem for problem in check(text)), check(text)


def test_id_token_outside_the_environment_fails() -> None:
    text = """
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-24.04
    permissions:
      id-token: write
    steps:
      - run: make deploy-assembly
"""
    assert any("outside the environment" in problem for problem in check(text))
    environment = "    environment: production\n    permissions:"
    in_environment = text.replace("    permissions:", environment)
    assert check(in_environment) == []


def test_a_lock_without_hashes_fails() -> None:
    good = "pip==26.3 \\\n    --hash=sha256:" + "1" * 64 + "\n    # via -r tools.in\n"
    assert lock_problems(good) == []
    assert lock_problems("pip==26.3\n") == ["no hash: pip==26.3"]
    assert lock_problems("pip>=26 \\\n    --hash=sha256:" + "1" * 64 + "\n")
