"""Two members writing at the same moment on one PostgreSQL server: both writes land, and when the
server ends a transaction with a serialization failure or a deadlock, the write is run again
without anyone seeing it; no "could not serialize" or "deadlock" reaches a person."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import psycopg
import pytest
from test_private_notes import as_role, member_role

from planner.store import database
from planner.store.connect import open_database
from planner.store.database import db, run_write, write_tx
from planner.store.models import Setting

server_only = pytest.mark.engines("postgresql")

RAISE = "DO $$ BEGIN RAISE EXCEPTION 'could not serialize access due to concurrent update' USING ERRCODE = '{}'; END $$"


@server_only
@pytest.mark.parametrize("state", ["40001", "40P01"])
def test_a_write_the_server_ends_with_a_collision_runs_again_and_lands_once(db_path, state):
    attempts: list[int] = []

    def write() -> str:
        attempts.append(1)
        Setting.insert(key="k", value=json.dumps(len(attempts))).execute()
        if len(attempts) < 3:
            db.execute_sql(RAISE.format(state))  # the server's own error, as a collision raises it
        return "done"

    before = database.write_stats.retried
    assert run_write(write) == "done"
    assert len(attempts) == 3 and database.write_stats.retried == before + 2
    assert [(s.key, s.value) for s in Setting.select().where(Setting.key == "k")] == [("k", "3")]


@server_only
def test_a_real_deadlock_with_another_session_is_run_again(db_path):
    """Another program holds row B and waits for row A, which our write holds while it asks for B:
    the server ends ours with a deadlock (its own detection is quicker), and ours runs again once
    the other has finished."""
    with write_tx():
        Setting.insert_many([("a", "0"), ("b", "0")], fields=[Setting.key, Setting.value]).execute()
    other = psycopg.connect(db_path)
    other.execute("SET deadlock_timeout = '10s'")
    other.execute("UPDATE setting SET value = 'other' WHERE key = 'b'")  # holds b
    db.execute_sql("SET deadlock_timeout = '100ms'")
    attempts: list[int] = []

    def finish_other() -> None:
        other.execute("UPDATE setting SET value = 'other' WHERE key = 'a'")  # waits for our a
        other.commit()

    def write() -> None:
        attempts.append(1)
        Setting.update(value="ours").where(Setting.key == "a").execute()
        if len(attempts) == 1:
            threading.Thread(target=finish_other).start()
            time.sleep(0.3)  # the other session now waits for a
        Setting.update(value="ours").where(Setting.key == "b").execute()

    run_write(write)
    other.close()
    assert len(attempts) == 2
    assert dict(Setting.select(Setting.key, Setting.value).tuples()) == {"a": "ours", "b": "ours"}


@server_only
def test_a_block_that_cannot_be_run_again_says_so_in_one_line(cli):
    cli.ok("add", "Maria Schmidt")
    open_database(cli.db)

    with pytest.raises(database.Collision) as caught, write_tx():
        Setting.insert(key="x", value="1").execute()
        db.execute_sql(RAISE.format("40P01"))
    message = str(caught.value)
    assert "nothing was written" in message and "serialize" not in message and "deadlock" not in message
    assert Setting.get_or_none(Setting.key == "x") is None


BOTH_AT_ONCE = """
import datetime as dt, json, sys, time
from planner.core import dates
from planner.store.connect import open_database
from planner.services.interactions.log import LogRequest, log_interaction
dates.set_today(dt.date(2026, 11, 25))
open_database(sys.argv[1])
start = float(sys.argv[3])
ids = []
for i in range(10):
    time.sleep(max(0.0, start + i * 0.05 - time.time()))  # both sessions log at the same moments
    ids.append(log_interaction(LogRequest(int(sys.argv[2]), f"{sys.argv[4]} {i}", notes="n", private=i % 2 == 1)).id)
print(json.dumps(ids))
"""


@server_only
def test_two_members_logging_calls_to_one_contact_at_the_same_moment_both_land(cli):
    mia, jonas = member_role(cli, "Mia"), member_role(cli, "Jonas")
    contact = json.loads(cli.ok("add", "Maria Schmidt", "--json"))["id"]
    start = str(time.time() + 3)
    procs = [subprocess.Popen([sys.executable, "-c", BOTH_AT_ONCE, as_role(cli, role), str(contact), start, role],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for role in (mia, jonas)]
    results = [proc.communicate(timeout=120) for proc in procs]
    for proc, (_out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "serializ" not in err and "deadlock" not in err
    landed = [json.loads(out) for out, _ in results]
    assert len(set(landed[0] + landed[1])) == 20
    history = json.loads(cli.ok("history", "maria", "--json", db=as_role(cli, mia)))
    assert len(history) == 20
    # each reads the text of their own private notes (odd ones) and of no one else's
    seen = {h["summary"] for h in history if h["summary"]}
    assert seen == {f"{mia} {i}" for i in range(10)} | {f"{jonas} {i}" for i in range(0, 10, 2)}
