"""Every write a person makes runs again after a collision on the server: a favour, a snooze or an
archive that meets another session's deadlock lands, and nobody sees "deadlock"; every public
function that writes carries `retried`, so a new one cannot be forgotten."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import json
from pathlib import Path

import pytest
from server_collisions import collide_once

import planner
from planner.core import dates
from planner.services import contacts, ledger, schedule
from planner.store import database
from planner.store.connect import open_database
from planner.store.database import db, retried, run_write, write_tx
from planner.store.models import Contact, ContactEmail, Favor, PlannedCall, Setting

server_only = pytest.mark.engines("postgresql")

RAISE = "DO $$ BEGIN RAISE EXCEPTION 'could not serialize access due to concurrent update' USING ERRCODE = '{}'; END $$"

# What opens a write transaction; a function calling one of these (or a function of its own module
# that does) writes.
OPENERS = {"write_tx", "journaled", "run_write"}
# Writes that are not a person's action, or that cannot be run again as a whole: the schema's
# migration and the check's repair (run alone, before anything else), the demo database, copying a
# whole database to another (migrate-to), the undo journal's context manager itself, and the
# `check` command, which repairs.
NOT_A_PERSONS_WRITE = {
    "planner.store.migrations": {"migrate"},
    "planner.store.health": {"record_verdict", "repair"},
    "planner.store.transfer": {"copy_all"},
    "planner.store.journal": {"journaled"},
    "planner.io.demo": {"build_demo"},
    "planner.io.demo_history": {"add_demo_history"},
    "planner.io.demo_relationships": {"add_demo_relationships"},
    "planner.cli.admin_cmds": {"cmd_check"},
}


def _called_names(node: ast.AST) -> set[str]:
    return {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def _writing_functions(path: Path) -> list[str]:
    """The public module-level functions of `path` that open a write transaction, themselves or
    through a function of the same module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    writes = {name for name, n in functions.items() if _called_names(n) & OPENERS}
    grown = True
    while grown:
        grown = False
        for name, n in functions.items():
            if name not in writes and _called_names(n) & writes:
                writes.add(name)
                grown = True
    return sorted(name for name in writes if not name.startswith("_"))


def test_every_public_function_that_writes_runs_again_after_a_collision():
    root = Path(planner.__file__).parent
    checked, missing = [], []
    for path in sorted(root.rglob("*.py")):
        module_name = ".".join(("planner", *path.relative_to(root).with_suffix("").parts))
        names = [n for n in _writing_functions(path) if n not in NOT_A_PERSONS_WRITE.get(module_name, set())]
        if not names:
            continue
        module = importlib.import_module(module_name)
        for name in names:
            checked.append(f"{module_name}.{name}")
            if not getattr(getattr(module, name), "retries_collisions", False):
                missing.append(f"{module_name}.{name}")
    assert not missing, f"writes that a collision would end (decorate them with @retried): {missing}"
    # the walk found the services it must (a walk that finds nothing proves nothing)
    for expected in ("planner.services.ledger.add_favor", "planner.services.schedule.snooze",
                     "planner.services.contacts.set_archived", "planner.services.interactions.log.log_interaction",
                     "planner.store.journal.undo_last", "planner.sync.state.finish"):
        assert expected in checked
    assert len(checked) >= 40


def test_no_method_opens_a_write_transaction_the_walk_above_cannot_see():
    """A method's `with write_tx():` would be missed by that walk (module-level functions only):
    such writes (the sync's, item by item) go through `run_write`, which runs them again itself."""
    root = Path(planner.__file__).parent
    hidden = []
    for path in sorted(root.rglob("*.py")):
        for cls in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(cls, ast.ClassDef):
                continue
            for node in ast.walk(cls):
                if isinstance(node, ast.With) and any(
                        isinstance(item.context_expr, ast.Call) and isinstance(item.context_expr.func, ast.Name)
                        and item.context_expr.func.id in {"write_tx", "journaled"} for item in node.items):
                    hidden.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not hidden, f"use run_write (or a @retried function) for these: {hidden}"


# --- collisions with a second session, for real ------------------------------------------------


@pytest.fixture
def served(cli):
    """A server database with two contacts (the CLI made it), opened in this process too."""
    cli.ok("add", "Maria Schmidt")
    cli.ok("add", "Jonas Weber")
    open_database(cli.db)
    dates.set_today(dt.date.today())
    ids = {c.name: c.id for c in Contact.select(Contact.id, Contact.name)}
    return str(cli.db), ids["Maria Schmidt"], ids["Jonas Weber"]


@server_only
def test_a_favour_that_meets_a_deadlock_is_recorded_once(served):
    url, maria, _ = served
    view = collide_once(url, "contact", maria, lambda: ledger.add_favor(maria, "gave", "intro", "to Ana"))
    assert view.note == "to Ana"
    assert [(f.contact_id, f.note) for f in Favor.select()] == [(maria, "to Ana")]


@server_only
def test_a_snooze_that_meets_a_deadlock_moves_the_call(served):
    url, _, jonas = served
    to = dates.today() + dt.timedelta(days=21)
    view = collide_once(url, "contact", jonas, lambda: schedule.snooze(jonas, to))
    assert view.date >= to
    calls = list(PlannedCall.select().where(PlannedCall.contact == jonas, PlannedCall.pinned == True))
    assert [c.date for c in calls] == [view.date]


@server_only
def test_an_archive_that_meets_a_deadlock_archives(served):
    url, maria, _ = served
    collide_once(url, "contact", maria, lambda: contacts.set_archived(maria, True))
    assert Contact.get_by_id(maria).archived_at is not None
    assert not PlannedCall.select().where(PlannedCall.contact == maria).exists()


@server_only
def test_an_import_that_meets_a_deadlock_reads_its_file_again_and_imports_it_once(served, tmp_path):
    # the import lets go of its records as it matches them: run again, it must read them again
    from planner.io.importers import import_file

    url, maria, _ = served
    export = tmp_path / "Connections.csv"
    export.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                      "Ana,Lima,https://www.linkedin.com/in/ana-lima,,Acme,,01 Jan 2025\n"
                      "Maria,Schmidt,,maria@example.org,,,\n", encoding="utf-8")
    report = collide_once(url, "contact", maria, lambda: import_file(export))
    assert (report.records, report.added, report.updated) == (2, 1, 1)
    assert sorted(Contact.select(Contact.name).tuples()) == [("Ana Lima",), ("Jonas Weber",), ("Maria Schmidt",)]
    assert [e.address for e in ContactEmail.select()] == ["maria@example.org"]
    assert PlannedCall.select().where(PlannedCall.contact == report.added_ids[0]).exists()


# --- what `retried` runs again, and what it does not -------------------------------------------


@server_only
def test_a_retried_function_runs_again_from_the_start_and_once_when_nested(db_path):
    attempts: list[int] = []

    @retried
    def write(key: str) -> int:
        attempts.append(1)
        with write_tx():
            Setting.insert(key=key, value=json.dumps(len(attempts))).execute()
            if len(attempts) < 3:
                db.execute_sql(RAISE.format("40001"))
        return len(attempts)

    before = database.write_stats.retried
    assert write("k") == 3 and database.write_stats.retried == before + 2
    assert Setting.get(Setting.key == "k").value == "3"

    # inside another transaction it does not run again by itself: the outer one does
    attempts.clear()
    assert run_write(lambda: write("n")) == 3
    assert Setting.get(Setting.key == "n").value == "3"


@server_only
def test_a_function_that_committed_a_step_is_not_run_again_and_says_so_in_one_line(db_path):
    attempts: list[int] = []

    @retried
    def two_steps() -> None:
        attempts.append(1)
        with write_tx():
            Setting.insert(key="first", value="1").execute()
        with write_tx():
            Setting.insert(key="second", value="1").execute()
            db.execute_sql(RAISE.format("40P01"))

    with pytest.raises(database.Collision) as caught:
        two_steps()
    message = str(caught.value)
    assert "try again" in message and "deadlock" not in message and "serializ" not in message
    assert len(attempts) == 1  # the first step is not written twice
    assert Setting.get_or_none(Setting.key == "first") is not None
    assert Setting.get_or_none(Setting.key == "second") is None
