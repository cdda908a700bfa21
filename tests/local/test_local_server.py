"""`make serve`'s server running: the site with production headers, the API, the outbox, a stop."""

from __future__ import annotations

import http.client
import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import boto3
import pytest

from infra.local_aws import RECIPIENTS
from infra.security_headers import load_headers
from tests.local.local_process import HEADERS, SITE, LocalServer, local_server

MAIL_WAIT_S = 30


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    with local_server(tmp_path_factory.mktemp("local-server")) as running:
        yield running


def request(
    server: LocalServer,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(urlsplit(server.url).netloc, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def send_report(server: LocalServer, message: str) -> dict[str, Any]:
    body = json.dumps({"message": message, "language": "en", "submission_id": str(uuid.uuid4())})
    status, _, answer = request(
        server, "POST", "/api/reports", body.encode(), {"Content-Type": "application/json"}
    )
    assert status == 201
    result: dict[str, Any] = json.loads(answer)
    return result


def test_pages_have_the_production_security_headers_but_hsts(server: LocalServer) -> None:
    status, headers, _ = request(server, "GET", "/en/")
    assert status == 200
    for name, value in load_headers(HEADERS).items():
        if name.lower() == "strict-transport-security":
            assert name.lower() not in headers
        else:
            assert headers[name.lower()] == value


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/assets/stylesheets/form.css", "text/css; charset=utf-8"),
        ("/assets/javascripts/report-form.js", "text/javascript; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
    ],
)
def test_files_are_served_with_their_content_type(
    server: LocalServer, path: str, content_type: str
) -> None:
    status, headers, _ = request(server, "GET", path)
    assert (status, headers["content-type"]) == (200, content_type)


def test_unknown_path_gets_the_404_page_with_status_404(server: LocalServer) -> None:
    status, headers, body = request(server, "GET", "/no/such/page/")
    assert status == 404
    assert body == (SITE / "404.html").read_bytes()
    assert "content-security-policy" in headers


def test_folder_without_slash_is_redirected_to_its_page(server: LocalServer) -> None:
    status, headers, _ = request(server, "GET", "/en")
    assert (status, headers["location"]) == (301, "/en/")


def test_files_outside_the_site_are_never_served(server: LocalServer) -> None:
    status, _, body = request(server, "GET", "/%2e%2e/pyproject.toml")
    assert status == 404
    assert b"[project]" not in body


def test_api_requests_reach_the_intake_function(server: LocalServer) -> None:
    status, headers, body = request(server, "GET", "/api/challenge")
    assert status == 200
    assert headers["cache-control"] == "no-store"
    assert {"algorithm", "challenge", "salt", "signature"} <= set(json.loads(body))


def test_a_report_is_stored_and_readable_with_api_inbox(server: LocalServer) -> None:
    answer = send_report(server, "Someone at camp keeps hurting me.")
    stored = server.inbox("show", answer["reference"])
    assert stored["message"] == "Someone at camp keeps hurting me."


def test_the_mailers_e_mail_appears_in_the_outbox(server: LocalServer) -> None:
    reference = send_report(server, "Someone at camp keeps hurting me.")["reference"]
    deadline = time.monotonic() + MAIL_WAIT_S
    while time.monotonic() < deadline:
        mails = [mail for mail in server.outbox() if reference in mail["subject"]]
        if mails:
            break
        time.sleep(0.5)
    assert len(mails) == 1
    assert mails[0]["to"] == list(RECIPIENTS)
    assert reference in mails[0]["text"]


def test_reminders_run_as_if_at_a_chosen_time_and_mail_the_outbox(server: LocalServer) -> None:
    reference = send_report(server, "Nobody opens this one.")["reference"]
    later = (datetime.now(UTC) + timedelta(days=9)).isoformat(timespec="seconds")
    status, _, body = request(server, "POST", f"/_local/reminders?now={quote(later)}")
    assert status == 200
    run = json.loads(body)
    assert run["outcome"] == "sent" and reference in run["named"]
    [mail] = [m for m in server.outbox() if m["subject"].startswith("Herinnering")]
    assert mail["to"] == list(RECIPIENTS)
    assert f"{reference}: 9 dagen geleden ontvangen" in mail["text"]
    # The same day again: never a second e-mail.
    status, _, body = request(server, "POST", f"/_local/reminders?now={quote(later)}")
    assert json.loads(body)["outcome"] == "already_sent"


def test_reminders_endpoint_refuses_a_time_it_cannot_read(server: LocalServer) -> None:
    status, _, _ = request(server, "POST", "/_local/reminders?now=next+tuesday")
    assert status == 400


def test_outbox_page_shows_the_e_mails_escaped(server: LocalServer) -> None:
    send_report(server, "Someone at camp keeps hurting me.")
    status, headers, body = request(server, "GET", "/_local/outbox")
    page = body.decode()
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    # The notification e-mails are HTML: shown as text, never as part of this page.
    assert "&lt;p&gt;" in page
    assert "<p>Er is" not in page


def test_inbox_env_points_api_inbox_at_the_emulated_aws(server: LocalServer) -> None:
    lines = (server.workdir / ".local" / "inbox.env").read_text().splitlines()
    settings = dict(
        line.removeprefix("export ").split("=", 1) for line in lines if line.startswith("export ")
    )
    assert set(settings) == {
        "AWS_ENDPOINT_URL",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "REPORTS_BUCKET",
        "KMS_KEY_ARN",
    }
    assert settings["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")


def test_log_has_method_path_and_status_but_never_the_report(server: LocalServer) -> None:
    marker = f"secret-{uuid.uuid4()}"
    send_report(server, f"Someone at camp keeps hurting me. {marker}")
    log = server.log.read_text()
    assert "POST /api/reports 201" in log
    assert marker not in log


def test_sigterm_stops_everything_cleanly(tmp_path: Path) -> None:
    with local_server(tmp_path) as running:
        code = running.stop()
    log = running.log.read_text()
    assert code == 0
    assert "Stopped." in log
    assert "Traceback" not in log


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:{port}", "127.0.0.1"])
def test_a_foreign_host_header_is_refused_so_dns_rebinding_cannot_read_the_outbox(
    server: LocalServer, host: str
) -> None:
    port = urlsplit(server.url).port
    for path in ("/_local/outbox.json", "/api/challenge", "/en/"):
        status, _, body = request(server, "GET", path, headers={"Host": host.format(port=port)})
        assert status == 421
        assert b"subject" not in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_the_local_host_names_with_the_port_are_served(server: LocalServer, host: str) -> None:
    port = urlsplit(server.url).port
    status, _, _ = request(
        server, "GET", "/_local/outbox.json", headers={"Host": host.format(port=port)}
    )
    assert status == 200


def test_json_that_is_not_utf8_is_refused_not_read_with_replacement_characters(
    server: LocalServer,
) -> None:
    body = b'{"message": "Iemand doet me pijn \xff\xfe op kamp.", "language": "en"}'
    status, _, answer = request(
        server, "POST", "/api/reports", body, {"Content-Type": "application/json"}
    )
    assert status == 400
    assert json.loads(answer)["errors"][0]["code"] == "not_utf8"


def test_the_api_runs_the_origin_check_with_the_header_the_server_adds(
    server: LocalServer,
) -> None:
    lines = (server.workdir / ".local" / "inbox.env").read_text().splitlines()
    settings = dict(
        line.removeprefix("export ").split("=", 1) for line in lines if line.startswith("export ")
    )
    secrets = boto3.client(
        "secretsmanager",
        endpoint_url=settings["AWS_ENDPOINT_URL"],
        region_name=settings["AWS_DEFAULT_REGION"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 (moto's)
    )
    names = [secret["Name"] for secret in secrets.list_secrets()["SecretList"]]
    assert "local/origin-verify" in names
    # A browser's own value is replaced by the server's, as CloudFront replaces it.
    status, _, _ = request(server, "GET", "/api/challenge", headers={"x-origin-verify": "guess"})
    assert status == 200


def test_the_servers_origin_header_and_setting_are_the_functions_own() -> None:
    from reportdesk.runtime import origin

    from infra.local import web
    from infra.local_server import ORIGIN_VERIFY_SETTING

    assert origin.HEADER.lower() == web.ORIGIN_VERIFY_HEADER
    assert ORIGIN_VERIFY_SETTING == origin.SETTING
