"""POST /api/reports with JSON: stored encrypted exactly once; every HTTP answer of the contract."""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError
from reportdesk.core import crypto, reference
from reportdesk.core.model import ReportDocument
from reportdesk.core.texts import text
from reportdesk.runtime import aws

from tests.intake.conftest import Answer, Bucket, Invoke

PostJson = Callable[..., Answer]

TRICKY_MESSAGE = (
    "Hij zei dat ik niets mocht vertellen 😢🙈 — "
    "قال لي ألا أخبر أحداً "  # right-to-left text
    "עברית "
    "e\u0301e\u0300 n\u0303 "  # combining accents
    "👩🏽‍👧 \u200f\u200e tabs\tand\nnew lines\n\nend"
)


def full_report(**changes: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "submission_id": str(uuid.uuid4()),
        "language": "nl",
        "message": TRICKY_MESSAGE,
        "organisation": "tzitemzo",
        "when": "Vorige zomer, op kamp 🏕️",
        "age_group": "12-15",
        "contact": {
            "wants_contact": True,
            "name": "Noor El Amrani",
            "email": "noor.elamrani@example.be",
            "phone": "0470 12 34 56",
            "safe_to_leave_message": False,
        },
    }
    report.update(changes)
    return report


def test_valid_report_is_answered_201_with_its_reference(post_json: PostJson) -> None:
    sent = full_report()
    answer = post_json(sent)
    assert answer.status == 201
    body = answer.json()
    expected = reference.reference_for(reference.report_id_for(sent["submission_id"]))
    assert body["reference"] == expected
    # The submission id is not echoed: it is the page's own, and no credential to hand back.
    assert "submission_id" not in body


def test_stored_report_decrypts_back_to_exactly_what_was_sent(
    post_json: PostJson, bucket: Bucket
) -> None:
    sent = full_report()
    post_json(sent)
    [key] = bucket.report_keys()
    document = bucket.decrypt(key)
    assert document["message"] == sent["message"]
    assert document["when"] == sent["when"]
    assert document["contact"] == sent["contact"]
    assert document["organisation"] == "tzitemzo"
    assert document["age_group"] == "12-15"


def test_stored_document_has_schema_ids_time_language_and_triage(
    post_json: PostJson, bucket: Bucket
) -> None:
    sent = full_report(language="fr")
    reference_answer = post_json(sent).json()["reference"]
    [key] = bucket.report_keys()
    document = ReportDocument.model_validate(bucket.decrypt(key))
    assert document.schema_version == 1
    assert document.report_id == reference.report_id_for(sent["submission_id"])
    assert document.reference == reference_answer
    assert document.language == "fr"
    assert document.triage == "unverified"
    assert document.received_at.utcoffset() is not None
    assert document.received_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_report_is_stored_under_reports_year_month_report_id(
    post_json: PostJson, bucket: Bucket
) -> None:
    sent = full_report()
    post_json(sent)
    [key] = bucket.report_keys()
    document = bucket.decrypt(key)
    received = document["received_at"]
    report_id = reference.report_id_for(sent["submission_id"])
    assert key == f"reports/{received[:4]}/{received[5:7]}/{report_id}"


def test_decrypting_with_another_report_id_as_context_fails(
    post_json: PostJson, bucket: Bucket
) -> None:
    import botocore.session

    post_json(full_report())
    [key] = bucket.report_keys()
    with pytest.raises(crypto.WrongEncryptionContext):
        crypto.decrypt(
            bucket.ciphertext(key),
            reference.report_id_for(str(uuid.uuid4())),
            key_arn=bucket.resources.kms_key_arn,
            botocore_session=botocore.session.get_session(),
        )


def test_object_metadata_holds_no_personal_data(post_json: PostJson, bucket: Bucket) -> None:
    sent = full_report()
    answer = post_json(sent).json()
    [key] = bucket.report_keys()
    metadata = bucket.head(key)["Metadata"]
    assert set(metadata) == {
        "reference",
        "language",
        "triage",
        "contact-wanted",
        "received",
        "schema",
    }
    assert metadata["reference"] == answer["reference"]
    assert metadata["contact-wanted"] == "yes"
    assert metadata["language"] == "nl"
    assert metadata["schema"] == "1"
    flat = json.dumps(metadata)
    for value in ("Noor", "example.be", "0470", "kamp", "vertellen"):
        assert value not in flat


def test_new_report_has_no_tags(post_json: PostJson, bucket: Bucket) -> None:
    # Its status is its case state (`cases/<report_id>`, none yet: new); the role tags nothing.
    post_json(full_report())
    [key] = bucket.report_keys()
    tags = bucket.s3.get_object_tagging(Bucket=bucket.resources.reports_bucket, Key=key)
    assert tags["TagSet"] == []


def test_stored_object_is_not_plain_text(post_json: PostJson, bucket: Bucket) -> None:
    post_json(full_report(message="Een geheim dat niemand mag lezen, echt niet."))
    [key] = bucket.report_keys()
    assert b"geheim" not in bucket.ciphertext(key)


def test_contact_details_are_dropped_when_the_child_wants_no_contact(
    post_json: PostJson, bucket: Bucket
) -> None:
    sent = full_report(
        contact={"wants_contact": False, "name": "Noor El Amrani", "email": "not an address"}
    )
    assert post_json(sent).status == 201
    [key] = bucket.report_keys()
    assert bucket.decrypt(key)["contact"] == {
        "wants_contact": False,
        "safe_to_leave_message": False,
    }
    assert bucket.head(key)["Metadata"]["contact-wanted"] == "no"


def test_message_is_stored_trimmed(post_json: PostJson, bucket: Bucket) -> None:
    post_json(full_report(message="\n   Dit is wat er gebeurd is.  \n"))
    [key] = bucket.report_keys()
    assert bucket.decrypt(key)["message"] == "Dit is wat er gebeurd is."


def test_minimal_report_gets_a_submission_id_from_the_server(
    post_json: PostJson, bucket: Bucket
) -> None:
    answer = post_json({"message": "Alleen een bericht, verder niets."})
    assert answer.status == 201
    [key] = bucket.report_keys()
    submission_id = bucket.decrypt(key)["submission_id"]
    assert str(uuid.UUID(submission_id)) == submission_id
    assert key.endswith(reference.report_id_for(submission_id))


def test_same_submission_id_twice_stores_one_object_with_the_same_reference(
    post_json: PostJson, bucket: Bucket
) -> None:
    sent = full_report()
    first = post_json(sent)
    second = post_json(sent)
    assert first.status == second.status == 201
    # Each answer carries its own new follow-up code; everything else is the same.
    assert {**first.json(), "followup_code": None} == {**second.json(), "followup_code": None}
    assert len(bucket.report_versions()) == 1


def test_fifty_concurrent_identical_submissions_store_one_object(
    post_json: PostJson, bucket: Bucket
) -> None:
    sent = full_report()
    answers: list[Answer] = []
    start = threading.Barrier(50)

    def submit() -> None:
        start.wait()
        answers.append(post_json(sent))

    threads = [threading.Thread(target=submit) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answer.status for answer in answers] == [201] * 50
    assert len({answer.json()["reference"] for answer in answers}) == 1
    assert len(bucket.report_versions()) == 1


def test_intake_never_lists_and_reads_only_its_own_markers(post_json: PostJson) -> None:
    """The function's role may write reports and markers, and read only the metadata of its own
    markers (a retry's `submissions/` marker), never a report (infra/api.py)."""
    calls: list[tuple[str, str]] = []
    s3 = aws.clients(os.environ["AWS_DEFAULT_REGION"]).s3

    def record(model: Any, params: dict[str, Any], **kwargs: Any) -> None:
        calls.append((model.name, params.get("Key", "")))

    s3.meta.events.register("provide-client-params.s3", record)
    try:
        sent = full_report()
        post_json(sent)
        post_json(sent)
    finally:
        s3.meta.events.unregister("provide-client-params.s3", record)
    assert calls
    reads = {(name, key.split("/")[0]) for name, key in calls if not name.startswith("Put")}
    assert reads == {("HeadObject", "submissions")}


def test_answer_is_never_cached(post_json: PostJson) -> None:
    answer = post_json(full_report())
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"


def test_json_with_charset_parameter_is_accepted(invoke: Invoke) -> None:
    answer = invoke(
        "POST",
        "/api/reports",
        json.dumps({"message": "Het content-type heeft een charset."}),
        {"Content-Type": "application/json; charset=UTF-8"},
    )
    assert answer.status == 201


def test_base64_encoded_body_is_read(invoke: Invoke, bucket: Bucket) -> None:
    body = json.dumps({"message": "Doorgegeven als base64 door API Gateway ✓"}).encode()
    answer = invoke("POST", "/api/reports", body, {"content-type": "application/json"})
    assert answer.status == 201
    [key] = bucket.report_keys()
    assert bucket.decrypt(key)["message"] == "Doorgegeven als base64 door API Gateway ✓"


# --- requests that cannot be read ---------------------------------------------------------------


def test_malformed_json_is_400_in_the_accept_language(invoke: Invoke, bucket: Bucket) -> None:
    answer = invoke(
        "POST",
        "/api/reports",
        '{"message": "niet af',
        {"content-type": "application/json", "accept-language": "fr-BE,fr;q=0.9"},
    )
    assert answer.status == 400
    [error] = answer.json()["errors"]
    assert (error["field"], error["code"]) == ("request", "malformed")
    assert "Rien n\u2019a été enregistré" in error["message"]
    assert bucket.report_keys() == []


def test_invalid_utf8_is_400_with_its_own_message(invoke: Invoke, bucket: Bucket) -> None:
    answer = invoke(
        "POST",
        "/api/reports",
        b'{"message": "\xff\xfe ongeldige bytes hier"}',
        {"content-type": "application/json", "accept-language": "en"},
    )
    assert answer.status == 400
    [error] = answer.json()["errors"]
    assert (error["field"], error["code"]) == ("request", "not_utf8")
    assert error["message"] == text("error.request.not_utf8", "en")
    assert bucket.report_keys() == []


def test_json_text_with_replacement_characters_is_refused_not_stored_changed(
    invoke: Invoke, bucket: Bucket
) -> None:
    # What arrives when bytes that were not UTF-8 were decoded with replacement on the way.
    body = '{"message": "Iemand doet me \ufffd\ufffd pijn op kamp."}'
    answer = invoke("POST", "/api/reports", body, {"content-type": "application/json"})
    assert answer.status == 400
    assert answer.json()["errors"][0]["code"] == "not_utf8"
    assert bucket.report_keys() == []


def test_body_over_32_kib_is_413(invoke: Invoke, bucket: Bucket) -> None:
    body = json.dumps({"message": "x" * (32 * 1024)})
    answer = invoke("POST", "/api/reports", body, {"content-type": "application/json"})
    assert answer.status == 413
    assert answer.json()["errors"][0]["code"] == "too_large"
    assert bucket.report_keys() == []


def test_body_of_exactly_32_kib_is_read(invoke: Invoke) -> None:
    padding = 32 * 1024 - len(json.dumps({"message": ""}))
    body = json.dumps({"message": "y" * padding})
    assert len(body.encode()) == 32 * 1024
    answer = invoke("POST", "/api/reports", body, {"content-type": "application/json"})
    # Read, then refused by validation (message over 10,000 characters), not by size.
    assert answer.status == 422


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", None])
def test_other_content_types_are_415(
    invoke: Invoke, bucket: Bucket, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    answer = invoke("POST", "/api/reports", '{"message": "Een melding in tekst."}', headers)
    assert answer.status == 415
    assert answer.json()["errors"][0]["code"] == "unsupported_media_type"
    assert bucket.report_keys() == []


def test_unknown_route_is_404_json(invoke: Invoke) -> None:
    answer = invoke("GET", "/api/unknown", headers={"accept-language": "en"})
    assert answer.status == 404
    assert answer.json()["errors"] == [
        {"field": "request", "code": "not_found", "message": "This page does not exist."}
    ]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/api/reports", "POST"),
        ("PUT", "/api/reports", "POST"),
        ("POST", "/api/challenge", "GET"),
    ],
)
def test_wrong_method_is_405_with_allow(invoke: Invoke, method: str, path: str, allow: str) -> None:
    answer = invoke(method, path, headers={"accept-language": "nl"})
    assert answer.status == 405
    assert answer.headers["Allow"] == allow
    assert answer.json()["errors"][0]["code"] == "method_not_allowed"


# --- AWS failures: nothing stored, the child is told to try again --------------------------------


def _unreachable(**kwargs: Any) -> None:
    raise EndpointConnectionError(endpoint_url="https://unreachable.example")


@pytest.fixture
def kms_down() -> Iterator[None]:
    """KMS unreachable for the function, injected in botocore's event system under the client the
    Encryption SDK makes (from the function's botocore session, for this test's new key).
    """

    events = aws.clients(os.environ["AWS_DEFAULT_REGION"]).session.get_component("event_emitter")
    events.register_first("before-send.kms", _unreachable)
    yield
    events.unregister("before-send.kms", _unreachable)


@pytest.fixture
def s3_down() -> Iterator[None]:
    """S3 unreachable for the function's S3 client (registered first, so before moto answers)."""

    events = aws.clients(os.environ["AWS_DEFAULT_REGION"]).s3.meta.events
    events.register_first("before-send.s3", _unreachable)
    yield
    events.unregister("before-send.s3", _unreachable)


RETRY_TEXT = {
    "nl": "Er is niets bewaard. Probeer het over een paar minuten nog eens.",
    "fr": "Rien n\u2019a été enregistré. Réessaie dans quelques minutes.",
    "en": "Nothing was saved. Please try again in a few minutes.",
}


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_kms_down_is_503_with_nothing_stored_and_a_retry_message(
    post_json: PostJson, bucket: Bucket, kms_down: None, language: str
) -> None:
    answer = post_json(full_report(language=language))
    assert answer.status == 503
    [error] = answer.json()["errors"]
    assert error["code"] == "unavailable"
    assert RETRY_TEXT[language] in error["message"]
    assert bucket.report_versions() == []


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_s3_down_is_503_with_nothing_stored_and_a_retry_message(
    post_json: PostJson, bucket: Bucket, s3_down: None, language: str
) -> None:
    answer = post_json(full_report(language=language))
    assert answer.status == 503
    assert RETRY_TEXT[language] in answer.json()["errors"][0]["message"]
    assert bucket.report_versions() == []


def test_missing_bucket_is_503(post_json: PostJson, bucket: Bucket) -> None:
    bucket.s3.delete_bucket(Bucket=bucket.resources.reports_bucket)
    answer = post_json(full_report())
    assert answer.status == 503
    assert answer.json()["errors"][0]["code"] == "unavailable"


def test_retry_after_503_stores_the_report_once_with_the_same_reference(
    post_json: PostJson, bucket: Bucket
) -> None:

    sent = full_report()
    events = aws.clients(os.environ["AWS_DEFAULT_REGION"]).s3.meta.events
    events.register_first("before-send.s3", _unreachable)
    try:
        assert post_json(sent).status == 503
    finally:
        events.unregister("before-send.s3", _unreachable)
    answer = post_json(sent)
    assert answer.status == 201
    assert answer.json()["reference"] == reference.reference_for(
        reference.report_id_for(sent["submission_id"])
    )
    assert len(bucket.report_versions()) == 1
