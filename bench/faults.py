"""Breaking things on purpose, counted: hostile import files, kill -9 at random moments, and
writers beside a long import.

Imports: N files made by spoiling real-shaped exports (the LinkedIn, Google, vCard and CSV files
the tests use, and a few cards of our own) at random: cut at any byte, a byte flipped, a hostile
value put in a cell or a property (huge and zero cadences, Unicode digits, controls, open quotes,
bad quoted-printable), a line repeated, a header widened. Each is imported into one real database
and its outcome counted:
  imported       a clean import (notes and skipped rows included);
  clean error    refused with a one-line message (BadInput / FollowupError), nothing written;
  traceback      any other exception: a bug;
  hang           still running after --timeout seconds: a bug;
  partial write  refused, yet row counts changed: a bug (imports are all or nothing).

Kills (`kills(n)`): `n` times, a real `followup` process (an import, a re-plan, a backup or a
schema migration, in turn) is killed with SIGKILL at a random moment; survived means `followup
check` passes afterwards, the data is all or nothing (the contacts of the import, the old or the
new plan, the migration completed by the next command) and a killed backup left nothing under the
name asked for.

Writers (`writers(seconds)`): two processes log calls as fast as they can while a third imports a
large file (the long write others wait behind); attempted = logs asked for, lost = those that
failed or are missing from the database afterwards.

Run: python bench/faults.py [N] [--seed S] [--timeout SECONDS] [--kills K] [--writer-seconds W]
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

# `python bench/faults.py` puts bench/ first on sys.path, where bench/planner.py would shadow
# the planner package: look the package up from the project root instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from planner.core.errors import FollowupError  # noqa: E402
from planner.io.importers import import_file  # noqa: E402
from planner.store.connect import open_database  # noqa: E402
from planner.store.database import close_database  # noqa: E402

FIXTURES = _HERE.parent / "tests" / "fixtures" / "import"
OUR_CARD = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zed\r\nORG:Acme\r\nEMAIL:zed@example.org\r\n"
            "X-FOLLOWUP-KIND:client\r\nX-FOLLOWUP-CADENCE:90\r\nX-FOLLOWUP-TIMEZONE:Europe/Berlin\r\nEND:VCARD\r\n")
ANDROID_CARD = ("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n"
                "TEL;CELL:+49 151 2345678\r\nORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:B=C3=B6rse =\r\nAG\r\n"
                "END:VCARD\r\n")
OUR_CSV = ("name,company,title,emails,phones,tags,kind,cadence_days,timezone,notes,source,external_key\r\n"
           "Ann,Acme,CTO,ann@acme.example,+1 555 0100,vip,client,90,Europe/Berlin,\"two\nlines\",manual,\r\n"
           "'=SUM(A1),Evil \u241b Co,,,,,other,,,,manual,\r\n")
HOSTILE = ["0", "100000", "5000", "999999999999", "3000000", "\u00b2", "-1", "1e400", "9" * 60, "none",
           "\x1b[2J", "\x00", "\u202e", "\u2426", "\"", "\"\"", ",,,", ";;;", "=cmd|' /C calc'!A0", "@x", "\r", "\n",
           "=FF=FE", "=\r\n", "America", "../../etc/passwd", "31 Feb 2024", "01 Jan 9999", "x" * 5000]
CADENCE_LINE = "X-FOLLOWUP-CADENCE:"


class _Hang(Exception):
    pass


def seeds() -> list[tuple[str, bytes]]:
    """(suffix, bytes) of every file the mutations start from."""
    found = [(path.suffix, path.read_bytes()) for path in sorted(FIXTURES.glob("*")) if path.is_file()]
    return found + [(".vcf", OUR_CARD.encode()), (".vcf", ANDROID_CARD.encode()), (".csv", OUR_CSV.encode())]


def spoil(rng: random.Random, data: bytes) -> tuple[str, bytes]:
    """One random way a file goes wrong: (what was done, the spoiled bytes)."""
    how = rng.choice(["cut", "flip", "hostile", "hostile", "cadence", "repeat", "widen", "none"])
    if how == "cut" and data:
        return how, data[: rng.randrange(len(data))]
    if how == "flip" and data:
        at = rng.randrange(len(data))
        return how, data[:at] + bytes([rng.randrange(256)]) + data[at + 1 :]
    if how in ("hostile", "cadence"):
        text = data.decode("utf-8", "replace")
        value = rng.choice(HOSTILE)
        if how == "cadence":  # our own vCard property, read back by every re-import
            text = text if CADENCE_LINE in text else OUR_CARD
            fresh = rng.randrange(10**9)  # a new contact, so its cadence applies
            text = text.replace("Zed", f"Zed {fresh}").replace("zed@", f"zed{fresh}@")
            start = text.index(CADENCE_LINE) + len(CADENCE_LINE)
            end = text.find("\r\n", start)
            return how, (text[:start] + value + text[end:]).encode()
        at = rng.randrange(len(text) + 1)
        return "hostile", (text[:at] + value + text[at:]).encode()
    if how == "repeat":
        lines = data.split(b"\n")
        line = rng.randrange(len(lines))
        lines[line:line] = [lines[line]] * rng.choice([2, 50, 2000])
        return how, b"\n".join(lines)
    if how == "widen":
        return how, b"a," * rng.choice([10, 5000, 100_000]) + b"\r\n" + data
    return "none", data


def _counts(db: Path) -> tuple[int, ...]:
    with sqlite3.connect(db) as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("contact", "contact_email", "contact_phone", "contact_tag", "planned_call"))


def _alarm(signum, frame):
    raise _Hang


def fuzz_imports(n: int, *, seed: int = 1, timeout: float = 10.0) -> dict:
    """Import `n` spoiled files into one fresh database; returns the outcome counts, the counts
    by spoiling, the seconds taken, and the first few bugs (tracebacks, hangs, partial writes)."""
    rng = random.Random(seed)
    sources = seeds()
    outcomes: Counter[str] = Counter()
    by_spoil: Counter[tuple[str, str]] = Counter()
    bugs: list[str] = []
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _alarm)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "followup.db"
        open_database(db)
        try:
            for number in range(n):
                suffix, data = rng.choice(sources)
                how, spoiled = spoil(rng, data)
                path = Path(folder) / f"input{number}{suffix}"
                path.write_bytes(spoiled)
                before = _counts(db)
                outcome = _one(path, db, before, timeout, bugs, how)
                outcomes[outcome] += 1
                by_spoil[(how, outcome)] += 1
                path.unlink()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            close_database()
    return {"fuzzed": n, "outcomes": outcomes, "by_spoil": by_spoil, "bugs": bugs,
            "seconds": time.monotonic() - started}


def _one(path: Path, db: Path, before: tuple[int, ...], timeout: float, bugs: list[str], how: str) -> str:
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        import_file(path)
        outcome = "imported"
    except _Hang:
        outcome = "hang"
        bugs.append(f"hang ({how}): {path.name}")
    except FollowupError as exc:
        outcome = "clean error"
        if _counts(db) != before:
            outcome = "partial write"
            bugs.append(f"partial write ({how}): {str(exc)[:120]}")
    except Exception:  # counting bugs is the point
        outcome = "traceback"
        bugs.append(f"traceback ({how}): " + traceback.format_exc(limit=3).splitlines()[-1][:160])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return outcome


OUTCOMES = ("imported", "clean error", "traceback", "hang", "partial write")


def import_rows(result: dict) -> list[tuple[str, object]]:
    """Table rows for the import part: inputs fuzzed and their outcomes."""
    rows: list[tuple[str, object]] = [("inputs fuzzed", result["fuzzed"])]
    rows += [(f"  {name}", result["outcomes"].get(name, 0)) for name in OUTCOMES]
    return rows


def print_table(rows: list[tuple[str, object]]) -> None:
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value:>8}")


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=450, help="import files to fuzz (default 450)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds before an import counts as a hang")
    parser.add_argument("--kills", type=int, default=20, help="processes to kill -9 (default 20)")
    parser.add_argument("--writer-seconds", type=float, default=20, help="how long the writers run (default 20)")
    args = parser.parse_args(argv)
    result = fuzz_imports(args.n, seed=args.seed, timeout=args.timeout)
    print(f"imports: {result['fuzzed']} spoiled files in {result['seconds']:.1f} s (seed {args.seed})")
    print_table(import_rows(result))
    spoils = sorted({how for how, _ in result["by_spoil"]})
    print("\nby spoiling: " + "; ".join(
        f"{how} " + ", ".join(f"{outcome} {count}" for (h, outcome), count in sorted(result["by_spoil"].items())
                              if h == how) for how in spoils))
    for bug in result["bugs"][:10]:
        print("  bug: " + bug)
    bad = sum(result["outcomes"].get(name, 0) for name in ("traceback", "hang", "partial write"))

    print(f"\n{'fault':<28} {'count':>8} {'outcome':>10}")
    for kind, (killed, survived) in kills(args.kills, seed=args.seed).items():
        print(f"{'kill -9 during ' + kind:<28} {killed:>8} {survived:>6} ok")
        bad += killed - survived
    attempted, lost = writers(args.writer_seconds)
    print(f"{'writes beside an import':<28} {attempted:>8} {lost:>6} lost")
    bad += lost
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
