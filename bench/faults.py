"""Breaking things on purpose, counted: kills survived, writes attempted and lost.

- `kills(n)`: `n` times, a real `followup` process (an import, a re-plan, a backup or a schema
  migration, in turn) is killed with SIGKILL at a random moment; survived means `followup check`
  passes afterwards, the data is all or nothing (the contacts of the import, the old or the new
  plan, the migration completed by the next command) and a killed backup left nothing under the
  name asked for.
- `writers(seconds)`: two processes log calls as fast as they can while a third imports a large
  file (the long write others wait behind); attempted = logs asked for, lost = those that failed
  or are missing from the database afterwards.

Run: python bench/faults.py [KILLS] [WRITER_SECONDS]
"""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# `python bench/faults.py` puts bench/ first on sys.path, where bench/planner.py would shadow the
# planner package: look the package up from the project root instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

TODAY = "2026-11-25"
CLI = "import sys; from planner.cli import main; sys.exit(main())"


def _run(db: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, "--db", str(db), "--today", TODAY, *args],
                          capture_output=True, text=True, timeout=timeout)


def _start(db: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CLI, "--db", str(db), "--today", TODAY, *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _csv(path: Path, rows: int, first: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("name,email,company,notes\n")
        for i in range(first, first + rows):
            handle.write(f"Person {i},p{i}@example.com,Company {i % 300},notes about person {i}\n")
    return path


def _settle(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _count(db: Path, table: str = "contact") -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def _plan(db: Path) -> list[tuple]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT contact_id, date, reason, pinned, seq FROM planned_call "
                            "ORDER BY contact_id, seq, date").fetchall()


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    target.chmod(0o600)
    return target


def _old_schema_database(path: Path) -> Path:
    from planner.store import migrations
    from planner.store.connect import open_database
    from planner.store.database import close_database, db

    open_database(path, migrate=False)
    migrations.migrate(db, target=1)
    with db.atomic():
        for i in range(2000):
            db.execute_sql("INSERT INTO contact (name, company, title, kind, no_cadence, timezone, notes, source, "
                           "external_key, search_text, created_at, updated_at) VALUES (?, '', '', 'friend', 0, '', "
                           "'', 'manual', '', ?, '2020-01-01', '2020-01-01')", (f"Old {i}", f"old {i}"))
    close_database()
    _settle(path)
    return path


def kills(n: int, *, seed: int = 16) -> dict[str, tuple[int, int]]:
    """Kill `n` processes at random moments; returns {kind: (killed, survived)}."""
    rng = random.Random(seed)
    results: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory(prefix="followup-kills-") as folder:
        root = Path(folder)
        base = root / "base.db"
        assert _run(base, "import", str(_csv(root / "seed.csv", 3000))).returncode == 0
        _settle(base)
        csv = _csv(root / "more.csv", 5000, first=10_000)
        old = _old_schema_database(root / "old.db")
        before_plan = _plan(base)
        timing = _copy(base, root / "t" / "plan.db")
        started = time.monotonic()
        _run(timing, "plan", "--horizon", "200")
        plan_seconds = time.monotonic() - started
        after_plan = _plan(timing)
        started = time.monotonic()
        _run(_copy(base, root / "t" / "import.db"), "import", str(csv))
        import_seconds = time.monotonic() - started
        started = time.monotonic()
        _run(base, "backup", str(root / "t" / "bk.db"))
        backup_seconds = time.monotonic() - started
        kinds = ["import", "re-plan", "backup", "migration"]
        for i in range(n):
            kind = kinds[i % len(kinds)]
            work = root / f"k{i}"
            if kind == "migration":
                db = _copy(old, work / "old.db")
                args, seconds = ("contacts",), 1.0
            else:
                db = _copy(base, work / "f.db")
                args, seconds = {
                    "import": (("import", str(csv)), import_seconds),
                    "re-plan": (("plan", "--horizon", "200"), plan_seconds),
                    "backup": (("backup", str(work / "bk.db")), backup_seconds),
                }[kind]
            proc = _start(db, *args)
            time.sleep(rng.uniform(0.2, seconds))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            ok = _run(db, "check").returncode == 0
            if kind == "import":
                ok = ok and _count(db) in (3000, 8000)
            elif kind == "re-plan":
                ok = ok and _plan(db) in (before_plan, after_plan)
            elif kind == "backup":
                target = work / "bk.db"
                leftovers = [p.name for p in work.iterdir() if p.name.startswith("bk.db") and p.name != "bk.db"
                             and not p.name.startswith("bk.db.partial-")]
                whole = not target.exists() or (_run(target, "check").returncode == 0
                                                 and _count(target) == _count(db))
                ok = ok and whole and not leftovers
            else:
                ok = ok and _run(db, "contacts").returncode == 0 and _count(db) == 2000
                ok = ok and _run(db, "check").returncode == 0
            tally = results.setdefault(kind, [0, 0])
            tally[0] += 1
            tally[1] += int(ok)
    return {kind: (killed, survived) for kind, (killed, survived) in results.items()}


WRITER = """
import sys, time
from planner.cli import main
db, seconds, who = sys.argv[1], float(sys.argv[2]), sys.argv[3]
attempted = failed = 0
end = time.monotonic() + seconds
while time.monotonic() < end:
    attempted += 1
    code = main(["--db", db, "--today", "2026-11-25", "log", "Ann Example", f"{who} {attempted}"])
    failed += code != 0
print(attempted, failed)
"""


def writers(seconds: float) -> tuple[int, int]:
    """Two processes logging calls while a third imports a large file; returns (attempted, lost)."""
    with tempfile.TemporaryDirectory(prefix="followup-writers-") as folder:
        root = Path(folder)
        db = root / "f.db"
        assert _run(db, "add", "Ann Example").returncode == 0
        importer = _start(db, "import", str(_csv(root / "big.csv", 20_000)))
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(seconds), who],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                 for who in ("first", "second")]
        attempted = failed = 0
        for proc in procs:
            out, _ = proc.communicate(timeout=seconds + 900)
            tried, bad = (int(x) for x in out.strip().splitlines()[-1].split())
            attempted, failed = attempted + tried, failed + bad
        importer.wait(timeout=900)
        stored = _count(db, "interaction")
    return attempted, max(failed, attempted - stored)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 20
    print(f"{'fault':<28} {'count':>8} {'outcome':>10}")
    for kind, (killed, survived) in kills(n).items():
        print(f"{'kill -9 during ' + kind:<28} {killed:>8} {survived:>6} ok")
    attempted, lost = writers(seconds)
    print(f"{'writes beside an import':<28} {attempted:>8} {lost:>6} lost")


if __name__ == "__main__":
    main()
