"""A child's message on "My report" is announced to the API persons by e-mail, without content."""

from __future__ import annotations

from typing import Any

from infra.local_aws import Resources
from tests.followup.conftest import Post
from tests.mailer.support import LambdaContext, queue_event, sent_mail

MESSAGE = "Hij deed het gisteren weer, in de kleedkamer."


def _deliver(event: dict[str, Any]) -> None:
    """Run the mailer on a queue event, as Lambda would."""
    from reportdesk.mailer import handler as mailer

    assert mailer.handler(event, LambdaContext("mailer")) == {"batchItemFailures": []}


def test_new_message_is_announced_once_with_the_reference_only(
    report: Post, write: Post, resources: Resources
) -> None:
    sent = report().json()
    _deliver(queue_event(resources))
    write(sent["followup_code"], MESSAGE)
    announced = queue_event(resources)
    _deliver(announced)
    _deliver(announced)  # S3 events arrive at least once: a repeat sends nothing
    mails = sent_mail(resources)
    reference = sent["reference"]
    assert [mail.subject for mail in mails] == [
        f"Nieuwe melding {reference}",
        f"Nieuw bericht bij melding {reference}",
    ]
    for mail in mails:
        assert MESSAGE not in mail.body
        assert sent["followup_code"] not in mail.body
        assert sent["followup_code"].replace("-", "") not in mail.body
