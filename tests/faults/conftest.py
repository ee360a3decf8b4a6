"""Fault tests: hostile files and values, each run with a bound on its time.

The CLI runs in a real subprocess with `timeout=`, so a hang fails the test instead of stalling
the suite; the in-process fuzz cases carry hypothesis deadlines.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

RUN_CLI = "import sys; from planner.cli import main; sys.exit(main(sys.argv[1:]))"
CLI_TIMEOUT = 20  # seconds: every hostile file here is tiny, a clean answer takes well under one


@dataclass
class Run:
    code: int | None  # None: killed at the timeout (a hang)
    out: str
    err: str


@pytest.fixture
def followup(tmp_path):
    """`followup --db DB ARGS...` in a subprocess, killed after CLI_TIMEOUT seconds."""
    db = tmp_path / "faults" / "followup.db"

    def run(*args: str, timeout: float = CLI_TIMEOUT) -> Run:
        env = dict(os.environ, FOLLOWUP_TODAY="2026-11-25", COLUMNS="100")
        try:
            done = subprocess.run([sys.executable, "-c", RUN_CLI, "--db", str(db), *args], capture_output=True,
                                  text=True, timeout=timeout, env=env, cwd=tmp_path)
        except subprocess.TimeoutExpired as exc:
            return Run(None, _text(exc.stdout), _text(exc.stderr))
        return Run(done.returncode, done.stdout, done.stderr)

    run.db = db  # type: ignore[attr-defined]
    return run


def _text(data: bytes | str | None) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data or ""
