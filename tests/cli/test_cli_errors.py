"""What api-inbox does when a report cannot be trusted or reached: one clear line, no traceback."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto.core.authorization import enable_iam_authentication
from reportdesk.cases.reports import TAMPERED

from infra.local_aws import Resources
from tests.cli.conftest import Inbox, Run, StoreReport, log_in_as_reader


def assert_one_line_error(result: Run, message: str) -> None:
    assert result.code != 0
    assert result.out == ""
    assert result.err == f"api-inbox: {message}\n"


def put_body(resources: Resources, key: str, body: bytes) -> None:
    """Overwrite the object's content, keeping its metadata, as someone with write access could."""
    s3 = boto3.client("s3")
    head = s3.head_object(Bucket=resources.reports_bucket, Key=key)
    s3.put_object(Bucket=resources.reports_bucket, Key=key, Body=body, Metadata=head["Metadata"])


def body_of(resources: Resources, key: str) -> bytes:
    s3 = boto3.client("s3")
    data: bytes = s3.get_object(Bucket=resources.reports_bucket, Key=key)["Body"].read()
    return data


# Positions across the message: header (context, data key), body frames, and the signature.
@pytest.mark.parametrize("where", [0.01, 0.1, 0.3, 0.5, 0.8, 0.99])
def test_a_flipped_byte_is_refused(
    store_report: StoreReport, inbox: Inbox, resources: Resources, where: float
) -> None:
    report = store_report()
    body = bytearray(body_of(resources, report.key))
    body[int(len(body) * where)] ^= 0x01
    put_body(resources, report.key, bytes(body))

    result = inbox("show", report.reference)

    assert result.code == 1
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert result.err.startswith("api-inbox: ")
    assert "Traceback" not in result.err


def test_a_flipped_byte_in_the_message_text_says_the_content_was_changed(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()
    body = bytearray(body_of(resources, report.key))
    body[int(len(body) * 0.8)] ^= 0x01
    put_body(resources, report.key, bytes(body))

    result = inbox("show", report.reference)

    assert_one_line_error(
        result, "this report's content was changed or damaged; it cannot be read safely"
    )


def test_content_of_another_report_is_refused(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report_a = store_report("Dit is de melding van A, niet van B.")
    report_b = store_report()
    put_body(resources, report_b.key, body_of(resources, report_a.key))

    result = inbox("show", report_b.reference)

    assert_one_line_error(result, TAMPERED)
    assert TAMPERED == "this report's content does not belong to it; it may have been tampered with"


def test_export_of_another_reports_content_writes_no_file(
    store_report: StoreReport, inbox: Inbox, resources: Resources, tmp_path: Path
) -> None:
    report_a = store_report()
    report_b = store_report()
    put_body(resources, report_b.key, body_of(resources, report_a.key))

    result = inbox("export", report_b.reference, "--out", str(tmp_path / "b.txt"))

    assert_one_line_error(result, TAMPERED)
    assert not (tmp_path / "b.txt").exists()


def test_a_report_under_another_kms_key_is_refused(store_report: StoreReport, inbox: Inbox) -> None:
    other_key = boto3.client("kms").create_key()["KeyMetadata"]["Arn"]
    report = store_report(key_arn=other_key)

    result = inbox("show", report.reference)

    assert_one_line_error(
        result,
        "this report was encrypted with another KMS key than the configured one (KMS_KEY_ARN); "
        "check your settings",
    )


def test_a_deleted_report_is_an_unknown_reference(
    store_report: StoreReport, inbox: Inbox, resources: Resources
) -> None:
    report = store_report()
    boto3.client("s3").delete_object(Bucket=resources.reports_bucket, Key=report.key)

    result = inbox("show", report.reference)

    assert_one_line_error(result, f"no report with reference {report.reference}")


def test_an_unknown_reference_is_one_line(store_report: StoreReport, inbox: Inbox) -> None:
    store_report()

    result = inbox("show", "ZZZZ-ZZZZ")

    assert_one_line_error(result, "no report with reference ZZZZ-ZZZZ")


def test_text_that_is_no_reference_is_one_line(resources: Resources, inbox: Inbox) -> None:
    result = inbox("mark", "ABC-12", "handled")

    assert_one_line_error(result, "'ABC-12' is not a report reference (it looks like ABCD-1234)")


def test_missing_credentials_say_to_log_in(
    store_report: StoreReport, inbox: Inbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    report = store_report()
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    result = inbox("show", report.reference)

    assert_one_line_error(
        result, "no AWS login found: run `aws sso login` (or pass --profile) and try again"
    )


def test_a_bucket_that_does_not_exist_is_one_line(
    resources: Resources, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPORTS_BUCKET", "no-such-reports")

    result = inbox("list")

    assert_one_line_error(
        result, "the reports bucket does not exist: check REPORTS_BUCKET or the config file"
    )


def test_a_reader_without_access_to_the_bucket_is_told_access_is_denied(
    store_report: StoreReport, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_report()
    log_in_as_reader(monkeypatch, ["kms:Decrypt"])

    with enable_iam_authentication():
        result = inbox("list")

    assert_one_line_error(
        result, "access denied: your AWS identity may not read the reports; ask a maintainer"
    )


def test_a_reader_who_may_not_use_the_key_is_told_kms_refused(
    store_report: StoreReport, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = store_report()
    # PutObject: the access record entry comes first.
    log_in_as_reader(
        monkeypatch, ["s3:ListBucket", "s3:GetObject", "s3:GetObjectTagging", "s3:PutObject"]
    )

    with enable_iam_authentication():
        result = inbox("show", report.reference)

    assert_one_line_error(
        result,
        "KMS refused to decrypt this report: your AWS identity may not use the key, "
        "or the content was changed",
    )
