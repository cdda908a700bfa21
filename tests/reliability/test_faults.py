"""Faults in KMS, S3, SES and SQS, and a mailer that crashes: every report acknowledged to a
child is stored and decrypts, every stored report is announced once or waits in the dead-letter
queue, and the child always gets a clear answer.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from collections import Counter
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError

from infra.local_aws import Resources
from tests.reliability.conftest import (
    RETRY_TEXT,
    Answer,
    Bucket,
    Fault,
    Faults,
    LambdaCrashed,
    call_intake,
    dead_letters,
    deliver,
    post_json,
    service_error,
)

pytestmark = [
    pytest.mark.usefixtures("mailer_clients"),
    # Powertools' notice for answers without a business metric: expected, not a problem.
    pytest.mark.filterwarnings("ignore:No application metrics to publish"),
]


def new_report(language: str = "nl") -> dict[str, Any]:
    return {
        "submission_id": str(uuid.uuid4()),
        "language": language,
        "message": "Na de training zei de trainer dingen die niet oké waren.",
        "contact": {"wants_contact": True, "email": "kind@example.org"},
    }


def unreachable() -> EndpointConnectionError:
    return EndpointConnectionError(endpoint_url="https://unreachable.example")


def emails_by_reference(resources: Resources, references: list[str]) -> Counter[str]:
    """How many accepted e-mails name each reference (subject or text)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    sent = ses_backends[DEFAULT_ACCOUNT_ID][resources.region].sent_messages
    texts = [f"{m.subject} {m.body}" for m in sent]
    return Counter({ref: sum(ref in text for text in texts) for ref in references})


def assert_announced_once(resources: Resources, bucket: Bucket, references: list[str]) -> None:
    """Each report has its notified marker and exactly one e-mail or one digest entry."""
    emails = emails_by_reference(resources, references)
    digest = Counter(
        bucket.s3.head_object(Bucket=resources.reports_bucket, Key=key)["Metadata"]["reference"]
        for key in bucket.keys("digest/")
    )
    assert {ref: emails[ref] + digest[ref] for ref in references} == dict.fromkeys(references, 1)
    assert len(bucket.keys("notified/")) == len(references)


def assert_unavailable(answer: Answer, language: str) -> None:
    """503, with the localised "nothing was saved, try again" message."""
    assert answer.status == 503
    [error] = answer.json()["errors"]
    assert error["code"] == "unavailable"
    assert RETRY_TEXT[language] in error["message"]


# --- the intake: a clear answer, and nothing half-stored ----------------------------------------

INTAKE_FAULTS = {
    "kms_unreachable": lambda: Fault("kms", "GenerateDataKey", unreachable()),
    "kms_throttled": lambda: Fault(
        "kms", "GenerateDataKey", service_error("ThrottlingException", "GenerateDataKey", 400)
    ),
    "s3_unreachable": lambda: Fault("s3", "PutObject", unreachable()),
    "s3_slow_down": lambda: Fault("s3", "PutObject", service_error("SlowDown", "PutObject")),
    "s3_times_out": lambda: Fault(
        "s3", "PutObject", ReadTimeoutError(endpoint_url="https://s3.example"), sleep=0.5
    ),
}


# Each fault in one of the three languages, so every language's message is seen under a fault.
@pytest.mark.parametrize(
    ("fault", "language"),
    [(fault, ("nl", "fr", "en")[n % 3]) for n, fault in enumerate(INTAKE_FAULTS.values())],
    ids=INTAKE_FAULTS.keys(),
)
def test_aws_fault_answers_503_in_the_childs_language_and_the_retry_is_stored_and_announced_once(
    resources: Resources, bucket: Bucket, faults: Faults, fault: Any, language: str
) -> None:
    report = new_report(language)
    faults.add(fault())
    assert_unavailable(post_json(report, language), language)
    assert bucket.versions() == []
    faults.clear()
    answer = post_json(report, language)
    assert answer.status == 201
    [version] = bucket.versions()
    assert bucket.report(version["Key"]).message == report["message"]
    deliver(resources)
    assert_announced_once(resources, bucket, [answer.json()["reference"]])


def test_report_stored_but_answer_lost_is_acknowledged_once_on_retry(
    resources: Resources, bucket: Bucket, faults: Faults
) -> None:
    report = new_report()
    # S3 wrote the object, then the answer never reached the function.
    faults.add(
        Fault(
            "s3",
            "PutObject",
            ReadTimeoutError(endpoint_url="https://s3.example"),
            after_call=True,
            only=lambda params: params["Key"].startswith("reports/"),
            times=1,
        )
    )
    assert_unavailable(post_json(report), "nl")
    retried = post_json(report)
    assert retried.status == 201
    [version] = bucket.versions()
    assert bucket.report(version["Key"]).reference == retried.json()["reference"]
    deliver(resources)
    assert_announced_once(resources, bucket, [retried.json()["reference"]])


def test_slow_s3_still_stores_and_acknowledges(
    resources: Resources, bucket: Bucket, faults: Faults
) -> None:
    faults.add(Fault("s3", "PutObject", sleep=1.0))
    answer = post_json(new_report())
    assert answer.status == 201
    [version] = bucket.versions()
    assert bucket.report(version["Key"]).reference == answer.json()["reference"]


def test_form_post_during_an_outage_gets_a_503_page_in_its_language(
    resources: Resources, bucket: Bucket, faults: Faults
) -> None:
    faults.add(Fault("kms", "GenerateDataKey", unreachable()))
    body = urlencode({"language": "fr", "message": "Il s'est passé quelque chose au camp."})
    answer = call_intake(body.encode(), {"content-type": "application/x-www-form-urlencoded"})
    assert answer.status == 503
    assert answer.headers["Content-Type"].startswith("text/html")
    assert RETRY_TEXT["fr"] in answer.body
    assert bucket.versions() == []


# --- the mailer: announced once, or kept for a retry or in the dead-letter queue -----------------


def store_reports(count: int) -> list[str]:
    references = []
    for _ in range(count):
        answer = post_json(new_report())
        assert answer.status == 201
        references.append(answer.json()["reference"])
    return references


def test_ses_down_keeps_every_notice_queued_then_sends_each_once(
    resources: Resources, bucket: Bucket, faults: Faults
) -> None:
    references = store_reports(3)
    faults.add(Fault("sesv2", "SendEmail", service_error("ServiceUnavailable", "SendEmail")))
    during = deliver(resources, max_rounds=2)
    assert during.failed == 3 * 2
    assert bucket.keys("notified/") == []
    faults.clear()
    deliver(resources)
    assert_announced_once(resources, bucket, references)
    assert dead_letters(resources) == []


def test_ses_down_for_good_leaves_every_report_in_a_digest_or_the_dead_letter_queue(
    resources: Resources, bucket: Bucket, faults: Faults
) -> None:
    references = store_reports(3)
    faults.add(Fault("sesv2", "SendEmail", unreachable()))
    deliver(resources, max_rounds=20)
    assert emails_by_reference(resources, references) == Counter(dict.fromkeys(references, 0))
    # An unreachable SES may still have sent, so each failed try keeps its slot of the hourly
    # cap; once the cap is used up, the next delivery puts the report in the hour's digest.
    stored = {key.rsplit("/", 1)[1] for key in bucket.keys("reports/")}
    in_digest = {key.rsplit("/", 1)[1] for key in bucket.keys("digest/")}
    notified = {key.rsplit("/", 1)[1] for key in bucket.keys("notified/")}
    waiting = {
        json.loads(body)["Records"][0]["s3"]["object"]["key"].rsplit("/", 1)[1]
        for body in dead_letters(resources)
    }
    assert in_digest == notified
    assert in_digest | waiting == stored
    assert not in_digest & waiting


def test_every_message_delivered_twice_sends_one_email_per_report(
    resources: Resources, bucket: Bucket
) -> None:
    from reportdesk.mailer import handler as mailer

    from infra.local.events import LambdaContext, sqs_event

    references = store_reports(4)
    sqs = boto3.client("sqs", region_name=resources.region)
    messages = sqs.receive_message(QueueUrl=resources.queue_url, MaxNumberOfMessages=10)["Messages"]
    event = sqs_event(messages, "arn:aws:sqs:eu-west-1:123456789012:local-notify")
    # At-least-once delivery: the same batch twice in a row, then twice at the same time.
    mailer.handler(event, LambdaContext("mailer"))
    mailer.handler(event, LambdaContext("mailer"))
    threads = [
        threading.Thread(target=mailer.handler, args=(event, LambdaContext("mailer")))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert_announced_once(resources, bucket, references)


def test_concurrent_first_deliveries_send_one_email_per_report(
    resources: Resources, bucket: Bucket
) -> None:
    from reportdesk.mailer import handler as mailer

    from infra.local.events import LambdaContext, sqs_event

    references = store_reports(4)
    sqs = boto3.client("sqs", region_name=resources.region)
    messages = sqs.receive_message(QueueUrl=resources.queue_url, MaxNumberOfMessages=10)["Messages"]
    event = sqs_event(messages, "arn:aws:sqs:eu-west-1:123456789012:local-notify")
    start = threading.Barrier(4)
    results: list[Any] = []

    def run() -> None:
        start.wait()
        results.append(mailer.handler(event, LambdaContext("mailer")))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Deliveries that met a held lease failed their items: SQS delivers those again.
    for message in messages:
        sqs.delete_message(QueueUrl=resources.queue_url, ReceiptHandle=message["ReceiptHandle"])
    assert_announced_once(resources, bucket, references)


def test_mailer_crash_after_a_marker_mid_batch_loses_and_repeats_nothing(
    resources: Resources, bucket: Bucket, faults: Faults
) -> None:
    references = store_reports(6)
    # The function dies right after the third notified marker of the batch was written.
    faults.add(
        Fault(
            "s3",
            "PutObject",
            LambdaCrashed(),
            after_call=True,
            only=lambda params: params["Key"].startswith("notified/"),
            spare=2,
            times=1,
        )
    )
    delivery = deliver(resources)
    assert delivery.crashes == 1
    assert_announced_once(resources, bucket, references)
    assert dead_letters(resources) == []


def test_mailer_crash_between_send_and_marker_repeats_at_most_that_one_email(
    resources: Resources, bucket: Bucket, faults: Faults
) -> None:
    references = store_reports(5)
    # SES accepted the second e-mail, then the function died before writing its marker.
    faults.add(Fault("sesv2", "SendEmail", LambdaCrashed(), after_call=True, spare=1, times=1))
    delivery = deliver(resources)
    assert delivery.crashes == 1
    emails = emails_by_reference(resources, references)
    assert sorted(emails.values()) in ([1, 1, 1, 1, 1], [1, 1, 1, 1, 2])
    assert len(bucket.keys("notified/")) == len(references)
    assert dead_letters(resources) == []


# --- everything at once -------------------------------------------------------------------------


def test_intermittent_faults_everywhere_lose_no_acknowledged_report(
    resources: Resources, bucket: Bucket, faults: Faults
) -> None:
    rng = random.Random(20261128)  # noqa: S311 - a reproducible fault pattern, not a secret

    def flaky(share: float) -> Any:
        return lambda params: rng.random() < share

    def report_write(share: float) -> Any:
        return lambda params: params["Key"].startswith("reports/") and rng.random() < share

    faults.add(Fault("kms", "GenerateDataKey", unreachable(), only=flaky(0.2)))
    faults.add(
        Fault("s3", "PutObject", service_error("SlowDown", "PutObject"), only=report_write(0.2))
    )
    faults.add(
        Fault(
            "s3",
            "PutObject",
            ReadTimeoutError(endpoint_url="https://s3.example"),
            after_call=True,
            only=report_write(0.1),
        )
    )
    # The mailer: SES refusing, and S3 reads failing; a failed marker write after SES accepted
    # is the one known duplicate (see mailer.py) and has its own test above.
    faults.add(
        Fault(
            "sesv2",
            "SendEmail",
            service_error("TooManyRequestsException", "SendEmail", 429),
            only=flaky(0.3),
        )
    )
    faults.add(Fault("s3", "HeadObject", unreachable(), only=flaky(0.1)))
    acknowledged: dict[str, str] = {}
    for _ in range(12):
        report = new_report(rng.choice(["nl", "fr", "en"]))
        # The page retries a failed send a few times with the same submission id.
        for _attempt in range(6):
            answer = post_json(report, report["language"])
            assert answer.status in (201, 503)
            if answer.status == 201:
                acknowledged[answer.json()["reference"]] = report["message"]
                break
            assert_unavailable(answer, report["language"])
    deliver(resources, max_rounds=60)
    faults.clear()

    stored = {bucket.report(v["Key"]).reference: v["Key"] for v in bucket.versions()}
    assert len(stored) == len(bucket.versions())
    assert set(acknowledged) <= set(stored)
    waiting = {
        json.loads(body)["Records"][0]["s3"]["object"]["key"] for body in dead_letters(resources)
    }
    announced = [ref for ref, key in stored.items() if key not in waiting]
    assert_announced_once(resources, bucket, announced)
