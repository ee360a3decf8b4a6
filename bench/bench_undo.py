"""What the undo journal costs where it writes the most: a full re-plan of 10,000 contacts (every
planned call rewritten) recorded as one action, against the same re-plan unrecorded, then its undo;
and an import of 10,000 new contacts with its undo.

Run: python bench/bench_undo.py [CONTACTS]
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from planner.core import dates  # noqa: E402
from planner.scheduling.service import replan  # noqa: E402
from planner.store import journal  # noqa: E402
from planner.store.connect import open_database  # noqa: E402
from planner.store.database import db, write_tx  # noqa: E402
from planner.store.models import Contact, PlannedCall, UndoChange  # noqa: E402


def timed(label: str, fn) -> float:
    started = time.perf_counter()
    fn()
    took = time.perf_counter() - started
    print(f"{label:<48} {took:7.2f} s")
    return took


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    dates.set_today(dt.date(2026, 12, 1))
    folder = Path(tempfile.mkdtemp())
    open_database(folder / "bench.db")
    with write_tx():
        Contact.insert_many([{"name": f"Person {i}", "cadence_days": 14 + i % 90} for i in range(n)]).execute()
    timed("first plan (not recorded)", lambda: replan(None))
    print(f"planned calls: {PlannedCall.select().count()}")
    # a rebalance rewrites most rows; run it first unrecorded, then recorded, from the same start
    db.execute_sql("DELETE FROM planned_call")
    timed("first plan again (not recorded)", lambda: replan(None))
    plain = timed("full re-plan --rebalance, not recorded", lambda: replan(None, rebalance=True))

    def recorded() -> None:
        with journal.journaled("re-plan"):
            replan(None, rebalance=True)
    db.execute_sql("DELETE FROM planned_call")
    replan(None)
    journaled = timed("full re-plan --rebalance, recorded as an action", recorded)
    print(f"rows recorded: {UndoChange.select().count()}  (x{journaled / plain:.2f} the unrecorded time)")
    timed("undo of that re-plan", lambda: journal.undo_last())

    def first_plan_recorded() -> None:
        with journal.journaled("first plan"):
            replan(None)
    with write_tx():
        db.execute_sql("DELETE FROM planned_call")
    timed("first plan, every call inserted, recorded", first_plan_recorded)
    size = (folder / "bench.db").stat().st_size + (folder / "bench.db-wal").stat().st_size
    print(f"database with the journal: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
