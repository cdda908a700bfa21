"""The committed OpenAPI file is the one the code generates."""

from __future__ import annotations

from reportdesk.intake import openapi


def test_committed_openapi_file_is_up_to_date() -> None:
    committed = openapi.OPENAPI_FILE.read_text(encoding="utf-8")
    assert committed == openapi.render(), "run: .venv/bin/python -m reportdesk.intake.openapi"


def test_openapi_describes_both_routes_and_their_status_codes() -> None:
    paths = openapi.build_openapi()["paths"]
    assert set(paths) == {"/api/reports", "/api/challenge"}
    assert set(paths["/api/reports"]["post"]["responses"]) == {
        "201",
        "400",
        "403",
        "413",
        "415",
        "422",
        "503",
    }
    assert set(paths["/api/challenge"]["get"]["responses"]) == {"200", "403", "503"}


def test_form_schema_has_the_flat_contact_names() -> None:
    form = openapi.build_openapi()["components"]["schemas"]["ReportForm"]["properties"]
    assert {
        "contact_wants_contact",
        "contact_name",
        "contact_email",
        "contact_phone",
        "contact_safe_to_leave_message",
    } <= set(form)
    assert "contact" not in form


def test_the_accepted_answer_has_no_submission_id() -> None:
    accepted = openapi.build_openapi()["components"]["schemas"]["Accepted"]["properties"]
    assert set(accepted) == {"reference", "followup_code"}
