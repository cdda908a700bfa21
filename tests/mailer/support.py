"""Helpers for the mailer tests: what SES accepted, and queue messages as Lambda delivers them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import Message, ses_backends

from infra.local_aws import Resources

# Stands in for what a child typed; the mailer must never let any of it out.
CONTENT: dict[str, str] = {
    "message": "Mijn trainer Koen Verstraete zit aan mij in de kleedkamer",
    "name": "Sofie Janssens",
    "email": "sofie.janssens.2012@example.net",
    "phone": "+32 470 12 34 56",
}


@dataclass(frozen=True)
class StoredReport:
    """A report object in the bucket, as the intake leaves it."""

    report_id: str
    reference: str
    key: str


def sent_mail(resources: Resources) -> list[Message]:
    """The e-mails SES (moto) accepted."""
    return list(ses_backends[DEFAULT_ACCOUNT_ID][resources.region].sent_messages)


def queue_event(resources: Resources) -> dict[str, Any]:
    """What Lambda's SQS event source would deliver: every message now visible on the queue."""
    sqs = boto3.client("sqs")
    arn = sqs.get_queue_attributes(QueueUrl=resources.queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    records: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=resources.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"]
        ).get("Messages", [])
        if not batch:
            break
        records += [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": resources.region,
            }
            for m in batch
        ]
    return {"Records": records}


def report_bodies(event: dict[str, Any]) -> list[str]:
    """The bodies of the messages that announce report objects (not S3's test event)."""
    return [r["body"] for r in event["Records"] if "Records" in json.loads(r["body"])]


@dataclass(frozen=True)
class LambdaContext:
    """The context attributes Powertools reads in the intake handler."""

    function_name: str = "intake"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:intake"
    aws_request_id: str = "00000000-0000-4000-8000-000000000000"


def submit_report(content: dict[str, str]) -> str:
    """POST a report with contact details through the real intake handler; returns its reference."""
    from reportdesk.intake import handler as intake

    payload = {
        "language": "nl",
        "message": content["message"],
        "contact": {
            "wants_contact": True,
            "name": content["name"],
            "email": content["email"],
            "phone": content["phone"],
        },
    }
    event = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/api/reports",
        "rawQueryString": "",
        "headers": {"content-type": "application/json"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "example.org",
            "domainPrefix": "example",
            "http": {
                "method": "POST",
                "path": "/api/reports",
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "pytest",
            },
            "requestId": "req",
            "routeKey": "$default",
            "stage": "$default",
            "time": "28/Nov/2026:16:00:00 +0000",
            "timeEpoch": 1795881600000,
        },
        "body": json.dumps(payload),
        "isBase64Encoded": False,
    }
    answer = intake.handler(event, LambdaContext())
    assert answer["statusCode"] == 201, answer
    return str(json.loads(answer["body"])["reference"])
