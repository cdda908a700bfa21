"""Where the text of `api-inbox reply` comes from: `--message`, `--file`, or the reader's editor."""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from reportdesk.cli.settings import InboxError


def _reply_from_editor() -> str:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise InboxError("no reply text: use --message or --file, or set $EDITOR")
    # A private temporary file (0600), removed afterwards: the reply is personal data.
    handle, name = tempfile.mkstemp(prefix="api-inbox-reply-", suffix=".txt")
    os.close(handle)
    try:
        # The reader's own editor, run as the reader: the same trust as their shell.
        command = [*shlex.split(editor), name]
        if subprocess.run(command, check=False).returncode != 0:  # noqa: S603
            raise InboxError("the editor failed; nothing was sent")
        return Path(name).read_text(encoding="utf-8")
    finally:
        os.unlink(name)


def reply_text(args: argparse.Namespace) -> str:
    if args.message is not None:
        return str(args.message)
    if args.file is not None:
        try:
            return str(args.file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise InboxError(f"cannot read {args.file}: {error}") from None
    return _reply_from_editor()
