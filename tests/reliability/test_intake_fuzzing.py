"""Property-based fuzzing of the intake handler (moto in-process): whatever arrives, the answer
is never a 5xx, whatever is stored is a valid encrypted report, and nothing sent reaches a log.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportdesk.core import reference

from tests.reliability.conftest import Answer, Bucket, call_intake, captured_output

# Powertools' notice for answers without a business metric: expected, not a problem.
pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")
# Submitted strings carry this mark; it must never show up in anything the function writes.
CANARY = "Qz7vCanary"
ANSWERED = {201, 400, 413, 415, 422}
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

texts = st.one_of(
    st.text(max_size=30),
    st.builds(lambda a, b: f"{a}{CANARY}{b}", st.text(max_size=8), st.text(max_size=8)),
)
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    texts,
)
json_values = st.recursive(
    leaves,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(texts, children, max_size=5),
    max_leaves=25,
)
message_texts = st.builds(
    lambda before, after: f"{before} {CANARY} {after}",
    st.text(min_size=5, max_size=200),
    st.text(max_size=200),
)
# Every field the page sends, each either a plausible value or anything at all.
reports = st.fixed_dictionaries(
    {"message": st.one_of(message_texts, json_values)},
    optional={
        "submission_id": st.one_of(st.uuids().map(str), json_values),
        "language": st.one_of(st.sampled_from(["nl", "fr", "en", "de", ""]), json_values),
        "organisation": st.one_of(st.sampled_from(["tzitemzo", "unknown", "other"]), json_values),
        "when": st.one_of(texts, json_values),
        "age_group": st.one_of(st.sampled_from(["under-12", "12-15", "16-18"]), json_values),
        "contact": st.one_of(
            st.fixed_dictionaries(
                {},
                optional={
                    "wants_contact": st.one_of(st.booleans(), json_values),
                    "name": texts,
                    "email": st.one_of(st.emails(), texts),
                    "phone": st.one_of(st.just("0470 12 34 56"), texts),
                    "safe_to_leave_message": st.one_of(st.booleans(), json_values),
                },
            ),
            json_values,
        ),
        "website": st.one_of(st.just(""), texts),
        "altcha": st.one_of(st.just(""), texts, st.binary(max_size=64).map(bytes.hex)),
        CANARY: json_values,
    },
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON;charset=UTF-16",
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=latin-1",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/json-patch+json",
        "",
    ]
)


def check_exchange(bucket: Bucket, send: Callable[[], Answer]) -> Answer:
    """Send one request and check the properties every request must keep."""
    before = {v["Key"] for v in bucket.versions()}
    with captured_output() as output:
        answer = send()
    written = output.text()
    assert answer.status in ANSWERED, answer
    assert "report" in written, "nothing was logged: the leak check would prove nothing"
    assert CANARY not in written
    new = [v["Key"] for v in bucket.versions() if v["Key"] not in before]
    # 201 with nothing new: an earlier example stored the same submission id (a retry).
    assert len(new) <= (1 if answer.status == 201 else 0)
    stored = [bucket.report(key) for key in new]
    if answer.headers.get("Content-Type", "").startswith("application/json"):
        body = answer.json()
        # JSON answers never echo what was sent (form answers are the child's own HTML page).
        assert CANARY not in answer.body
        assert ("reference" in body) == (answer.status == 201)
        assert all(report.reference == body["reference"] for report in stored)
    else:
        assert answer.headers["Content-Type"].startswith("text/html")
        assert all(report.reference in answer.body for report in stored)
    return answer


@FUZZ
@given(value=json_values)
def test_any_json_value_is_answered_without_5xx_and_stores_only_valid_reports(
    shared_bucket: Bucket, value: Any
) -> None:
    check_exchange(
        shared_bucket,
        lambda: call_intake(json.dumps(value).encode(), {"content-type": "application/json"}),
    )


@FUZZ
@given(report=reports)
def test_report_shaped_json_with_any_field_types_stores_only_valid_reports(
    shared_bucket: Bucket, report: dict[str, Any]
) -> None:
    check_exchange(
        shared_bucket,
        lambda: call_intake(
            json.dumps(report).encode(), {"content-type": "application/json; charset=utf-8"}
        ),
    )


@FUZZ
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.builds(lambda a, b: a + CANARY.encode() + b, st.binary(max_size=50), st.binary()),
    ),
    content_type=content_types,
    base64_body=st.sampled_from([None, True, False]),
)
def test_random_bytes_with_any_content_type_are_answered_without_5xx(
    shared_bucket: Bucket, body: bytes, content_type: str, base64_body: bool | None
) -> None:
    check_exchange(
        shared_bucket,
        lambda: call_intake(body, {"content-type": content_type}, base64_body=base64_body),
    )


form_names = st.one_of(
    st.sampled_from(
        [
            "message",
            "language",
            "submission_id",
            "contact_wants_contact",
            "contact_email",
            "contact_phone",
            "contact_name",
            "website",
            "altcha",
            "contact_",
        ]
    ),
    texts,
)


@FUZZ
@given(fields=st.lists(st.tuples(form_names, st.one_of(message_texts, texts)), max_size=12))
def test_form_posts_with_any_fields_store_only_valid_reports(
    shared_bucket: Bucket, fields: list[tuple[str, str]]
) -> None:
    body = urlencode(fields).encode("utf-8", "surrogatepass")
    check_exchange(
        shared_bucket,
        lambda: call_intake(body, {"content-type": "application/x-www-form-urlencoded"}),
    )


def _nested(depth: int) -> bytes:
    return b'{"message": ' + b"[" * depth + b"]" * depth + b"}"


HUGE_AND_NESTED = {
    "nested_arrays_100k_deep": _nested(100_000),
    "nested_objects_5k_deep": b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    "nested_under_32_kib_limit": _nested(16_000),
    "message_of_one_mebibyte": json.dumps({"message": CANARY * 100_000}).encode(),
    "message_just_over_the_limit": json.dumps({"message": CANARY + "x" * 10_001}).encode(),
    "integer_with_5000_digits": b'{"message": "'
    + CANARY.encode()
    + b' ok", "age_group": '
    + b"9" * 5_000
    + b"}",
    "float_overflowing_to_infinity": b'{"message": 1e999999, "when": -1e999999}',
    "ten_thousand_keys": json.dumps({f"k{i}": i for i in range(10_000)}).encode(),
    "many_form_fields": urlencode([("message", CANARY * 3)] * 5_000).encode(),
    "lone_surrogate_in_message": b'{"message": "' + CANARY.encode() + b' \\ud800 alone"}',
    "nul_bytes": b'{"message": "' + CANARY.encode() + b'\\u0000\\u0000 nul"}',
}


@pytest.mark.parametrize("body", HUGE_AND_NESTED.values(), ids=HUGE_AND_NESTED.keys())
@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_huge_and_deeply_nested_bodies_are_answered_without_5xx(
    shared_bucket: Bucket, body: bytes, content_type: str
) -> None:
    check_exchange(shared_bucket, lambda: call_intake(body, {"content-type": content_type}))


ENCODINGS = ["utf-16", "utf-16-le", "utf-32", "utf-8-sig", "latin-1", "cp1252", "shift_jis"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_reports_in_other_encodings_are_refused_or_stored_intact(
    shared_bucket: Bucket, encoding: str
) -> None:
    message = f"{CANARY} Ça s'est passé à l'école, café"
    if encoding == "shift_jis":
        message = f"{CANARY} 学校で起きました、先生が"
    payload = {"submission_id": str(uuid.uuid4()), "message": message}
    body = json.dumps(payload, ensure_ascii=False).encode(encoding)
    answer = check_exchange(
        shared_bucket,
        lambda: call_intake(
            body, {"content-type": f"application/json; charset={encoding}"}, base64_body=True
        ),
    )
    if answer.status == 201:
        report_id = reference.report_id_for(payload["submission_id"])
        [key] = [k for k in shared_bucket.keys("reports/") if k.endswith(report_id)]
        assert shared_bucket.report(key).message == message
