"""How long importing a 10,000-row LinkedIn export takes, against a baseline measured in the same run.

Baseline: the same rows inserted with plain sqlite3 into a bare table in one transaction, by
multi-row INSERTs of 500 rows (a third of the time of `executemany`, row by row), the least any
import can cost on this machine. The import does more (parsing, de-duplication against every
stored key, emails, tags, search text, the undo journal's fingerprints of the new rows), so expect
a ratio around 40 (about 0.55 s for 10,000 rows here); a ratio in the thousands means per-row
queries crept back in.
Also times a re-import (everything unchanged) and, separately, the plan update the import triggers.

`--whole` measures whole processes instead, as a person runs them, at 10,000 and 100,000 rows:
`followup import FILE` into an empty (migrated) database, then the same file again (nothing
changes), each paired A B A B with its floor: a plain `python` program that reads the file with
`csv` and inserts its rows by multi-row INSERTs into a bare table in one transaction (the import),
or reads the file and the stored contacts (the re-import). Wall time, CPU time (user + system)
and peak memory (`wait4`) are each given as a ratio to the floor measured in the same run.
Targets at 100,000 rows: import under 5 s and 150 MiB, re-import under 3 s.

Run: python bench/bench_import.py [ROWS]
     python bench/bench_import.py --whole [--sizes 10000,100000] [--runs 3] [--code CHECKOUT]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

# `python bench/bench_import.py` puts bench/ first on sys.path, where bench/planner.py would
# shadow the planner package: look the package up from the project root instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

FIRST = ["Zoë", "José", "Søren", "Anaïs", "Björn", "Priya", "Wei", "Amara", "Ngozi", "Małgorzata", "Liam", "Emma"]
LAST = ["Ångström", "Núñez", "Olsen", "Lefèvre", "Öberg", "Raman", "Li", "Okafor", "Adeyemi", "Wiśniewska"]
COMPANIES = ["Acme", "Initech", "Müller GmbH", "Telefónica", "Infosys", "Allegro", "Spotify", "Novo Nordisk"]


def write_export(path: Path, rows: int) -> list[tuple[str, ...]]:
    rng = random.Random(7)
    records = []
    lines = ["Notes:", '"When exporting your connection data, you may notice..."', "",
             "First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    for i in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"p{i}@example.org" if i % 5 == 0 else ""
        record = (first, f"{last}{i}", f"https://www.linkedin.com/in/p-{i}", email, rng.choice(COMPANIES),
                  "Recruiter", "28 Sep 2026")
        records.append(record)
        lines.append(",".join(record))
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8"))
    return records


def _insert(con: sqlite3.Connection, rows: list[tuple[str, ...]]) -> None:
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        values = ", ".join(["(?,?,?,?,?,?,?)"] * len(chunk))
        con.execute(f"insert into c values {values}", [v for r in chunk for v in r])


def baseline(records: list[tuple[str, ...]], folder: Path) -> float:
    con = sqlite3.connect(folder / "baseline.db")
    con.execute("pragma journal_mode=wal")
    con.execute("create table c (first, last, url, email, company, position, connected)")
    start = time.perf_counter()
    with con:
        _insert(con, records)
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


# the floors: the least a whole process can do to read the file and store (or compare) its rows
_FLOOR_IMPORT = """
import csv, sqlite3, sys
con = sqlite3.connect(sys.argv[2], isolation_level=None)
con.execute("pragma journal_mode=wal"); con.execute("pragma synchronous=full")
con.execute("create table if not exists c (first, last, url, email, company, position, connected)")
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = [r for r in csv.reader(f) if len(r) == 7][1:]
con.execute("begin immediate")
for start in range(0, len(rows), 500):
    chunk = rows[start:start + 500]
    con.execute("insert into c values " + ", ".join(["(?,?,?,?,?,?,?)"] * len(chunk)), [v for r in chunk for v in r])
con.execute("commit")
"""
_FLOOR_REIMPORT = """
import csv, sqlite3, sys
con = sqlite3.connect(sys.argv[2])
stored = {url: (name, company) for url, name, company in con.execute("select external_key, name, company from contact")}
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    same = sum(1 for r in csv.reader(f) if len(r) == 7 and r[2] in stored)
"""


def _scale():
    """bench/scale.py, for its process runner (wall, peak memory by wait4, CPU) and environment."""
    spec = importlib.util.spec_from_file_location("bench_scale", _HERE / "scale.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def whole(sizes: list[int], runs: int, code: Path) -> None:
    scale = _scale()
    env = scale._env(code)
    py = sys.executable
    followup = [py, "-m", "screens", "--today", scale.TODAY]
    print(f"code: {code}   {runs} paired runs each, medians; ratio = followup / floor (same run)")
    print(f"{'':32} {'followup':>9} {'floor':>8} {'ratio':>6}  {'cpu':>7} {'floor':>7} {'ratio':>6}"
          f"  {'MiB':>5} {'floor':>5} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        empty = folder / "empty.db"
        scale.run_once([*followup, "--db", str(empty), "agenda"], env)  # creates and migrates it
        for size in sizes:
            export = folder / f"Connections-{size}.csv"
            write_export(export, size)
            imported, floor_db = folder / f"imported-{size}.db", folder / "floor.db"
            fig: dict[str, list[tuple[float, int, float]]] = {"a1": [], "b1": [], "a2": [], "b2": []}
            for _ in range(runs):
                for leftover in [*folder.glob(f"imported-{size}.db*"), *folder.glob("floor.db*")]:
                    leftover.unlink()
                shutil.copyfile(empty, imported)
                fig["a1"].append(scale.run_once([*followup, "--db", str(imported), "import", str(export)], env))
                fig["b1"].append(scale.run_once([py, "-c", _FLOOR_IMPORT, str(export), str(floor_db)], env))
                fig["a2"].append(scale.run_once([*followup, "--db", str(imported), "import", str(export)], env))
                fig["b2"].append(scale.run_once([py, "-c", _FLOOR_REIMPORT, str(export), str(imported)], env))
            for label, a, b in ((f"import {size:,} rows (empty db)", fig["a1"], fig["b1"]),
                                (f"re-import {size:,} (unchanged)", fig["a2"], fig["b2"])):
                wall, cpu = (statistics.median(x[k] / y[k] for x, y in zip(a, b, strict=True)) for k in (0, 2))
                ta, tb, ca, cb = (statistics.median(r[k] for r in runs_) for k in (0, 2) for runs_ in (a, b))
                ma, mb = max(x[1] for x in a) / 1024, max(y[1] for y in b) / 1024
                print(f"{label:32} {ta:8.2f}s {tb:7.2f}s {wall:5.2f}x  {ca:6.2f}s {cb:6.2f}s {cpu:5.2f}x"
                      f"  {ma:5.0f} {mb:5.0f} {ma / mb:5.2f}x", flush=True)
    print("targets at 100,000 rows: import < 5 s and < 150 MiB, re-import < 3 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", nargs="?", type=int, default=10_000, help="rows of the in-process figures")
    parser.add_argument("--whole", action="store_true", help="whole-process figures against their floors")
    parser.add_argument("--sizes", default="10000,100000", help="rows, comma-separated (with --whole)")
    parser.add_argument("--runs", type=int, default=3, help="paired runs each (with --whole)")
    parser.add_argument("--code", default=str(_HERE.parent), help="the checkout to measure (with --whole)")
    args = parser.parse_args()
    if args.whole:
        whole([int(size) for size in args.sizes.split(",")], args.runs, Path(args.code).resolve())
        return
    rows = args.rows
    from planner.io.importers import apply, import_file
    from planner.store.connect import open_database

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        export = folder / "Connections.csv"
        records = write_export(export, rows)
        base = baseline(records, folder)
        open_database(folder / "followup.db")
        planned: list[float] = []
        real_replan = apply.replan

        def timed_replan(ids):
            start = time.perf_counter()
            result = real_replan(ids)
            planned.append(time.perf_counter() - start)
            return result

        apply.replan = timed_replan
        start = time.perf_counter()
        report = import_file(export)
        first = time.perf_counter() - start - sum(planned)
        start = time.perf_counter()
        again = import_file(export)
        second = time.perf_counter() - start
        apply.replan = real_replan
    print(f"rows: {rows}; added {report.added}, then re-import: {again.added} added, {again.unchanged} unchanged")
    print(f"baseline multi-row insert:  {base * 1000:8.1f} ms")
    print(f"import (without plan):      {first * 1000:8.1f} ms  = {first / base:6.1f} x baseline")
    print(f"re-import, all unchanged:   {second * 1000:8.1f} ms  = {second / base:6.1f} x baseline")
    print(f"plan update for new ids:    {sum(planned) * 1000:8.1f} ms  (scheduling, not import)")


if __name__ == "__main__":
    main()
