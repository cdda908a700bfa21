"""The follow-up API: the child reads the API persons' replies with the private code and writes
back; an unknown, malformed or deleted code gets one generic answer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import boto3
import botocore.session
import pytest
from reportdesk.core import crypto
from reportdesk.core.reference import CROCKFORD_ALPHABET
from reportdesk.followup import store as followup_store

from infra.local_aws import Resources
from tests.followup.conftest import Bucket, Post

CODE_FORMAT = re.compile(
    f"[{CROCKFORD_ALPHABET}]{{4}}-[{CROCKFORD_ALPHABET}]{{4}}-[{CROCKFORD_ALPHABET}]{{4}}"
)
REPLY = "Dank je voor je melding. Wil je ons vertellen wanneer dit gebeurde?"
MESSAGE = "Het was vorige week, na de training op woensdag."


def _reply(resources: Resources, report_id: str, text: str = REPLY) -> None:
    """A reply stored the way api-inbox stores it."""
    followup_store.store_entry(
        boto3.client("s3"),
        resources.reports_bucket,
        "reply",
        report_id,
        text,
        key_arn=resources.kms_key_arn,
        botocore_session=botocore.session.get_session(),
        now=datetime.now(UTC),
        metadata={},
    )


def _report_id(bucket: Bucket) -> str:
    [key] = bucket.names("reports/")
    return key.rsplit("/", 1)[1]


def test_accepted_report_answer_carries_a_followup_code_of_three_groups_of_four(
    report: Post,
) -> None:
    answer = report().json()
    assert CODE_FORMAT.fullmatch(answer["followup_code"])
    assert answer["followup_code"].replace("-", "") != answer["reference"].replace("-", "")


def test_two_reports_get_different_codes(report: Post) -> None:
    assert report().json()["followup_code"] != report().json()["followup_code"]


def test_a_retried_report_gets_a_new_code_and_both_codes_read_the_same_report(
    report: Post, read: Post
) -> None:
    submission = "4b7d1b5e-3c55-4a55-9f3c-1f1f2a8d9c10"
    first = report(submission_id=submission).json()
    second = report(submission_id=submission).json()
    assert first["followup_code"] != second["followup_code"]
    assert read(first["followup_code"]).json()["reference"] == first["reference"]
    assert read(second["followup_code"]).json()["reference"] == first["reference"]


def test_reading_a_new_report_shows_its_reference_and_no_replies_or_messages(
    report: Post, read: Post
) -> None:
    sent = report().json()
    answer = read(sent["followup_code"])
    assert answer.status == 200
    body = answer.json()
    assert {k: body[k] for k in ("reference", "replies", "messages", "status")} == {
        "reference": sent["reference"],
        "replies": [],
        "messages": [],
        "status": "received",
    }
    assert answer.headers["Cache-Control"] == "no-store"


def test_code_is_accepted_in_lower_case_with_spaces_and_confusable_letters(
    report: Post, read: Post
) -> None:
    code = report().json()["followup_code"]
    typed = " ".join(code.replace("-", "")).lower().replace("0", "o").replace("1", "l")
    assert read(typed).status == 200


def test_reply_is_shown_with_its_date(
    report: Post, read: Post, resources: Resources, bucket: Bucket
) -> None:
    code = report().json()["followup_code"]
    _reply(resources, _report_id(bucket))
    [reply] = read(code).json()["replies"]
    assert reply["text"] == REPLY
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", reply["date"])


def test_replies_are_shown_oldest_first(
    report: Post, read: Post, resources: Resources, bucket: Bucket
) -> None:
    code = report().json()["followup_code"]
    for text in ("Eerste antwoord.", "Tweede antwoord.", "Derde antwoord."):
        _reply(resources, _report_id(bucket), text)
    texts = [reply["text"] for reply in read(code).json()["replies"]]
    assert texts == ["Eerste antwoord.", "Tweede antwoord.", "Derde antwoord."]


def test_message_is_answered_201_and_stored_encrypted_as_purpose_message(
    report: Post, write: Post, resources: Resources, bucket: Bucket
) -> None:
    code = report().json()["followup_code"]
    answer = write(code, MESSAGE)
    assert answer.status == 201
    report_id = _report_id(bucket)
    [key] = bucket.names(f"messages/{report_id}/")
    body = bucket.s3.get_object(Bucket=resources.reports_bucket, Key=key)["Body"].read()
    assert MESSAGE.encode() not in body
    plaintext = crypto.decrypt(
        body,
        report_id,
        key_arn=resources.kms_key_arn,
        botocore_session=botocore.session.get_session(),
        purpose="message",
    )
    assert MESSAGE in plaintext.decode()


def test_own_messages_are_listed_by_date_only(report: Post, read: Post, write: Post) -> None:
    code = report().json()["followup_code"]
    write(code, MESSAGE)
    answer = read(code)
    [message] = answer.json()["messages"]
    assert set(message) == {"date"}
    assert MESSAGE not in answer.body


@pytest.mark.parametrize(
    ("message", "code"),
    [("", "required"), ("te kort", "too_short"), ("x" * 10_001, "too_long")],
)
def test_message_is_validated_like_a_report_message(
    report: Post, write: Post, bucket: Bucket, message: str, code: str
) -> None:
    followup_code = report().json()["followup_code"]
    answer = write(followup_code, message)
    assert answer.status == 422
    [error] = answer.json()["errors"]
    assert (error["field"], error["code"]) == ("message", code)
    assert bucket.names("messages/") == []


def test_message_of_10_000_characters_is_accepted(report: Post, write: Post) -> None:
    assert write(report().json()["followup_code"], "x" * 10_000).status == 201


def _generic(answer: Any) -> tuple[int, str]:
    return answer.status, answer.body


def test_wrong_malformed_and_deleted_codes_get_the_same_answer(
    report: Post, read: Post, inbox: Any
) -> None:
    sent = report().json()
    assert inbox("delete", sent["reference"], "--yes").code == 0
    wrong = read("ABCD-EFGH-JKMN")
    assert wrong.status == 404
    assert _generic(read("not a code!")) == _generic(wrong)
    assert _generic(read("")) == _generic(wrong)
    assert _generic(read(sent["followup_code"])) == _generic(wrong)


def test_writing_with_an_unknown_code_gets_the_same_answer_and_stores_nothing(
    read: Post, write: Post, bucket: Bucket
) -> None:
    wrong = write("ABCD-EFGH-JKMN", MESSAGE)
    assert _generic(wrong) == _generic(read("ABCD-EFGH-JKMN"))
    assert _generic(write("nonsense", MESSAGE)) == _generic(wrong)
    assert bucket.names("messages/") == []


def test_unknown_and_malformed_codes_cost_one_listing_of_the_mappings_each(
    read: Post, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same work for both, and only a listing: the function's role may list only its own
    prefixes, so a GET of a missing mapping would be a 403, not a 404 (issue 16, item 8)."""
    from reportdesk.followup import handler as followup

    calls: list[tuple[str, str]] = []
    s3 = followup._s3()

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        where = params.get("Key") or params.get("Prefix") or ""
        calls.append((model.name, where.split("/", 1)[0]))

    s3.meta.events.register("provide-client-params.s3", record)
    try:
        read("ABCD-EFGH-JKMN")
        read("#!")
        read("x" * 5000)
    finally:
        s3.meta.events.unregister("provide-client-params.s3", record)
    assert calls == [("ListObjectsV2", "followup")] * 3


def test_deleting_a_report_removes_its_replies_messages_and_mappings(
    report: Post, write: Post, inbox: Any, resources: Resources, bucket: Bucket
) -> None:
    sent = report().json()
    _reply(resources, _report_id(bucket))
    write(sent["followup_code"], MESSAGE)
    assert inbox("delete", sent["reference"], "--yes").code == 0
    prefixes = ("reports/", "replies/", "messages/", "followup/", "followup-index/")
    assert [key for key in bucket.names() if key.startswith(prefixes)] == []


def test_form_post_read_answers_a_page_with_the_reply(
    report: Post, read: Post, resources: Resources, bucket: Bucket
) -> None:
    code = report(language="fr").json()["followup_code"]
    _reply(resources, _report_id(bucket), "Merci <b>beaucoup</b> pour ton message.")
    answer = read(code, language="fr", form=True)
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="fr">' in answer.body
    assert "Merci &lt;b&gt;beaucoup&lt;/b&gt; pour ton message." in answer.body
    assert 'action="/api/followup/messages"' in answer.body


def test_form_post_with_unknown_code_answers_the_generic_page(read: Post) -> None:
    answer = read("ABCD-EFGH-JKMN", language="en", form=True)
    assert answer.status == 404
    assert "We cannot find a report with this code." in answer.body
    assert _generic(read("bad", language="en", form=True)) == _generic(answer)


def test_form_post_message_answers_a_sent_page(report: Post, write: Post) -> None:
    code = report(language="en").json()["followup_code"]
    answer = write(code, MESSAGE, language="en", form=True)
    assert answer.status == 201
    assert "Your message has been sent" in answer.body


def test_followup_decrypt_refuses_a_report_ciphertext(
    report: Post, resources: Resources, bucket: Bucket
) -> None:
    report()
    [key] = bucket.names("reports/")
    report_id = key.rsplit("/", 1)[1]
    # A report object passed off as a reply: the strict decrypt checks the purpose.
    entry = followup_store.Entry("reply", report_id, key, datetime.now(UTC))
    with pytest.raises(crypto.WrongEncryptionContext):
        followup_store.read_entry(
            bucket.s3,
            resources.reports_bucket,
            entry,
            key_arn=resources.kms_key_arn,
            botocore_session=botocore.session.get_session(),
        )


def test_followup_decrypt_refuses_a_message_ciphertext(
    report: Post, write: Post, resources: Resources, bucket: Bucket
) -> None:
    write(report().json()["followup_code"], MESSAGE)
    [key] = bucket.names("messages/")
    report_id = key.split("/")[1]
    [message] = followup_store.entries(bucket.s3, resources.reports_bucket, "message", report_id)
    as_reply = followup_store.Entry("reply", report_id, message.key, message.sent_at)
    with pytest.raises(crypto.WrongEncryptionContext):
        followup_store.read_entry(
            bucket.s3,
            resources.reports_bucket,
            as_reply,
            key_arn=resources.kms_key_arn,
            botocore_session=botocore.session.get_session(),
        )


def test_replies_of_another_report_are_not_shown(
    report: Post, read: Post, resources: Resources, bucket: Bucket
) -> None:
    code = report().json()["followup_code"]
    report()
    first, second = (key.rsplit("/", 1)[1] for key in bucket.names("reports/"))
    for report_id in (first, second):
        _reply(resources, report_id, f"Antwoord voor {report_id}")
    [reply] = read(code).json()["replies"]
    mine = followup_store.find_report(
        bucket.s3,
        resources.reports_bucket,
        boto3.client("secretsmanager").get_secret_value(SecretId=resources.followup_secret_id)[
            "SecretString"
        ],
        code,
    )
    assert reply["text"] == f"Antwoord voor {mine}"


def test_form_post_of_a_short_message_answers_the_form_again_with_the_error_and_the_text(
    report: Post, write: Post, bucket: Bucket
) -> None:
    code = report(language="nl").json()["followup_code"]
    answer = write(code, "Te <kort>", language="nl", form=True)
    assert answer.status == 422
    assert "Schrijf wat meer: minstens 10 tekens." in answer.body
    assert ">Te &lt;kort&gt;</textarea>" in answer.body
    assert 'action="/api/followup/messages"' in answer.body
    assert bucket.names("messages/") == []
