"""The full-screen app opens only in a terminal. `followup` from a script, cron, a pipe or
`ssh host followup` without -t (stdin, stdout or stderr not a terminal) says so on one line and
ends, instead of a Textual app whose input thread spins at full CPU for ever; `followup demo`
there builds its database and says how to open it. In a real terminal (a pty here, as over SSH)
the app still starts. The real program (`python -m screens`, what `followup` runs) in a
subprocess each time, bounded by a timeout so that a hang fails the test."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shlex
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest

from planner.io.demo import FIRST

FOLLOWUP = [sys.executable, "-m", "screens"]
TODAY = ("--today", "2026-11-25")
REFUSED = "followup: the app needs a terminal, and {} not {}; run a command instead, e.g. 'followup agenda'"
# Every demo contact's name starts with one of these: one on screen means the agenda's rows are drawn.
DEMO_NAME = re.compile("|".join(FIRST).encode())
NEVER = re.compile(rb"(?!)")  # matches nothing: read for the whole time given


def _without_terminal(*args: str, timeout: float = 10) -> subprocess.CompletedProcess:
    """As from cron or `ssh host followup` without -t: stdin is /dev/null, the output pipes."""
    return subprocess.run([*FOLLOWUP, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, TERM="xterm-256color"))


def _pty() -> tuple[int, int]:
    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # 80x24
    return main_fd, child_fd


def _drain(fd: int, seconds: float, until: re.Pattern[bytes]) -> bytes:
    """What was written to the pty within `seconds`, stopping once `until` shows up."""
    seen = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not until.search(seen):
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # every writer gone (the process ended)
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_no_command_without_a_terminal_says_so_and_ends_at_once(tmp_path):
    db = tmp_path / "mine.db"
    started = time.monotonic()
    done = _without_terminal("--db", str(db), *TODAY)
    assert time.monotonic() - started < 10
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(REFUSED.format("stdin, stdout and stderr are", "terminals")), done.stderr
    assert done.stderr.count("\n") == 1
    assert not db.exists()  # refused before the database is opened: nothing created


@pytest.mark.parametrize("off", ["stdin", "stdout"])
def test_in_a_terminal_the_one_stream_that_is_not_one_is_named(tmp_path, off):
    """`followup < /dev/null` or `followup > file` typed at a terminal: the line says which."""
    main_fd, child_fd = _pty()
    side = open(tmp_path / "side.txt", "wb")  # noqa: SIM115 (closed below, with the pty)
    streams = {"stdin": child_fd, "stdout": child_fd, "stderr": child_fd}
    streams[off] = subprocess.DEVNULL if off == "stdin" else side
    db = tmp_path / "mine.db"
    proc = subprocess.Popen([*FOLLOWUP, "--db", str(db), *TODAY], **streams, start_new_session=True,
                            env=dict(os.environ, TERM="xterm-256color"))
    os.close(child_fd)
    try:
        said = _drain(main_fd, 10, re.compile(rb"\n")).decode()
        assert proc.wait(timeout=10) == 2
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main_fd)
        side.close()
    assert said.startswith(REFUSED.format(f"{off} is", "one")), said
    assert (tmp_path / "side.txt").read_bytes() == b""
    assert not db.exists()


def test_demo_without_a_terminal_builds_its_database_and_says_how_to_open_it(tmp_path):
    db = tmp_path / "demo folder" / "demo.db"
    db.parent.mkdir()
    started = time.monotonic()
    done = _without_terminal("--db", str(db), *TODAY, "demo", "--contacts", "20", timeout=60)
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert took < 30, took  # it ends once built (about half a second), never waits on the app
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == f"demo database: {db}"
    assert "  contacts: 20" in lines
    assert lines[-1] == ("the app needs a terminal, and stdin, stdout and stderr are not terminals; "
                         f"open it from a terminal with: followup --db {shlex.quote(str(db))} --today 2026-11-25")
    listed = subprocess.run([*FOLLOWUP, "--db", str(db), *TODAY, "contacts", "--json"], capture_output=True,
                            text=True, timeout=60)
    assert listed.returncode == 0 and listed.stdout.count('"name"') == 20, listed.stderr


def test_the_app_still_starts_in_a_terminal(tmp_path):
    """The command `followup demo` printed opens the app under a pty: its rows are drawn."""
    db = tmp_path / "demo.db"
    built = _without_terminal("--db", str(db), *TODAY, "demo", "--contacts", "20", timeout=60)
    assert built.returncode == 0, built.stderr
    opener = shlex.split(built.stdout.splitlines()[-1].partition("with: ")[2])
    assert opener[0] == "followup"
    main_fd, child_fd = _pty()
    proc = subprocess.Popen([*FOLLOWUP, *opener[1:]], stdin=child_fd, stdout=child_fd, stderr=child_fd,
                            start_new_session=True, env=dict(os.environ, TERM="xterm-256color", NO_COLOR="1"))
    os.close(child_fd)
    try:
        drawn = _drain(main_fd, 10, DEMO_NAME)
        assert proc.poll() is None, drawn[-500:]
        assert b"Agenda" in drawn and DEMO_NAME.search(drawn), drawn[-500:]
        proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 5
        while proc.poll() is None and time.monotonic() < deadline:
            _drain(main_fd, 0.1, NEVER)  # read what it draws on the way out, or its writes would block
        assert proc.poll() is not None, "the app outlived SIGTERM by 5 s"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main_fd)
