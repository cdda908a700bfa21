"""Talking to the local server's web inbox as the page does: sign in with a TOTP code, then call
the inbox API with the ID token."""

from __future__ import annotations

import http.client
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import boto3

from infra.local_aws import REGION, UserPool, create_person, fresh_totp_code
from tests.local.local_process import LocalServer


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    server: LocalServer,
    method: str,
    path: str,
    body: Any = None,
    token: str | None = None,
) -> Answer:
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = b""
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    connection = http.client.HTTPConnection(urlsplit(server.url).netloc, timeout=30)
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return Answer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            response.read(),
        )
    finally:
        connection.close()


def sign_in(server: LocalServer, email: str, password: str, secret: str) -> dict[str, Any]:
    """The tokens after the password and the authenticator code, through /api/inbox/auth/*."""
    started = call(
        server, "POST", "/api/inbox/auth/start", {"username": email, "password": password}
    )
    assert started.status == 200, started.body
    assert started.json()["step"] == "SOFTWARE_TOKEN_MFA"
    answered = call(
        server,
        "POST",
        "/api/inbox/auth/totp",
        {"username": email, "session": started.json()["session"], "code": fresh_totp_code(secret)},
    )
    assert answered.status == 200, answered.body
    tokens: dict[str, Any] = answered.json()["tokens"]
    return tokens


def cognito(server: LocalServer) -> Any:
    return boto3.client(
        "cognito-idp",
        region_name=REGION,
        endpoint_url=server.settings()["AWS_ENDPOINT_URL"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 -- moto's
    )


def s3(server: LocalServer) -> Any:
    return boto3.client(
        "s3",
        region_name=REGION,
        endpoint_url=server.settings()["AWS_ENDPOINT_URL"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 -- moto's
    )


def local_pool(server: LocalServer) -> UserPool:
    settings = server.settings()
    return UserPool(settings["INBOX_USER_POOL_ID"], settings["INBOX_CLIENT_ID"])


def new_person(server: LocalServer, pool: UserPool, *, reader: bool = True) -> dict[str, Any]:
    """Another person in `pool` and its app client, signed in straight at Cognito (the page's
    sign-in only knows the inbox's own client): their tokens, named as the page names them."""
    client = cognito(server)
    email = f"person-{uuid.uuid4().hex[:8]}@example.org"
    password, secret = create_person(client, pool, email, reader=reader)
    started = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    result = client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": email, "SOFTWARE_TOKEN_MFA_CODE": fresh_totp_code(secret)},
    )["AuthenticationResult"]
    return {
        "id_token": result["IdToken"],
        "access_token": result["AccessToken"],
        "refresh_token": result["RefreshToken"],
    }


def send_report(server: LocalServer, message: str) -> str:
    """A report through the report API, as a child's browser sends it; its reference."""
    answer = call(
        server,
        "POST",
        "/api/reports",
        {"message": message, "language": "nl", "submission_id": str(uuid.uuid4())},
    )
    assert answer.status == 201, answer.body
    reference: str = answer.json()["reference"]
    return reference


def wait_for(predicate: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
