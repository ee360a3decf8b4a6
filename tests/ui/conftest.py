"""Fixtures for pilot tests: a seeded real SQLite file, a fixed today, and the app under test.

`app_db` seeds through the services (never raw rows), so the screens see what a user would.
`run_app(mode=..., size=...)` is an async context manager yielding `(app, pilot)` once the first
screen's workers are done; `wait_for_workers(app, pilot)` waits for every worker, then a frame.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from factories import FIXED_TODAY
from ui_steps import settle

from planner.core import dates
from planner.services.contacts import ContactFields, add_contact
from planner.store.connect import open_database

SEED = [
    ContactFields(name="Maria Schmidt", company="Hooli", title="Head of Talent", emails=["maria@hooli.example"],
                  phones=["+49 30 1234567"], tags=["client", "vip"], kind="client", cadence_days=30,
                  timezone="Europe/Berlin", notes="Prefers mornings"),
    ContactFields(name="Jonas Nguyen", company="Initech", title="Senior Engineer", emails=["jonas@initech.example"],
                  tags=["candidate", "python"], kind="candidate", cadence_days=60),
    ContactFields(name="Zoë Ångström", company="Globex", title="Partner", emails=["zoe@globex.example"],
                  tags=["referrer"], kind="referrer", cadence_days=90, notes="Introduced us to Globex"),
    ContactFields(name="[bold]Mallory[/] \x1b[2J", company="[link=file:///etc/passwd]y", tags=["candidate"],
                  kind="candidate", notes="hostile \x1b]0;pwned\x07 name"),
]


_wait_for_workers = settle


def screen_text(app) -> str:
    """The text the terminal shows now, line by line (only the top screen's composited lines)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.fixture
def show_text():
    return screen_text


@pytest.fixture
def wait_for_workers():
    return _wait_for_workers


@pytest.fixture
def app_db(new_db) -> Path | str:
    """An opened database with four contacts (one of them hostile); returns where it is (a file,
    or with --pg-all also a PostgreSQL URI: see tests/conftest.py)."""
    path = new_db("ui")
    open_database(path)
    dates.set_today(FIXED_TODAY)
    for fields in SEED:
        add_contact(fields)
    return path


@pytest.fixture
def run_app(app_db):
    """`async with run_app(mode="contacts") as (app, pilot):` on the seeded database."""
    from screens.app import FollowupApp

    @asynccontextmanager
    async def _run(mode: str | None = None, size: tuple[int, int] = (100, 32)):
        app = FollowupApp(mode=mode)
        async with app.run_test(size=size) as pilot:
            await _wait_for_workers(app, pilot)
            yield app, pilot

    return _run
