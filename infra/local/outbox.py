"""The local outbox: the e-mails the mailer sent through SES (in moto), as JSON and as a page."""

from __future__ import annotations

import email
import email.policy
import html
from typing import Any

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import Message, RawMessage, ses_backends

from infra.local_aws import REGION


def sent_emails() -> list[dict[str, Any]]:
    """The e-mails SES accepted, read from moto's backend (the moto server runs in this process)."""
    backend = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
    emails: list[dict[str, Any]] = []
    for message in list(backend.sent_messages):
        if isinstance(message, Message):
            to = [
                addr
                for kind in ("ToAddresses", "CcAddresses", "BccAddresses")
                for addr in message.destinations.get(kind, [])
            ]
            emails.append({"to": to, "subject": message.subject, "text": message.body})
        elif isinstance(message, RawMessage):
            parsed = email.message_from_string(message.raw_data, policy=email.policy.default)
            part = parsed.get_body(preferencelist=("plain", "html"))
            text = part.get_content() if part is not None else ""
            emails.append(
                {"to": list(message.destinations), "subject": str(parsed["subject"]), "text": text}
            )
    return emails


def outbox_page(emails: list[dict[str, Any]]) -> str:
    items = "".join(
        "<article><h2>{subject}</h2><p>To: {to}</p><pre>{text}</pre></article>".format(
            subject=html.escape(str(mail["subject"])),
            to=html.escape(", ".join(mail["to"])),
            text=html.escape(str(mail["text"])),
        )
        for mail in reversed(emails)
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Local outbox</title></head><body><main><h1>Local outbox</h1>"
        f"<p>{len(emails)} e-mail(s) sent through the emulated SES, newest first.</p>"
        f"{items}</main></body></html>"
    )


# --- the queue consumer and the schedule --------------------------------------------------------
