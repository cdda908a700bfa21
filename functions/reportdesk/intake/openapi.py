"""The OpenAPI description of the report API, generated from the models and routes in the code.

`python -m reportdesk.intake.openapi` writes `openapi.json` beside this file; a test keeps
it current.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from pydantic import TypeAdapter
from pydantic.json_schema import models_json_schema

from reportdesk.core.model import Accepted, ErrorsOut, ReportIn
from reportdesk.core.routes import CHALLENGE_PATH, REPORTS_PATH
from reportdesk.intake import challenge
from reportdesk.runtime import http_io

OPENAPI_FILE: Final = Path(__file__).with_name("openapi.json")
_REF: Final = "#/components/schemas/{model}"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF.format(model=name)}


def _form_schema(report: dict[str, Any], contact: dict[str, Any]) -> dict[str, Any]:
    """The form's flat fields: the report's own, and the contact block's as `contact_<name>`."""
    properties = {name: spec for name, spec in report["properties"].items() if name != "contact"}
    for name, spec in contact["properties"].items():
        properties[f"contact_{name}"] = {**spec, "title": f"Contact {spec.get('title', name)}"}
    return {
        "title": "ReportForm",
        "description": "The report form posted without JavaScript; booleans are the words "
        "yes/no, true/false, on/off or 1/0, and an unchecked box is simply absent.",
        "type": "object",
        "properties": properties,
        "required": report["required"],
        "additionalProperties": False,
    }


def _errors(description: str, html: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": _ref("ErrorsOut")}}
    if html:
        content["text/html"] = {"schema": {"type": "string"}}
    return {"description": description, "content": content}


def build_openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document of POST /api/reports and GET /api/challenge."""
    _, defs = models_json_schema([(ReportIn, "validation")], ref_template=_REF)
    schemas: dict[str, Any] = dict(defs["$defs"])
    for name, kind in (("Accepted", Accepted), ("ErrorsOut", ErrorsOut)):
        adapter: TypeAdapter[Any] = TypeAdapter(kind)
        schema = adapter.json_schema(ref_template=_REF, mode="serialization")
        schemas.update(schema.pop("$defs", {}))
        schemas[name] = schema
    schemas["ReportForm"] = _form_schema(schemas["ReportIn"], schemas["Contact"])
    schemas["Challenge"] = {
        "title": "Challenge",
        "description": "An ALTCHA (v1) proof-of-work challenge: find n in 0..maxNumber with "
        "SHA-256(salt + n) = challenge, then send base64(JSON {algorithm, challenge, number, "
        "salt, signature}) as the report's `altcha` field. The salt carries `expires` and "
        f"`issued` (Unix seconds); it expires after {challenge.CHALLENGE_LIFETIME}.",
        "type": "object",
        "properties": {
            "algorithm": {"const": "SHA-256"},
            "challenge": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "maxNumber": {"type": "integer", "const": challenge.MAX_NUMBER},
            "salt": {"type": "string"},
            "signature": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        },
        "required": ["algorithm", "challenge", "maxNumber", "salt", "signature"],
    }
    max_kib = http_io.MAX_BODY_BYTES // 1024
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Aanspreekpunt Integriteit report API",
            "version": "1",
            "description": "Reports from children and young people, stored encrypted exactly "
            "once. Every message is in the report's language (nl, fr, en). See README, "
            '"Report API".',
        },
        "paths": {
            REPORTS_PATH: {
                "post": {
                    "operationId": "postReport",
                    "summary": "Send a report",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": _ref("ReportIn")},
                            "application/x-www-form-urlencoded": {"schema": _ref("ReportForm")},
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Stored, or already stored: the same submission_id "
                            "with the same content is a retry (same reference; a new follow-up "
                            "code only within 15 minutes of the first store, else null). The "
                            "same submission_id with other content is stored as a report of its "
                            "own. Form posts get an HTML page with the reference.",
                            "content": {
                                "application/json": {"schema": _ref("Accepted")},
                                "text/html": {"schema": {"type": "string"}},
                            },
                        },
                        "400": _errors(
                            "Malformed JSON or form encoding (`malformed`), or a body that is "
                            "not UTF-8 (`not_utf8`).",
                            html=True,
                        ),
                        "403": _errors(
                            "Not sent through the site (no origin-verify header): `forbidden`."
                        ),
                        "413": _errors(f"Body over {max_kib} KiB.", html=True),
                        "415": _errors("Neither JSON nor a form post."),
                        "422": _errors("Every invalid field at once; no input echoed.", html=True),
                        "503": _errors("KMS or S3 failed: nothing was saved, try again.", True),
                    },
                }
            },
            CHALLENGE_PATH: {
                "get": {
                    "operationId": "getChallenge",
                    "summary": "A proof-of-work challenge for the report form",
                    "responses": {
                        "200": {
                            "description": "A new signed challenge (never cached).",
                            "content": {"application/json": {"schema": _ref("Challenge")}},
                        },
                        "403": _errors("Not sent through the site: `forbidden`."),
                        "503": _errors("The challenge secret is unavailable."),
                    },
                }
            },
        },
        "components": {"schemas": dict(sorted(schemas.items()))},
    }


def render() -> str:
    return json.dumps(build_openapi(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OPENAPI_FILE.write_text(render(), encoding="utf-8")
