"""The inbox API on the local server, where tokens are checked as API Gateway's JWT authorizer
checks them: who gets in, every route, and an access record entry for every action."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from joserfc import jwk, jwt
from moto.utilities.utils import load_resource
from reportdesk.core.reference import reference_for

from infra.local_aws import POSTPONE_DAYS, UserPool, create_user_pool
from tests.inbox.support import (
    call,
    cognito,
    local_pool,
    new_person,
    s3,
    send_report,
    sign_in,
)
from tests.local.local_process import LocalServer, local_server

REPORTS = "/api/inbox/reports"
# (method, path after /api/inbox/reports, body) of every inbox route.
ROUTES = [
    ("GET", "", None),
    ("GET", "/ABCD-1234", None),
    ("POST", "/ABCD-1234/replies", {"message": "hello"}),
    ("POST", "/ABCD-1234/status", {"status": "handled"}),
    ("POST", "/ABCD-1234/postpone", None),
    ("GET", "/ABCD-1234/export", None),
    ("DELETE", "/ABCD-1234", {"confirm": "ABCD-1234"}),
]
UNAUTHORIZED = {"message": "Unauthorized"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with local_server(tmp_path_factory.mktemp("inbox-api")) as running:
        yield running


@pytest.fixture(scope="module")
def token(server: LocalServer) -> str:
    settings = server.settings()
    tokens = sign_in(
        server, settings["INBOX_USER"], settings["INBOX_PASSWORD"], settings["INBOX_TOTP_SECRET"]
    )
    id_token: str = tokens["id_token"]
    return id_token


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def signed_like_moto(claims: dict[str, Any]) -> str:
    """A token signed with moto's own pool key: valid but for what the claims say."""
    key = jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
    return jwt.encode({"alg": "RS256", "kid": "dummy"}, claims, key)


def audit_actions(server: LocalServer, reference: str) -> list[str]:
    client = s3(server)
    bucket = server.settings()["AUDIT_BUCKET"]
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    entries = [
        json.loads(client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
        for item in listed
    ]
    return [
        e["action"] for e in sorted(entries, key=lambda e: e["at"]) if e["reference"] == reference
    ]


# --- who gets in ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_every_route_without_a_token_is_the_same_401(
    server: LocalServer, method: str, path: str, body: Any
) -> None:
    answer = call(server, method, REPORTS + path, body)
    assert (answer.status, answer.json()) == (401, UNAUTHORIZED)
    assert answer.headers["cache-control"] == "no-store"


def test_a_token_that_is_not_a_jwt_gets_401(server: LocalServer) -> None:
    answer = call(server, "GET", REPORTS, token="not-a-token")  # noqa: S106
    assert (answer.status, answer.json()) == (401, UNAUTHORIZED)


def test_an_expired_token_gets_401(server: LocalServer, token: str) -> None:
    claims = claims_of(token) | {"iat": int(time.time()) - 3600, "exp": int(time.time()) - 60}
    answer = call(server, "GET", REPORTS, token=signed_like_moto(claims))
    assert (answer.status, answer.json()) == (401, UNAUTHORIZED)


def test_the_same_claims_freshly_signed_get_in(server: LocalServer, token: str) -> None:
    """The counterpart of the expired token: only the expiry made the difference."""
    claims = claims_of(token) | {"exp": int(time.time()) + 600}
    assert call(server, "GET", REPORTS, token=signed_like_moto(claims)).status == 200


def test_a_token_with_a_changed_claim_gets_401(server: LocalServer, token: str) -> None:
    header, _claims, signature = token.split(".")
    forged = claims_of(token) | {"cognito:groups": ["readers", "admins"]}
    encoded = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    answer = call(server, "GET", REPORTS, token=f"{header}.{encoded}.{signature}")
    assert answer.status == 401


def test_a_token_of_another_pool_gets_401(server: LocalServer) -> None:
    other = create_user_pool(cognito(server), "other")
    tokens = new_person(server, other)
    answer = call(server, "GET", REPORTS, token=tokens["id_token"])
    assert (answer.status, answer.json()) == (401, UNAUTHORIZED)


def test_a_token_for_another_client_gets_401(server: LocalServer) -> None:
    pool = local_pool(server)
    other_client = cognito(server).create_user_pool_client(
        UserPoolId=pool.pool_id,
        ClientName="other",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    tokens = new_person(server, UserPool(pool.pool_id, other_client))
    answer = call(server, "GET", REPORTS, token=tokens["id_token"])
    assert (answer.status, answer.json()) == (401, UNAUTHORIZED)


def test_an_access_token_is_not_accepted(server: LocalServer) -> None:
    """The authorizer takes ID tokens (audience = the app client, e-mail for the record)."""
    tokens = new_person(server, local_pool(server))
    assert call(server, "GET", REPORTS, token=tokens["access_token"]).status == 401


def test_a_person_outside_readers_gets_403(server: LocalServer) -> None:
    tokens = new_person(server, local_pool(server), reader=False)
    answer = call(server, "GET", REPORTS, token=tokens["id_token"])
    assert answer.status == 403
    assert answer.json()["error"] == "forbidden"


def test_a_wrong_authenticator_code_does_not_sign_in(server: LocalServer) -> None:
    settings = server.settings()
    started = call(
        server,
        "POST",
        "/api/inbox/auth/start",
        {"username": settings["INBOX_USER"], "password": settings["INBOX_PASSWORD"]},
    ).json()
    answer = call(
        server,
        "POST",
        "/api/inbox/auth/totp",
        {"username": settings["INBOX_USER"], "session": started["session"], "code": "000000"},
    )
    assert (answer.status, answer.json()) == (401, {"error": "wrong_code"})


def test_a_wrong_password_does_not_sign_in(server: LocalServer) -> None:
    settings = server.settings()
    answer = call(
        server,
        "POST",
        "/api/inbox/auth/start",
        {"username": settings["INBOX_USER"], "password": "not-the-password-1A!"},
    )
    assert (answer.status, answer.json()) == (401, {"error": "sign_in_failed"})


# --- the routes -----------------------------------------------------------------------------------


def test_list_shows_a_new_report_first_without_opening_it(server: LocalServer, token: str) -> None:
    reference = send_report(server, "Iemand op de club doet heel vervelend tegen mij.")
    answer = call(server, "GET", REPORTS, token=token)
    assert answer.status == 200
    assert answer.headers["cache-control"] == "no-store"
    first = answer.json()["reports"][0]
    assert first == {
        "reference": reference,
        "received_at": first["received_at"],
        "triage": "unverified",
        "status": "new",
        "unread_messages": 0,
        "days_open": 0,
        "expires_on": None,
    }
    assert audit_actions(server, reference) == []


def test_opening_a_report_decrypts_it_marks_it_read_and_records_who(
    server: LocalServer, token: str
) -> None:
    reference = send_report(server, "Mijn trainer stuurt mij rare berichten.")
    typed = reference.lower().replace("-", "").replace("0", "o")
    answer = call(server, "GET", f"{REPORTS}/{typed}", token=token)
    assert answer.status == 200
    opened = answer.json()
    assert opened["reference"] == reference
    assert opened["report"]["message"] == "Mijn trainer stuurt mij rare berichten."
    assert opened["case"]["status"] == "read"
    assert [c["status"] for c in opened["case"]["history"]] == ["read"]
    [entry] = opened["access"]
    assert (entry["action"], entry["who"]) == ("open", server.settings()["INBOX_USER"])
    assert audit_actions(server, reference) == ["open"]


def test_reply_status_export_and_delete_each_leave_an_entry(
    server: LocalServer, token: str
) -> None:
    reference = send_report(server, "Er gebeurt iets op kamp dat niet oké is.")
    path = f"{REPORTS}/{reference}"
    reply = call(server, "POST", f"{path}/replies", {"message": "Dank je. We lezen mee."}, token)
    assert reply.status == 201
    status = call(server, "POST", f"{path}/status", {"status": "handled"}, token)
    assert status.status == 200
    case = status.json()["case"]
    assert (case["status"], case["last_reply_at"] is not None) == ("handled", True)
    assert case["expires_on"] is not None
    exported = call(server, "GET", f"{path}/export", token=token)
    assert exported.status == 200
    assert exported.headers["content-type"].startswith("text/plain")
    assert "attachment" in exported.headers["content-disposition"]
    assert "Er gebeurt iets op kamp" in exported.body.decode()
    assert "Dank je. We lezen mee." in exported.body.decode()
    opened = call(server, "GET", path, token=token).json()
    assert [e["kind"] for e in opened["thread"]] == ["reply"]
    deleted = call(server, "DELETE", path, {"confirm": reference.lower()}, token)
    assert deleted.status == 204
    assert call(server, "GET", path, token=token).status == 404
    assert audit_actions(server, reference) == ["reply", "status", "export", "open", "delete"]


def test_postpone_moves_a_closed_reports_expiry_once(server: LocalServer, token: str) -> None:
    reference = send_report(server, "Een melding waarvan het bewaren uitgesteld wordt.")
    path = f"{REPORTS}/{reference}"
    closed = call(server, "POST", f"{path}/status", {"status": "handled"}, token).json()["case"]
    postponed = call(server, "POST", f"{path}/postpone", token=token)
    assert postponed.status == 200
    assert postponed.headers["cache-control"] == "no-store"
    days = POSTPONE_DAYS
    expected = date.fromisoformat(closed["expires_on"]) + timedelta(days=days)
    assert postponed.json()["expires_on"] == expected.isoformat()
    assert postponed.json()["case"]["postponed"] is True
    opened = call(server, "GET", path, token=token).json()
    assert opened["case"]["expires_on"] == expected.isoformat()
    assert opened["postpone_days"] == days
    again = call(server, "POST", f"{path}/postpone", token=token)
    assert again.status == 409
    assert again.json()["error"] == "conflict"
    assert "postponed before" in again.json()["message"]
    assert call(server, "GET", path, token=token).json()["case"]["expires_on"] == (
        expected.isoformat()
    )
    assert audit_actions(server, reference) == ["status", "postpone", "open", "postpone", "open"]


def test_an_open_report_cannot_be_postponed(server: LocalServer, token: str) -> None:
    reference = send_report(server, "Een open melding heeft nog geen einddatum.")
    answer = call(server, "POST", f"{REPORTS}/{reference}/postpone", token=token)
    assert answer.status == 409
    assert answer.json()["error"] == "conflict"
    assert "closed" in answer.json()["message"]
    opened = call(server, "GET", f"{REPORTS}/{reference}", token=token).json()
    assert (opened["case"]["expires_on"], opened["case"]["postponed"]) == (None, False)


def test_delete_needs_the_reference_typed(server: LocalServer, token: str) -> None:
    reference = send_report(server, "Ik wil iets melden over de jeugdwerking.")
    answer = call(server, "DELETE", f"{REPORTS}/{reference}", {"confirm": "yes"}, token)
    assert answer.status == 400
    assert call(server, "GET", f"{REPORTS}/{reference}", token=token).status == 200


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("POST", "/status", {"status": "closed"}),
        ("POST", "/status", {"status": "new"}),
        ("POST", "/status", b"{not json"),
        ("POST", "/status", b"[1, 2]"),
        ("POST", "/replies", {"message": "   "}),
        ("POST", "/replies", {"message": 42}),
        ("POST", "/replies", {"message": "x" * 10_001}),
        ("DELETE", "", {}),
    ],
)
def test_bad_input_is_a_clear_400(
    server: LocalServer, token: str, method: str, suffix: str, body: Any
) -> None:
    reference = send_report(server, "Een melding om foute invoer op te testen.")
    answer = call(server, method, f"{REPORTS}/{reference}{suffix}", body, token)
    assert answer.status == 400
    assert answer.json()["error"] == "bad_request"


@pytest.mark.parametrize("typed", ["ZZZZ-ZZZZ", "not a reference", "x" * 300, "%00"])
def test_an_unknown_reference_is_404(server: LocalServer, token: str, typed: str) -> None:
    assert call(server, "GET", f"{REPORTS}/{typed.replace(' ', '%20')}", token=token).status == 404


def test_a_child_message_shows_as_unread_until_the_report_is_opened(
    server: LocalServer, token: str
) -> None:
    answer = call(
        server,
        "POST",
        "/api/reports",
        {"message": "Ik heb nog iets te vertellen later.", "language": "nl"},
    ).json()
    reference, code = answer["reference"], answer["followup_code"]
    call(server, "GET", f"{REPORTS}/{reference}", token=token)
    sent = call(
        server,
        "POST",
        "/api/followup/messages",
        {"code": code, "message": "Het is weer gebeurd vandaag.", "language": "nl"},
    )
    assert sent.status == 201

    def row() -> dict[str, Any]:
        reports = call(server, "GET", REPORTS, token=token).json()["reports"]
        found: dict[str, Any] = next(r for r in reports if r["reference"] == reference)
        return found

    assert row()["unread_messages"] == 1
    opened = call(server, "GET", f"{REPORTS}/{reference}", token=token).json()
    assert opened["thread"][-1]["text"] == "Het is weer gebeurd vandaag."
    assert row()["unread_messages"] == 0


# --- the access record ----------------------------------------------------------------------------


def test_an_access_record_entry_cannot_be_deleted_or_rewritten(
    server: LocalServer, token: str
) -> None:
    reference = send_report(server, "Een melding om het toegangsregister te testen.")
    call(server, "GET", f"{REPORTS}/{reference}", token=token)
    client = s3(server)
    bucket = server.settings()["AUDIT_BUCKET"]
    [version] = [
        v
        for v in client.list_object_versions(Bucket=bucket)["Versions"]
        if json.loads(client.get_object(Bucket=bucket, Key=v["Key"])["Body"].read())["reference"]
        == reference
    ]
    with pytest.raises(ClientError) as denied:
        client.delete_object(Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"])
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError):
        client.put_object(Bucket=bucket, Key=version["Key"], Body=b"{}", IfNoneMatch="*")
    head = client.head_object(Bucket=bucket, Key=version["Key"])
    assert head["ObjectLockMode"] == "COMPLIANCE"


def test_sign_out_is_accepted_and_the_page_forgets(server: LocalServer) -> None:
    tokens = new_person(server, local_pool(server))
    answer = call(
        server,
        "POST",
        "/api/inbox/auth/sign-out",
        {"access_token": tokens["access_token"], "refresh_token": tokens["refresh_token"]},
    )
    assert answer.status == 204


def test_reference_is_derived_from_the_report_id() -> None:
    assert reference_for("0" * 32) == "0000-0000"


def test_api_inbox_decrypting_is_on_the_same_record(server: LocalServer, token: str) -> None:
    reference = send_report(server, "Een melding die ook met api-inbox gelezen wordt.")
    call(server, "GET", f"{REPORTS}/{reference}", token=token)
    server.inbox("show", reference)
    entries = server.inbox("audit", reference)
    assert [(e["action"], e["who"]["via"]) for e in entries] == [
        ("open", "web"),
        ("open", "api-inbox"),
    ]
    assert entries[0]["who"]["email"] == server.settings()["INBOX_USER"]
    assert entries[1]["who"]["id"].startswith("arn:aws:")
    opened = call(server, "GET", f"{REPORTS}/{reference}", token=token).json()
    assert [e["action"] for e in opened["access"]] == ["open", "open", "open"]
