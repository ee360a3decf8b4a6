"""Writing an export: owner-only (0600) through a temporary file in the same folder, fsync, and an
atomic rename, so a calendar or a script never reads half a file and nobody else can read it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from planner.core.errors import BadInput


def write_private(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` as 0600, atomically (temporary file, fsync, rename)."""
    return write_chunks(path, (data,))


def write_chunks(path: Path | str, chunks: Iterable[bytes]) -> Path:
    """`write_private` for data made piece by piece: each piece goes to the temporary file as it
    comes, so a long export never sits whole in memory."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise BadInput(f"{target}: is a folder; give a file name")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise BadInput(f"{folder}: no such folder")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    return target
