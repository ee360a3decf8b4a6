"""The SQL statements a domain call really runs, from sqlite3's own trace hook: how the tests
count write transactions (one BEGIN IMMEDIATE ... COMMIT per user action, re-plan included)."""

from __future__ import annotations

from planner.store.database import db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class Statements:
    """Every SQL statement the connection runs while active."""

    def __enter__(self) -> list[str]:
        self.seen: list[str] = []
        db.connection().set_trace_callback(self.seen.append)
        return self.seen

    def __exit__(self, *exc) -> None:
        db.connection().set_trace_callback(None)


def assert_one_write_transaction(seen: list[str]) -> None:
    """Exactly one BEGIN IMMEDIATE and one COMMIT, every write between them, and the nested
    `write_tx()` of the re-plan run as a savepoint inside it (not as a transaction of its own)."""
    begins = [s for s in seen if s.upper().startswith("BEGIN")]
    commits = [i for i, s in enumerate(seen) if s.upper().startswith("COMMIT")]
    assert begins == ["BEGIN IMMEDIATE"] and len(commits) == 1, [s for s in seen if s.split()[0].upper() in
                                                                   ("BEGIN", "COMMIT", "ROLLBACK")]
    begin, commit = seen.index("BEGIN IMMEDIATE"), commits[0]
    writes = [i for i, s in enumerate(seen) if s.split()[0].upper() in WRITES]
    assert writes and begin < writes[0] and writes[-1] < commit
    savepoints = [i for i, s in enumerate(seen) if s.upper().startswith("SAVEPOINT")]
    assert savepoints and all(begin < i < commit for i in savepoints)
