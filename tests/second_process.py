"""Another followup process on the same database file, as a second SSH login is: a Python script
run with `python -c` and driven through its stdin and stdout, shared by tests/ and tests/ui."""

from __future__ import annotations

import subprocess
import sys
import time


def start(script: str, *args: str) -> subprocess.Popen:
    """`script` running in a new interpreter with `args` as sys.argv[1:], its stdin and stdout piped (text)."""
    return subprocess.Popen([sys.executable, "-c", script, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)


def holding_a_draft(script: str, db_path) -> tuple[subprocess.Popen, int]:
    """Start `script` on `db_path`; it prints the id of the draft it saved, then holds it until its
    stdin closes (or it is told otherwise). Returns the process and that id."""
    proc = start(script, str(db_path))
    line = proc.stdout.readline()
    assert line.strip().isdigit(), f"the other session failed: {line!r}"
    return proc, int(line)


def wait_until(check, seconds: float = 10.0):
    """Another process acts on its own clock: poll until `check()` is truthy, and return it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("the other session did not get there in time")
