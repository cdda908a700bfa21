"""Announce a report or a child's message exactly once: by e-mail within the hourly cap, else in
the digest of the hour. Reports and messages share one marker/lease/slot/send/marker function."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from reportdesk.core.layout import (
    digest_key,
    mailcap_key,
    message_from_key,
    notified_key,
    notifying_key,
    report_id_from_key,
)
from reportdesk.core.reference import normalise_reference, reference_for
from reportdesk.mailer import notices
from reportdesk.mailer.common import (
    Clients,
    DigestReason,
    Outcome,
    Settings,
    SlotKind,
    head,
    hour_key,
    put_new,
    release_slot,
)
from reportdesk.mailer.leases import lease


def send_mail(clients: Clients, settings: Settings, mail: notices.Mail) -> None:
    """One e-mail addressed to all API persons: SES accepts or refuses it as a whole, so the
    marker written after it is true for everyone (one e-mail each could half succeed)."""
    utf8 = "UTF-8"
    request: dict[str, Any] = {
        "FromEmailAddress": settings.sender,
        "Destination": {"ToAddresses": list(settings.recipients)},
        "Content": {
            "Simple": {
                "Subject": {"Data": mail.subject, "Charset": utf8},
                "Body": {
                    "Text": {"Data": mail.text, "Charset": utf8},
                    "Html": {"Data": mail.html, "Charset": utf8},
                },
            }
        },
    }
    if settings.configuration_set:
        request["ConfigurationSetName"] = settings.configuration_set
    clients.sesv2.send_email(**request)


def _received(report: Mapping[str, Any]) -> datetime:
    try:
        received = datetime.fromisoformat(report["Metadata"]["received"])
    except (KeyError, ValueError):
        received = report["LastModified"]
    return received if received.tzinfo else received.replace(tzinfo=UTC)


def _claim_slot(
    clients: Clients, bucket: str, hour: str, kind: SlotKind, usable: int
) -> str | None:
    """Claim the lowest free slot of 1..`usable`; None when the hour has none left for this one.

    Slots are claimed from 1 up, so a taken last slot means every lower one was taken too (one
    given back after an SES refusal is only lost to the digest: one e-mail fewer, never more).
    """
    s3 = clients.s3
    if usable < 1:
        return None
    last = mailcap_key(hour, kind, usable)
    if last in clients.taken_last_slots:
        return None
    if head(s3, bucket, last) is not None:
        clients.taken_last_slots.add(last)
        return None
    for n in range(1, usable + 1):
        key = mailcap_key(hour, kind, n)
        if put_new(s3, bucket, key, {}):
            return key
    return None


def _to_digest(
    s3: Any, bucket: str, marker: str, entry: str, reference: str, hour: str, reason: DigestReason
) -> None:
    """Put the report or message in the digest of `hour`, then mark it announced."""
    s3.put_object(
        Bucket=bucket,
        Key=digest_key(hour, entry),
        Body=b"",
        Metadata={"reference": reference, "reason": reason},
    )
    put_new(s3, bucket, marker, {"via": "digest", "hour": hour})


@dataclass(frozen=True)
class Announcement:
    """What to announce once: its marker and lease, its digest entry, and the e-mail to send."""

    marker: str
    lease: str
    digest_entry: str
    reference: str
    mail: Callable[[], notices.Mail]
    kind: SlotKind = "report"
    suspected_spam: bool = False
    verified: bool = True


def _announce(clients: Clients, settings: Settings, what: Announcement, now: datetime) -> Outcome:
    """The marker, lease, slot, send, marker steps shared by reports and messages: by e-mail
    within the hourly cap, else (and always for suspected spam) in the digest of `now`'s hour."""
    s3, bucket = clients.s3, settings.bucket
    with lease(s3, bucket, what.lease, now) as held:
        # Another delivery may have finished between our first look and our claim (not if this
        # is the key's first lease: see common.py).
        if not held.first and head(s3, bucket, what.marker) is not None:
            return "already_notified"
        hour = hour_key(now)
        if what.suspected_spam:
            _to_digest(
                s3, bucket, what.marker, what.digest_entry, what.reference, hour, "suspected_spam"
            )
            return "digest_suspected_spam"
        usable = settings.usable_slots(what.kind, what.verified)
        slot = _claim_slot(clients, bucket, hour, what.kind, usable)
        if slot is None:
            _to_digest(s3, bucket, what.marker, what.digest_entry, what.reference, hour, "over_cap")
            return "digest_over_cap"
        try:
            send_mail(clients, settings, what.mail())
        except ClientError:
            # SES refused: this one did not use its slot, so give it back to the hour. (After a
            # timeout SES may have sent it, so that slot stays counted.)
            release_slot(s3, bucket, slot)
            raise
        # False only after a lease takeover whose old holder wrote it: still exactly one marker.
        put_new(s3, bucket, what.marker, {"via": "email"})
        return "emailed"


def notify_report(clients: Clients, settings: Settings, key: str, now: datetime) -> Outcome:
    """Announce the report stored at `key` once: by e-mail, or in the digest of `now`'s hour."""
    s3, bucket = clients.s3, settings.bucket
    report_id = report_id_from_key(key)
    if report_id is None:
        raise ValueError("not a report key")
    marker = notified_key(report_id)
    if head(s3, bucket, marker) is not None:
        return "already_notified"
    report = head(s3, bucket, key)
    if report is None:
        # Deleted with api-inbox before this delivery: nobody needs to be told any more.
        return "report_missing"
    metadata = report["Metadata"]
    reference = metadata.get("reference", "")
    if normalise_reference(reference) != reference:
        raise ValueError("report metadata has no valid reference")
    language = metadata.get("language", "")
    what = Announcement(
        marker=marker,
        lease=notifying_key(report_id),
        digest_entry=report_id,
        reference=reference,
        mail=lambda: notices.report_notice(reference, _received(report), language),
        suspected_spam=metadata.get("triage") == "suspected_spam",
        verified=metadata.get("triage") != "unverified",
    )
    return _announce(clients, settings, what, now)


def notify_message(clients: Clients, settings: Settings, key: str, now: datetime) -> Outcome:
    """Announce a child's new message at `key` once, like a report: by e-mail within the hourly
    cap (same lease and marker scheme), else in the digest of `now`'s hour under its reference."""
    s3, bucket = clients.s3, settings.bucket
    found = message_from_key(key)
    if found is None:
        raise ValueError("not a message key")
    report_id, name = found
    marker = notified_key(report_id, name)
    if head(s3, bucket, marker) is not None:
        return "already_notified"
    message = head(s3, bucket, key)
    if message is None:
        return "report_missing"
    reference = reference_for(report_id)
    what = Announcement(
        marker=marker,
        lease=notifying_key(report_id, name),
        digest_entry=f"{report_id}-{name}",
        reference=reference,
        mail=lambda: notices.message_notice(reference, _received(message)),
        kind="message",
    )
    return _announce(clients, settings, what, now)
