"""Shared fixtures: a real SQLite file per test, a fixed today, and the CLI run in-process.
What tests store and read back through the services is in tests/factories.py."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from factories import FIXED_TODAY

from planner.core import dates
from planner.store.connect import open_database
from planner.store.database import close_database


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No test touches the real user data folder or depends on the real date."""
    monkeypatch.setenv("FOLLOWUP_DB", str(tmp_path / "default" / "followup.db"))
    monkeypatch.delenv("FOLLOWUP_TODAY", raising=False)
    old_umask = os.umask(0o022)
    dates.set_today(FIXED_TODAY)
    yield
    dates.set_today(None)
    close_database()
    os.umask(old_umask)


@pytest.fixture
def db_path(tmp_path) -> Path:
    """An opened, migrated database file for domain tests."""
    path = tmp_path / "data" / "followup.db"
    open_database(path)
    return path


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, tmp_path):
    """Run `followup ARGS...` in-process on a test database; returns exit code, stdout, stderr.

    `cli.ok(ARGS...)` asserts it succeeded and returns stdout; `cli.log(ARGS...)` runs
    `log ARGS... --json` and returns the new log's id; `cli.read(query)` runs `query()` on the
    file the CLI wrote (opened, then closed again). Each takes `db=` and `today=` as `cli` does."""
    default_db = tmp_path / "cli" / "followup.db"

    def run(*args: str, db: Path | None = None, today: str | None = FIXED_TODAY.isoformat()) -> CliResult:
        from planner.cli import main

        argv = ["--db", str(db or default_db)]
        if today:
            argv += ["--today", today]
        capsys.readouterr()
        try:
            code = main(argv + list(args))
        except SystemExit as exc:  # argparse usage errors and --help
            code = int(exc.code or 0)
        close_database()
        dates.set_today(FIXED_TODAY)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    def ok(*args: str, **kw) -> str:
        result = run(*args, **kw)
        assert result.code == 0, result.err
        return result.out

    def log(*args: str, **kw) -> int:
        return json.loads(ok("log", *args, "--json", **kw))["id"]

    def read(query, db: Path | None = None):
        open_database(db or default_db)
        try:
            return query()
        finally:
            close_database()

    run.db = default_db  # type: ignore[attr-defined]
    run.ok = ok  # type: ignore[attr-defined]
    run.log = log  # type: ignore[attr-defined]
    run.read = read  # type: ignore[attr-defined]
    return run


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (CI set in the environment) a skipped test is a failure: CI installs every program and
    server the tests drive, so a skip there means a missing install step, not a missing feature."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be: {reason}"
