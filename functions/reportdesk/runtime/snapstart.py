"""SnapStart (issue 17): Lambda runs a published version's init once and restores every new copy
from that one memory snapshot. What init left behind that must differ between copies is renewed
here, after each restore; `runtime.aws` registers the renewal of what is time-bound.
"""

from __future__ import annotations

import random

from snapshot_restore_py import register_after_restore


def reseed_random() -> None:
    """`random` was seeded once, at init: restored copies would all draw the same numbers
    (botocore's retry jitter among them). `secrets`, `uuid4` and `os.urandom` ask the kernel on
    every call, so they need nothing."""
    random.seed()


register_after_restore(reseed_random)
