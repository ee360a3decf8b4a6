"""A real collision on the team server: another program's session deadlocks with one of ours, the
server ends ours, and what we were writing must run again. Shared by tests/ and tests/sync."""

from __future__ import annotations

import threading
import time

import psycopg

from planner.store import database, engine
from planner.store.database import db


def collide_once(url: str, table: str, row_id: int, write):
    """Another program locks row `row_id` of `table`; our `write` blocks on it while holding the
    writers' lock, then the other asks for that lock: a deadlock, which the server ends on our
    side (our deadlock_timeout is the shorter). The other finishes, and our write runs again."""
    other = psycopg.connect(url)
    other.execute("SET deadlock_timeout = '10s'")
    other.execute(f'SELECT 1 FROM "{table}" WHERE id = %s FOR UPDATE', (row_id,))
    ours = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    db.execute_sql("SET deadlock_timeout = '200ms'")
    failures: list[BaseException] = []

    def finish_other() -> None:
        try:
            with psycopg.connect(url, autocommit=True) as watcher:
                deadline = time.monotonic() + 20
                while watcher.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                                      (ours,)).fetchone()[0] != "Lock":
                    assert time.monotonic() < deadline, "our write never waited for the other's row"
                    time.sleep(0.01)
            other.execute("SELECT pg_advisory_xact_lock(%s)", (engine.WRITERS_LOCK_KEY,))  # waits for ours
            other.commit()
        except BaseException as exc:  # reported by the test below
            failures.append(exc)

    thread = threading.Thread(target=finish_other)
    thread.start()
    before = database.write_stats.retried
    try:
        result = write()
    finally:
        thread.join(30)
        other.close()
    assert not failures, failures
    assert database.write_stats.retried >= before + 1  # it did collide, and ran again
    return result
