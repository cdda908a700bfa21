"""SnapStart (issue 17): Lambda runs a published version's init once and restores every new copy
from that one memory snapshot. What init left behind that must differ between copies is renewed
here, after each restore; `runtime.aws` registers the renewal of what is time-bound.
"""

from __future__ import annotations

import random

from snapshot_restore_py import register_after_restore, register_before_snapshot

from reportdesk.core import crypto


def reseed_random() -> None:
    """`random` was seeded once, at init: restored copies would all draw the same numbers
    (botocore's retry jitter among them). `secrets`, `uuid4` and `os.urandom` ask the kernel on
    every call, so they need nothing."""
    random.seed()


register_after_restore(reseed_random)


def load_lazy_imports() -> None:
    """Before the snapshot: what a plain cold start imports only when first needed (the
    Encryption SDK), so that a restored copy does not pay for it on its first report."""
    crypto.client()


register_before_snapshot(load_lazy_imports)
