"""The local server hands the functions the same events AWS would: API Gateway v2 and SQS."""

from __future__ import annotations

import base64
import json

from infra.local.events import http_api_event, http_api_response, sqs_event

FORM = [("Content-Type", "application/x-www-form-urlencoded"), ("Host", "127.0.0.1:8000")]


def test_form_posts_arrive_base64_encoded_like_api_gateway() -> None:
    event = http_api_event("POST", "/api/reports", FORM, b"message=caf%C3%A9", "127.0.0.1")
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"message=caf%C3%A9"


def test_json_posts_arrive_as_text() -> None:
    headers = [("Content-Type", "application/json; charset=utf-8")]
    event = http_api_event("POST", "/api/reports", headers, '{"m": "é"}'.encode(), "127.0.0.1")
    assert event["isBase64Encoded"] is False
    assert event["body"] == '{"m": "é"}'


def test_request_without_body_has_no_body() -> None:
    event = http_api_event("GET", "/api/challenge", [], b"", "127.0.0.1")
    assert "body" not in event
    assert event["isBase64Encoded"] is False


def test_event_carries_path_query_method_and_source_ip() -> None:
    event = http_api_event("GET", "/api/challenge?a=1&a=2&b=", [], b"", "127.0.0.9")
    assert event["version"] == "2.0"
    assert event["rawPath"] == "/api/challenge"
    assert event["rawQueryString"] == "a=1&a=2&b="
    assert event["queryStringParameters"] == {"a": "1,2", "b": ""}
    assert event["requestContext"]["http"]["method"] == "GET"
    assert event["requestContext"]["http"]["path"] == "/api/challenge"
    assert event["requestContext"]["http"]["sourceIp"] == "127.0.0.9"


def test_header_names_are_lower_case_and_repeated_headers_joined() -> None:
    headers = [("Accept-Language", "fr"), ("X-Thing", "a"), ("x-thing", "b")]
    event = http_api_event("GET", "/api/challenge", headers, b"", "127.0.0.1")
    assert event["headers"] == {"accept-language": "fr", "x-thing": "a,b"}


def test_cookies_move_to_their_own_list() -> None:
    event = http_api_event("GET", "/api/x", [("Cookie", "a=1; b=2")], b"", "127.0.0.1")
    assert event["cookies"] == ["a=1", "b=2"]
    assert "cookie" not in event["headers"]


def test_function_result_becomes_status_headers_and_body() -> None:
    response = http_api_response(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "application/json"},
            "cookies": ["x=1"],
            "body": base64.b64encode(b"\x00\x01").decode(),
            "isBase64Encoded": True,
        }
    )
    assert response.status == 201
    assert ("Content-Type", "application/json") in response.headers
    assert ("set-cookie", "x=1") in response.headers
    assert response.body == b"\x00\x01"


def test_a_bare_function_result_is_answered_as_json_like_api_gateway() -> None:
    response = http_api_response({"hello": "world"})
    assert response.status == 200
    assert json.loads(response.body) == {"hello": "world"}


def test_queue_messages_become_an_sqs_event_like_lambdas_poller() -> None:
    message = {
        "MessageId": "m-1",
        "ReceiptHandle": "r-1",
        "Body": "{}",
        "MD5OfBody": "99914b932bd37a50b983c5e7c90ae93b",
        "Attributes": {"ApproximateReceiveCount": "1"},
    }
    (record,) = sqs_event([message], "arn:aws:sqs:eu-west-1:123456789012:q")["Records"]
    assert record["messageId"] == "m-1"
    assert record["receiptHandle"] == "r-1"
    assert record["body"] == "{}"
    assert record["attributes"] == {"ApproximateReceiveCount": "1"}
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == "arn:aws:sqs:eu-west-1:123456789012:q"
