"""How long importing a 10,000-row LinkedIn export takes, against a baseline measured in the same run.

Baseline: the same rows inserted with plain sqlite3 `executemany` into a bare table in one
transaction, the least any import can cost on this machine. The import does more (parsing,
de-duplication against every stored key, emails, tags, search text, and Peewee building the SQL,
which is most of the write time), so expect a ratio around 100 (about 1.3 s for 10,000 rows here);
a ratio in the thousands means per-row queries crept back in.
Also times a re-import (everything unchanged) and, separately, the plan update the import triggers.

Run: python bench/bench_import.py [ROWS]
"""

from __future__ import annotations

import random
import sqlite3
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


def baseline(records: list[tuple[str, ...]], folder: Path) -> float:
    con = sqlite3.connect(folder / "baseline.db")
    con.execute("pragma journal_mode=wal")
    con.execute("create table c (first, last, url, email, company, position, connected)")
    start = time.perf_counter()
    with con:
        con.executemany("insert into c values (?,?,?,?,?,?,?)", records)
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
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
    print(f"baseline executemany:       {base * 1000:8.1f} ms")
    print(f"import (without plan):      {first * 1000:8.1f} ms  = {first / base:6.1f} x baseline")
    print(f"re-import, all unchanged:   {second * 1000:8.1f} ms  = {second / base:6.1f} x baseline")
    print(f"plan update for new ids:    {sum(planned) * 1000:8.1f} ms  (scheduling, not import)")


if __name__ == "__main__":
    main()
