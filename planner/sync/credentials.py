"""Where a server password comes from: an owner-only file, or an environment variable
(FOLLOWUP_DAV_PASSWORD for CardDAV/CalDAV, FOLLOWUP_SMTP_PASSWORD for mail). It is handed to the
connection and nowhere else: never printed, logged or stored."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from planner.core.errors import BadInput
from planner.core.textsafe import clean_line

ENV = "FOLLOWUP_DAV_PASSWORD"
SMTP_ENV = "FOLLOWUP_SMTP_PASSWORD"


def read_password(password_file: str | None, user: str | None, *, env: str = ENV) -> str | None:
    """The password for `user`: from `password_file` (refused unless only its owner can read it),
    else from the environment. None when there is no user (no authentication)."""
    if password_file:
        path = Path(password_file).expanduser()
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise BadInput(f"--password-file {clean_line(str(path))}: no such file") from None
        if not stat.S_ISREG(mode):
            raise BadInput(f"--password-file {clean_line(str(path))}: not a file")
        if mode & 0o077:
            raise BadInput(f"--password-file {clean_line(str(path))}: others can read it (mode {mode & 0o777:o}); "
                           f"run chmod 600 {clean_line(str(path))}")
        text = path.read_text(encoding="utf-8").rstrip("\r\n")
        if not text:
            raise BadInput(f"--password-file {clean_line(str(path))}: empty")
        return text
    if os.environ.get(env):
        return os.environ[env]
    if user:
        raise BadInput(f"no password for {clean_line(user)}: give --password-file FILE or set {env}")
    return None
