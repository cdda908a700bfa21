"""The mailer and digest roles list only their own prefixes and the announced ones (issue 16,
item 8): an `s3:prefix` condition on their `s3:ListBucket` (tests/mailer/test_mailer_listing.py
shows the mailer works with it)."""

from __future__ import annotations

from conftest import Synth
from test_infra_stack import DIGEST, MAILER, actions, role_statements

MAILER_LISTS = [
    "reports/*",
    "messages/*",
    "notified/*",
    "notifying/*",
    "mailcap/*",
    "digest/*",
    "digest-sent/*",
]


def test_mailer_and_digest_list_only_their_own_and_the_announced_prefixes(synth: Synth) -> None:
    for role in (MAILER, DIGEST):
        listing = [s for s in role_statements(synth, role) if "s3:ListBucket" in actions([s])]
        assert [actions([s]) for s in listing] == [{"s3:ListBucket"}], role
        assert [s.get("Condition") for s in listing] == [
            {"StringLike": {"s3:prefix": MAILER_LISTS}}
        ], role
