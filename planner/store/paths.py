"""Where the database lives, and creating its folder with owner-only permissions."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "followup"
DB_FILENAME = "followup.db"


def data_dir() -> Path:
    """followup's own folder in the platform's user data directory (owner-only, ours to tighten)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """`FOLLOWUP_DB` if set, else `followup.db` in followup's own data folder."""
    env = os.environ.get("FOLLOWUP_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / DB_FILENAME


def ensure_private_dir(path: Path) -> None:
    """Create `path` (and parents) as 0700 if missing; an existing folder is left as it is."""
    if path.is_dir():
        return
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def restrict_process_umask() -> None:
    """Every file this process creates (database, backups, exports, drafts) is owner-only."""
    os.umask(0o077)
