"""Two sessions logging calls and favours on one database at once: every write lands.

Logging reads (the newest interaction, open pins) and then writes; inside an IMMEDIATE transaction
the second session waits for the first instead of failing with `database is locked` (on PostgreSQL:
the writers' lock, store/engine.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from factories import new_contact

from planner.store.connect import open_database
from planner.store.database import close_database
from planner.store.models import Favor, Interaction, PlannedCall

pytestmark = pytest.mark.engines  # on a shared PostgreSQL server as on one SQLite file

WRITER = """
import datetime as dt, sys
from planner.core import dates
from planner.store.connect import open_database
from planner.services.interactions.log import LogRequest, log_interaction
from planner.services.ledger import add_favor, thank
dates.set_today(dt.date(2026, 11, 25))
open_database(sys.argv[1])
contact, tag = int(sys.argv[2]), sys.argv[3]
for i in range(25):
    outcome = "no-answer" if i % 3 == 0 else "spoke"
    log_interaction(LogRequest(contact, f"{tag} {i}", outcome=outcome, at=dates.parse_moment(f"{i + 1} days ago")))
    add_favor(contact, "received" if i % 2 else "gave", "advice", f"{tag} favour {i}", day=dt.date(2026, 11, 1))
    if i % 5 == 4:
        thank(contact_id=contact)
"""


def test_two_sessions_logging_at_once_lose_nothing(new_db):
    db = new_db("shared")
    open_database(db)
    first = new_contact("Maria Schmidt", cadence_days=30)
    second = new_contact("Jonas Weber", cadence_days=30)
    close_database()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(cid), tag],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for cid, tag in ((first, "a"), (second, "b"))]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    open_database(db)
    assert Interaction.select().count() == 50
    assert Favor.select().count() == 50
    for cid in (first, second):
        unthanked = Favor.select().where(Favor.contact == cid, Favor.direction == "received",
                                         Favor.thanked_at.is_null()).count()
        tasks = PlannedCall.select().where(PlannedCall.contact == cid, PlannedCall.reason == "thank-you").count()
        assert tasks == unthanked  # every open thank-you still has exactly one task
