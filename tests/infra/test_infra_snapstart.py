"""Cold start (issue 17): SnapStart on every Python function, and every trigger invoking the
published version through its alias (`$LATEST` has no snapshot and would start cold)."""

from __future__ import annotations

from typing import Any

from infra.functions import ALIAS
from tests.infra.conftest import Synth


def _refs(value: Any) -> set[str]:
    """Every logical id a CloudFormation value refers to."""
    if isinstance(value, dict):
        found = {value["Ref"]} if "Ref" in value else set()
        if "Fn::GetAtt" in value:
            found.add(value["Fn::GetAtt"][0])
        return found.union(*(_refs(v) for k, v in value.items() if k not in ("Ref", "Fn::GetAtt")))
    if isinstance(value, list):
        return set().union(*(_refs(v) for v in value))
    return set()


def _functions(synth: Synth) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in synth.resources("AWS::Lambda::Function").items()
        if str(resource["Properties"].get("Runtime", "")).startswith("python")
        and resource["Properties"]["Handler"].startswith("reportdesk.")
    }


def _aliases_by_function(synth: Synth) -> dict[str, str]:
    """Function logical id -> its alias's logical id (the alias names the version it follows)."""
    versions = synth.resources("AWS::Lambda::Version")
    found = {}
    for name, alias in synth.resources("AWS::Lambda::Alias").items():
        version = versions[alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]]
        found[version["Properties"]["FunctionName"]["Ref"]] = name
        assert alias["Properties"]["FunctionName"] == version["Properties"]["FunctionName"]
    return found


def test_every_python_function_has_snapstart_on_published_versions(synth: Synth) -> None:
    functions = _functions(synth)
    assert len(functions) >= 4
    for resource in functions.values():
        assert resource["Properties"]["SnapStart"] == {"ApplyOn": "PublishedVersions"}


def test_every_python_function_has_a_published_version_and_the_live_alias(synth: Synth) -> None:
    aliases = _aliases_by_function(synth)
    assert set(_functions(synth)) <= set(aliases)
    for name in aliases.values():
        assert synth.template["Resources"][name]["Properties"]["Name"] == ALIAS


def test_every_api_integration_invokes_an_alias(synth: Synth) -> None:
    aliases = set(_aliases_by_function(synth).values())
    integrations = synth.resources("AWS::ApiGatewayV2::Integration").values()
    assert integrations
    for integration in integrations:
        assert integration["Properties"]["IntegrationUri"]["Ref"] in aliases


def test_api_gateway_may_invoke_only_the_aliases(synth: Synth) -> None:
    aliases = set(_aliases_by_function(synth).values())
    for permission in synth.resources("AWS::Lambda::Permission").values():
        if permission["Properties"]["Principal"] == "apigateway.amazonaws.com":
            assert permission["Properties"]["FunctionName"]["Ref"] in aliases


def test_the_queue_and_the_schedule_invoke_aliases(synth: Synth) -> None:
    aliases = set(_aliases_by_function(synth).values())
    mappings = synth.resources("AWS::Lambda::EventSourceMapping").values()
    assert mappings
    for mapping in mappings:
        # CDK names the alias as `<function name>:live`, taken from the alias's ARN.
        assert _refs(mapping["Properties"]["FunctionName"]) <= aliases
        assert mapping["Properties"]["FunctionName"]["Fn::Join"][1][1] == f":{ALIAS}"
    functions = set(synth.resources("AWS::Lambda::Function"))
    lambda_targets = 0
    for rule in synth.resources("AWS::Events::Rule").values():
        for target in rule["Properties"].get("Targets", []):
            named = _refs(target["Arn"])
            assert not named & functions, "a rule invokes $LATEST"
            lambda_targets += bool(named & aliases)
    assert lambda_targets >= 1
