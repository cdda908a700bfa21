"""infra.security_headers: hashes inline scripts, refuses inline code the policy would block."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from infra.security_headers import (
    InlineCodeError,
    load_headers,
    main,
    scan_html,
    script_hash,
    security_headers,
    write_headers,
)

PAGE = "<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def built_site(tmp_path: Path, head: str = "", body: str = "") -> Path:
    site = tmp_path / "site"
    (site / "fr").mkdir(parents=True)
    (site / "index.html").write_text(PAGE.format(head=head, body=body), encoding="utf-8")
    (site / "fr" / "index.html").write_text(PAGE.format(head="", body=""), encoding="utf-8")
    return site


def test_script_hash_is_the_base64_sha256_of_the_exact_text() -> None:
    expected = base64.b64encode(hashlib.sha256(b"var a=1").digest()).decode()
    assert script_hash("var a=1") == f"'sha256-{expected}'"


def test_inline_scripts_are_hashed_into_script_src(tmp_path: Path) -> None:
    site = built_site(tmp_path, head="<script>var a=1</script>")
    policy = security_headers(site)["Content-Security-Policy"]
    assert f"script-src 'self' {script_hash('var a=1')};" in policy


def test_scripts_with_src_or_json_type_are_not_hashed() -> None:
    scan = scan_html(
        '<script src="/a.js"></script><script type="application/json">{"a":1}</script>'
    )
    assert scan.inline_scripts == []


@pytest.mark.parametrize(
    "body",
    [
        '<button onclick="go()">x</button>',
        '<p style="color:red">x</p>',
        "<style>p{color:red}</style>",
        '<a href="javascript:go()">x</a>',
    ],
)
def test_inline_code_the_policy_would_block_is_refused(tmp_path: Path, body: str) -> None:
    with pytest.raises(InlineCodeError, match=r"index\.html"):
        security_headers(built_site(tmp_path, body=body))


def test_command_fails_with_a_clear_message_on_blocked_inline_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = built_site(tmp_path, body='<div onmouseover="x()"></div>')
    assert main([str(site), str(tmp_path / "headers.json")]) == 1
    assert "onmouseover" in capsys.readouterr().err
    assert not (tmp_path / "headers.json").exists()


def test_written_headers_load_back_unchanged(tmp_path: Path) -> None:
    site = built_site(tmp_path, head="<script>var a=1</script>")
    written = write_headers(site, tmp_path / "out" / "headers.json")
    assert load_headers(tmp_path / "out" / "headers.json") == written


def test_every_security_header_is_present(tmp_path: Path) -> None:
    headers = security_headers(built_site(tmp_path))
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert "camera=()" in headers["Permissions-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_load_headers_rejects_anything_but_an_object_of_strings(tmp_path: Path) -> None:
    path = tmp_path / "headers.json"
    path.write_text('{"X-Frame-Options": 1}', encoding="utf-8")
    with pytest.raises(ValueError, match="header name to header value"):
        load_headers(path)
