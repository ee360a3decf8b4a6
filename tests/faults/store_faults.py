"""Shared by the storage fault tests: the CLI in a real subprocess, sample files, a small
file system of our own (tmpfs, as root), and raw looks at a database file."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

TODAY = "2026-11-25"
CLI = "import sys; from planner.cli import main; sys.exit(main())"


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float


def env() -> dict[str, str]:
    environment = dict(os.environ)
    environment["FOLLOWUP_TODAY"] = TODAY
    environment.pop("FOLLOWUP_DB", None)
    return environment


def followup(db: Path, *args: str, timeout: float = 120, today: str = TODAY) -> Run:
    """`followup --db DB ARGS...` in its own process."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", CLI, "--db", str(db), "--today", today, *args],
                          capture_output=True, text=True, timeout=timeout, env=env())
    return Run(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def start(db: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CLI, "--db", str(db), "--today", TODAY, *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env())


def write_csv(path: Path, rows: int, *, first: int = 0, notes: int = 40) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("name,email,company,notes\n")
        for i in range(first, first + rows):
            handle.write(f"Person {i},p{i}@example.com,Company {i % 300},{'n' * notes}\n")
    return path


def count(db: Path, table: str = "contact") -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def one_line(text: str) -> bool:
    return len(text.strip().splitlines()) == 1


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def mount_tmpfs(folder: Path, size: str) -> None:
    """A small file system at `folder`, or skip: mounting needs root (or CAP_SYS_ADMIN)."""
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        pytest.skip("no mount command: cannot make a small file system")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or done.returncode}): needs root")


def remount_read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)


def unmount(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], capture_output=True)
    if os.path.ismount(folder):
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill(folder: Path, leave_bytes: int = 0) -> None:
    """Fill the file system holding `folder`, leaving about `leave_bytes` free (0: to the last byte)."""
    info = os.statvfs(folder)
    remaining = max(0, info.f_bavail * info.f_frsize - leave_bytes)
    fd = os.open(folder / "filler", os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
    try:
        block = b"\0" * 65536
        while remaining > 0:
            remaining -= os.write(fd, block[: min(len(block), remaining)])
        if leave_bytes == 0:  # the last byte: keep writing until the file system says no
            while True:
                os.write(fd, b"\0" * 512)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def small_filesystem(tmp_path: Path, size: str = "2m"):
    """A small file system of our own (tmpfs), unmounted afterwards; skips where we cannot mount."""
    folder = tmp_path / "small"
    mount_tmpfs(folder, size)
    try:
        yield folder
    finally:
        unmount(folder)
