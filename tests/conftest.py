"""Shared fixtures: a real database per test, a fixed today, and the CLI run in-process.
What tests store and read back through the services is in tests/factories.py.

The database is an SQLite file; tests in modules marked `pytest.mark.engines` run a second time
on a real PostgreSQL server the session starts itself (tests/pg_server.py), each test with a fresh
database of its own. `--pg-all` runs every test that uses a database on both engines. Without the
server's binaries the PostgreSQL runs are skipped, saying how to install them; under CI (or with
FOLLOWUP_REQUIRE_PG=1, which .ci/run sets) that skip is a failure, like any skip under CI (see
`pytest_runtest_makereport`)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pg_server
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


ENGINES = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption("--pg-all", action="store_true",
                     help="run every test that uses a database on PostgreSQL too, not only the marked ones")


def pytest_configure(config):
    config.addinivalue_line("markers", "engines(*names): run these tests on SQLite and on a real PostgreSQL "
                                       "server (or only on the engines named)")


def pytest_generate_tests(metafunc):
    """`engines` runs a test on both engines, `engines("postgresql")` on the server only."""
    marker = metafunc.definition.get_closest_marker("engines")
    if "db_engine" in metafunc.fixturenames and (marker or metafunc.config.getoption("--pg-all")):
        metafunc.parametrize("db_engine", (marker.args if marker else ()) or ENGINES, indirect=True)


@pytest.fixture(scope="session")
def pg_cluster():
    """The session's PostgreSQL server, with a migrated template database; stopped at the end."""
    bin_dir = pg_server.find_bin_dir()
    if bin_dir is None:
        pytest.skip(pg_server.INSTALL_HINT)  # a failure under CI: see pytest_runtest_makereport
    cluster = pg_server.Cluster(bin_dir)
    try:
        cluster.start()
        open_database(cluster.url(pg_server.TEMPLATE))
        close_database()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def db_engine(request) -> str:
    """"sqlite" (the default) or "postgresql" for the tests parametrised over both engines."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def new_db(db_engine, request, tmp_path):
    """`new_db(name)`: where a new database of this test's engine goes, as `--db` takes it: a file
    `tmp_path/name/followup.db`, or a fresh PostgreSQL database (dropped after the test)."""
    made: list[str] = []

    def make(name: str):
        if db_engine == "sqlite":
            return tmp_path / name / "followup.db"
        cluster = request.getfixturevalue("pg_cluster")
        made.append(cluster.new_database())
        return made[-1]

    yield make
    close_database()
    for url in made:
        request.getfixturevalue("pg_cluster").drop(url)


@pytest.fixture
def db_path(new_db):
    """An opened, migrated database for domain tests: a file (Path), or a PostgreSQL URI (str)."""
    target = new_db("data")
    open_database(target)
    return target


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, new_db):
    """Run `followup ARGS...` in-process on a test database; returns exit code, stdout, stderr.

    `cli.ok(ARGS...)` asserts it succeeded and returns stdout; `cli.log(ARGS...)` runs
    `log ARGS... --json` and returns the new log's id; `cli.read(query)` runs `query()` on the
    file the CLI wrote (opened, then closed again). Each takes `db=` and `today=` as `cli` does."""
    default_db = new_db("cli")

    def run(*args: str, db: Path | str | None = None, today: str | None = FIXED_TODAY.isoformat()) -> CliResult:
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

    def read(query, db: Path | str | None = None):
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
    server the tests drive, so a skip there means a missing install step, not a missing feature.
    FOLLOWUP_REQUIRE_PG=1 does the same for the PostgreSQL server's skip alone."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        required_pg = os.environ.get("FOLLOWUP_REQUIRE_PG") == "1" and pg_server.INSTALL_HINT in reason
        if not (os.environ.get("CI") or required_pg):
            return
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be: {reason}"
