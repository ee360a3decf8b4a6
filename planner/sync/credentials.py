"""Where a server password comes from: an owner-only file (given, or `followup config
dav.password_file FILE`), an environment variable (FOLLOWUP_DAV_PASSWORD for CardDAV/CalDAV,
FOLLOWUP_SMTP_PASSWORD for mail), or the system keyring where one is available. It is handed to
the connection and nowhere else: never printed, logged or stored."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from planner.core.errors import BadInput
from planner.core.textsafe import clean_line

ENV = "FOLLOWUP_DAV_PASSWORD"
SMTP_ENV = "FOLLOWUP_SMTP_PASSWORD"
KEYRING_SERVICE = "followup"  # `keyring set followup USER` stores the DAV password there


class NoKeyring(Exception):
    """No usable system keyring: not installed, or only the keyring package's fail backend (no
    desktop session, no Secret Service), or it could not be read. `str()` says which, plainly."""


def read_password(password_file: str | None, user: str | None, *, env: str = ENV,
                  label: str = "--password-file") -> str | None:
    """The password for `user`: from `password_file` (refused unless only its owner can read it),
    else from the environment. None when there is no user (no authentication). `label` names
    where the file was given in the error lines (the option, or the setting)."""
    if password_file:
        path = Path(password_file).expanduser()
        shown = clean_line(str(path))
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise BadInput(f"{label} {shown}: no such file") from None
        if not stat.S_ISREG(mode):
            raise BadInput(f"{label} {shown}: not a file")
        if mode & 0o077:
            raise BadInput(f"{label} {shown}: others can read it (mode {mode & 0o777:o}); run chmod 600 {shown}")
        text = path.read_text(encoding="utf-8").rstrip("\r\n")
        if not text:
            raise BadInput(f"{label} {shown}: empty")
        return text
    if os.environ.get(env):
        return os.environ[env]
    if user:
        raise BadInput(f"no password for {clean_line(user)}: give --password-file FILE or set {env}")
    return None


def keyring_password(user: str) -> str | None:
    """What the system keyring holds for `user` under KEYRING_SERVICE (None: nothing). Raises
    NoKeyring where there is no keyring to ask: on a server or over SSH the keyring package finds
    no backend and falls back to one that fails every call."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        raise NoKeyring("no system keyring is available (the keyring package is not installed)") from None
    if isinstance(keyring.get_keyring(), fail.Keyring):
        raise NoKeyring("no system keyring is available") from None
    try:
        return keyring.get_password(KEYRING_SERVICE, user)
    except Exception as error:  # a locked collection, a bus gone away: the keyring is unusable now
        raise NoKeyring(f"the system keyring could not be read ({error.__class__.__name__})") from None


def dav_password(user: str | None, password_file: str | None) -> str | None:
    """The password for the DAV collections: `password_file` (the `dav.password_file` setting,
    owner-only), else FOLLOWUP_DAV_PASSWORD, else the system keyring. None when there is no user.
    Without any, one line saying how to set one and whether a keyring was there to ask."""
    if not user:
        return None
    if password_file:
        return read_password(password_file, user, label="dav.password_file")
    if os.environ.get(ENV):
        return os.environ[ENV]
    try:
        found = keyring_password(user)
    except NoKeyring as missing:
        why = str(missing)
    else:
        if found:
            return found
        why = f"the system keyring holds none (keyring set {KEYRING_SERVICE} {clean_line(user)})"
    raise BadInput(f"no password for {clean_line(user)}: run `followup config dav.password_file FILE` "
                   f"(a file only you can read) or set {ENV}; {why}")
