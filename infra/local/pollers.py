"""What Lambda's pollers do, locally: the notification queue to the mailer, the hourly digest."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import boto3

from infra.local.events import (
    MAILER_HANDLER,
    Handler,
    LambdaContext,
    load_handler,
    scheduled_event,
    sqs_event,
)
from infra.local_aws import REGION, Resources

log = logging.getLogger("local_server")


class QueueConsumer(threading.Thread):
    """Polls the notification queue and hands batches to the mailer, like Lambda's SQS poller."""

    def __init__(self, resources: Resources, stop: threading.Event) -> None:
        super().__init__(name="mailer", daemon=True)
        self._resources = resources
        self._stopping = stop
        self._sqs = boto3.client("sqs", region_name=REGION)
        self._queue_arn = self._sqs.get_queue_attributes(
            QueueUrl=resources.queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]

    def run(self) -> None:
        handler = load_handler(MAILER_HANDLER)
        while not self._stopping.is_set():
            try:
                self.poll_once(handler)
            except Exception:
                if self._stopping.is_set():
                    return
                # The consumer must outlive one failed batch, as Lambda's poller does.
                log.exception("mailer batch failed; the messages will be delivered again")
                self._stopping.wait(1)

    def poll_once(self, handler: Handler) -> None:
        messages = self._sqs.receive_message(
            QueueUrl=self._resources.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            self._stopping.wait(0.2)
            return
        result = handler(sqs_event(messages, self._queue_arn), LambdaContext("mailer"))
        failed = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            # One call for the batch, as Lambda's poller does.
            self._sqs.delete_message_batch(
                QueueUrl=self._resources.queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done)
                ],
            )
        log.info("mailer: %d message(s) done, %d left for redelivery", len(done), len(failed))


class HourlyDigest(threading.Thread):
    """Runs the digest function at the start of every hour, like the hourly EventBridge rule."""

    def __init__(self, handler: Handler, stop: threading.Event) -> None:
        super().__init__(name="digest", daemon=True)
        self._handler = handler
        self._stopping = stop

    def run(self) -> None:
        while True:
            now = datetime.now(UTC)
            next_hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            if self._stopping.wait((next_hour - now).total_seconds()):
                return
            try:
                self._handler(scheduled_event(), LambdaContext("digest"))
                log.info("digest: ran")
            except Exception:
                log.exception("digest failed")


# --- the HTTP server ----------------------------------------------------------------------------
