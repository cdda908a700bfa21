"""THE storage layout of the reports bucket: every prefix and every key, in one place.

Imported by the functions, `api-inbox`, the CDK constructs (which grant each role its prefixes)
and the local stack, so a key is spelt once. What each prefix holds is in the reference guide,
"Storage layout".
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Final, Literal

from reportdesk.core.reference import is_report_id

# The intake's objects: the encrypted reports, one marker per report id (when it was first stored,
# and the keyed fingerprint of what was sent), and the markers of used proof-of-work challenges.
REPORTS_PREFIX: Final = "reports/"
SUBMISSIONS_PREFIX: Final = "submissions/"
CHALLENGES_PREFIX: Final = "challenges/"
# The follow-up: code mappings (`followup/<hmac>`), their index per report, replies and messages.
FOLLOWUP_PREFIX: Final = "followup/"
FOLLOWUP_INDEX_PREFIX: Final = "followup-index/"
REPLIES_PREFIX: Final = "replies/"
MESSAGES_PREFIX: Final = "messages/"
# The mailer's bookkeeping: markers, leases, hourly slots, digest entries and sent digests.
NOTIFIED_PREFIX: Final = "notified/"
NOTIFYING_PREFIX: Final = "notifying/"
MAILCAP_PREFIX: Final = "mailcap/"
DIGEST_PREFIX: Final = "digest/"
DIGEST_SENT_PREFIX: Final = "digest-sent/"
# The state of a case (status, history): one small JSON object per report, not encrypted.
CASES_PREFIX: Final = "cases/"
# The reminders' "sent" markers: `reminded/<yyyy-mm-dd>` and `reminded/week-<yyyy>-W<ww>`.
REMINDED_PREFIX: Final = "reminded/"

# Objects the mailer announces (S3 event notifications): reports and the children's messages.
ANNOUNCED_PREFIXES: Final = (REPORTS_PREFIX, MESSAGES_PREFIX)
# Short-lived bookkeeping, expired by a lifecycle rule (unlike the `notified/` markers).
SHORT_LIVED_PREFIXES: Final = (CHALLENGES_PREFIX, MAILCAP_PREFIX, NOTIFYING_PREFIX)
# The mailer's bookkeeping kept as long as a report could be: it names reports, holds no case.
BOOKKEEPING_PREFIXES: Final = (NOTIFIED_PREFIX, DIGEST_PREFIX, DIGEST_SENT_PREFIX)
# Where a report's case lives: no lifecycle rule may ever expire these (retention is counted from
# closing, by the reminders function).
CASE_PREFIXES: Final = (
    REPORTS_PREFIX,
    REPLIES_PREFIX,
    MESSAGES_PREFIX,
    FOLLOWUP_PREFIX,
    FOLLOWUP_INDEX_PREFIX,
    CASES_PREFIX,
)
# Every prefix that holds a trace of a report (`cases.delete.delete_every_trace`).
TRACE_PREFIXES: Final = (
    *CASE_PREFIXES,
    SUBMISSIONS_PREFIX,
    NOTIFIED_PREFIX,
    NOTIFYING_PREFIX,
    DIGEST_PREFIX,
)
# Everything the mailer writes.
MAILER_PREFIXES: Final = (
    NOTIFIED_PREFIX,
    NOTIFYING_PREFIX,
    MAILCAP_PREFIX,
    DIGEST_PREFIX,
    DIGEST_SENT_PREFIX,
)

Kind = Literal["reply", "message"]
# The kind of an entry is also its encryption context `purpose`, which the key policy checks.
ENTRY_PREFIXES: Final[dict[Kind, str]] = {"reply": REPLIES_PREFIX, "message": MESSAGES_PREFIX}

_REPORT_KEY_RE: Final = re.compile(r"reports/\d{4}/\d{2}/(?P<report_id>[^/]+)")
_MESSAGE_KEY_RE: Final = re.compile(r"messages/(?P<report_id>[0-9a-f]{32})/(?P<name>[0-9A-Za-z-]+)")


def report_key(report_id: str, received: datetime) -> str:
    """`reports/<yyyy>/<mm>/<report_id>`, by the UTC month the report was received."""
    utc = received.astimezone(UTC)
    return f"{REPORTS_PREFIX}{utc:%Y}/{utc:%m}/{report_id}"


def report_id_from_key(key: str) -> str | None:
    """The report id of a `reports/<yyyy>/<mm>/<report_id>` key, or None for any other key."""
    match = _REPORT_KEY_RE.fullmatch(key)
    return match["report_id"] if match and is_report_id(match["report_id"]) else None


def submission_key(report_id: str) -> str:
    """`submissions/<report_id>`: the marker of a stored submission, keyed by the report id alone
    so that a retry finds it without a listing (empty; metadata `received` and `fingerprint`)."""
    return f"{SUBMISSIONS_PREFIX}{report_id}"


def challenge_key(challenge_hash: str) -> str:
    """`challenges/<sha256 of the challenge>`: the marker of a used proof-of-work challenge."""
    return f"{CHALLENGES_PREFIX}{challenge_hash}"


def mapping_key(digest: str) -> str:
    """`followup/<hmac>`: its body is the report id."""
    return f"{FOLLOWUP_PREFIX}{digest}"


def index_prefix(report_id: str) -> str:
    """`followup-index/<report_id>/`: the report's code mappings, for a deletion."""
    return f"{FOLLOWUP_INDEX_PREFIX}{report_id}/"


def index_key(report_id: str, digest: str) -> str:
    """`followup-index/<report_id>/<hmac>`: lets a deletion find the report's mappings."""
    return f"{index_prefix(report_id)}{digest}"


def entry_prefix(kind: Kind, report_id: str) -> str:
    """`replies/<report_id>/` or `messages/<report_id>/`."""
    return f"{ENTRY_PREFIXES[kind]}{report_id}/"


def message_from_key(key: str) -> tuple[str, str] | None:
    """(report id, entry name) of a `messages/<report_id>/<name>` key, or None."""
    match = _MESSAGE_KEY_RE.fullmatch(key)
    return (match["report_id"], match["name"]) if match else None


def notified_key(report_id: str, name: str | None = None) -> str:
    """`notified/<report_id>` (a report) or `notified/<report_id>/<name>` (a message)."""
    return f"{NOTIFIED_PREFIX}{report_id}" + (f"/{name}" if name else "")


def notifying_key(report_id: str, name: str | None = None) -> str:
    """The lease held while announcing a report or a message."""
    return f"{NOTIFYING_PREFIX}{report_id}" + (f"/{name}" if name else "")


def digest_lease_key(hour: str) -> str:
    """The lease held while sending an hour's digest."""
    return f"{NOTIFYING_PREFIX}digest/{hour}"


def mailcap_key(hour: str, kind: str, slot: int) -> str:
    """`mailcap/<hour>/<kind>/<n>`: one of the hour's e-mail slots for reports or messages."""
    return f"{MAILCAP_PREFIX}{hour}/{kind}/{slot}"


def digest_prefix(hour: str) -> str:
    return f"{DIGEST_PREFIX}{hour}/"


def digest_key(hour: str, name: str) -> str:
    """`digest/<hour>/<report_id>` (or `<report_id>-<message name>`): an entry of the digest."""
    return f"{digest_prefix(hour)}{name}"


def digest_sent_key(hour: str) -> str:
    return f"{DIGEST_SENT_PREFIX}{hour}"


def case_key(report_id: str) -> str:
    """`cases/<report_id>`: the case state of a report (status, history), not encrypted."""
    return f"{CASES_PREFIX}{report_id}"


def report_trace_prefixes(report_id: str) -> tuple[str, ...]:
    """Prefixes of every key named after the report besides the report itself, its case state,
    the follow-up (`followup_store.delete_followup`) and digest entries (`is_digest_entry_of`):
    what `cases.delete.delete_every_trace` removes so that nothing names the report any more. A
    report id has a fixed length, so a prefix never reaches another report's keys."""
    return (
        notified_key(report_id),
        notifying_key(report_id),
        submission_key(report_id),
    )


def is_digest_entry_of(key: str, report_id: str) -> bool:
    """True for `digest/<hour>/<report_id>` and `digest/<hour>/<report_id>-<message name>`."""
    if not key.startswith(DIGEST_PREFIX):
        return False
    name = key.rsplit("/", 1)[-1]
    return name == report_id or name.startswith(f"{report_id}-")


def reminded_key(day: date) -> str:
    """`reminded/<yyyy-mm-dd>`: the Belgian day a reminder was sent."""
    return f"{REMINDED_PREFIX}{day.isoformat()}"


def overview_sent_key(day: date) -> str:
    """`reminded/week-<yyyy>-W<ww>`: the ISO week (of a Belgian day) an overview was sent."""
    year, week, _ = day.isocalendar()
    return f"{REMINDED_PREFIX}week-{year}-W{week:02d}"
