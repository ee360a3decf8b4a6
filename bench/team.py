"""A desk of five on one PostgreSQL server against the same desk in an SQLite file, in one run.

The server is started as the tests start theirs (tests/pg_server.py: initdb and pg_ctl into a
temporary folder, a Unix socket only; through `runuser -u postgres` when root) and stopped at the
end. The desk: a demo database of N contacts (`followup demo --contacts N --no-ui`), moved onto the
server with `followup migrate-to` under the first of five members, each member a login role of
their own; the contacts are shared out round-robin among the five as owners where the schema has
an owner column.

Latencies, whole-process (`python -m planner ...`, as a person runs a command), PostgreSQL and
SQLite run in turn A B A B ..., each figure the median, the ratio the median of the pairwise ratios:
- full re-plan: `plan --rebalance`
- one logged call: `log ID "..."`
- agenda: `agenda --format json --week next`
- contacts list: `contacts --json`
Then five writers, one per member, each its own process connected as its own role, log calls for
30 s to contacts drawn from one shared set of 50 (so they collide on the same contacts): writes
attempted, landed (and counted again in the database), run again after a serialization failure
or deadlock, failed.

Run: python bench/team.py [--contacts 10000] [--runs 3] [--seconds 30] [--dir DIR]
Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_HERE = Path(__file__).resolve()
ROOT = _HERE.parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE.parent]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import pg_server  # noqa: E402  (tests/pg_server.py: the test session's server, started the same way)

TODAY = "2026-11-25"
MEMBERS = ("Mia", "Jonas", "Aisha", "Lukas", "Priya")

WRITER = """
import datetime as dt, json, random, sys, time
from planner.core import dates
from planner.store import database
from planner.store.connect import open_database
from planner.services.interactions.log import LogRequest, log_interaction
dates.set_today(dt.date.fromisoformat(sys.argv[2]))
open_database(sys.argv[1])
ids = json.loads(sys.argv[3])
until = float(sys.argv[4])
rng = random.Random(sys.argv[1])
attempted = landed = failed = 0
errors = []
while time.time() < until:
    attempted += 1
    try:
        log_interaction(LogRequest(rng.choice(ids), "bench call", outcome=rng.choice(["spoke", "no-answer"])))
        landed += 1
    except Exception as exc:
        failed += 1
        errors.append(str(exc)[:200])
print(json.dumps({"attempted": attempted, "landed": landed, "failed": failed,
                  "retried": database.write_stats.retried, "errors": errors[:3]}))
"""


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT), FOLLOWUP_TODAY=TODAY, NO_COLOR="1")


def run(argv: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "planner", *argv], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env(), cwd=ROOT, text=True)
    took = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"followup {' '.join(argv)}: exit {result.returncode}\n{result.stderr}")
    return took


def output(argv: list[str]) -> str:
    result = subprocess.run([sys.executable, "-m", "planner", *argv], capture_output=True, env=_env(), cwd=ROOT,
                            text=True)
    if result.returncode != 0:
        raise SystemExit(f"followup {' '.join(argv)}: exit {result.returncode}\n{result.stderr}")
    return result.stdout


def paired(server: list[str], file: list[str], runs: int) -> dict[str, float]:
    run(server), run(file)  # warm-up: caches, the plan refreshed for today
    ts, tf, ratios = [], [], []
    for _ in range(runs):
        a, b = run(server), run(file)
        ts.append(a), tf.append(b), ratios.append(a / b)
    return {"pg": statistics.median(ts), "sqlite": statistics.median(tf), "ratio": statistics.median(ratios)}


def set_up_team(cluster: pg_server.Cluster, name: str) -> dict[str, str]:
    """An empty database `name`, five member roles with a member's privileges; their URIs."""
    import psycopg

    admin_url = cluster.url(name)
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "-m", "planner", "--db", admin_url, "config"], env=_env(), cwd=ROOT,
                   capture_output=True, check=True)  # creates the schema
    urls = {}
    with psycopg.connect(admin_url, autocommit=True) as admin:
        for member in MEMBERS:
            role = f"bench_{member.lower()}"
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')
            admin.execute(f'CREATE ROLE "{role}" LOGIN')
            admin.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"')
            admin.execute(f'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
            output(["--db", admin_url, "team", "add", member, "--role", role])
            urls[member] = cluster.url(name, user=role)
    return urls


def share_out_owners(admin_url: str) -> str:
    """Contacts owned round-robin by the five, where the schema has an owner column."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as admin:
        columns = {row[0] for row in admin.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'contact'")}
        if "owner_id" not in columns:
            return "no owner column in this schema: one member's desk"
        admin.execute("UPDATE contact SET owner_id = m.id FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n "
                      "FROM member) m WHERE contact.id % 5 = m.n")
        return "contacts owned round-robin by the five"


def writers(urls: dict[str, str], ids: list[int], seconds: float) -> list[dict]:
    until = time.time() + 3 + seconds
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, TODAY, json.dumps(ids), str(until)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), cwd=ROOT, text=True)
             for url in urls.values()]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=seconds + 300)
        if proc.returncode != 0:
            raise SystemExit(f"writer failed: {err}")
        results.append(json.loads(out))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--dir", type=Path, help="where the SQLite file goes (default: a temporary folder)")
    args = parser.parse_args()

    bin_dir = pg_server.find_bin_dir()
    if bin_dir is None:
        raise SystemExit(pg_server.INSTALL_HINT)
    folder = args.dir or Path(tempfile.mkdtemp(prefix="followup-team-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / f"desk-{args.contacts}.db"
    file.unlink(missing_ok=True)
    cluster = pg_server.Cluster(bin_dir)
    try:
        cluster.start()
        started = time.perf_counter()
        output(["demo", "--contacts", str(args.contacts), "--no-ui", "--db", str(file)])
        print(f"demo file of {args.contacts} contacts: {time.perf_counter() - started:.1f} s")
        urls = set_up_team(cluster, "desk")
        admin_url = cluster.url("desk")
        started = time.perf_counter()
        output(["--db", str(file), "migrate-to", admin_url, "--member", MEMBERS[0]])
        print(f"migrate-to the server: {time.perf_counter() - started:.1f} s; {share_out_owners(admin_url)}")
        server = ["--db", urls[MEMBERS[0]]]
        local = ["--db", str(file)]
        contact = json.loads(output(local + ["contacts", "--json"]))[len(MEMBERS)]["id"]

        print(f"\nlatency, median of {args.runs} (PostgreSQL / SQLite):")
        print(f"{'operation':16} {'PostgreSQL':>11} {'SQLite':>9} {'ratio':>6}")
        for label, argv in (("full re-plan", ["plan", "--rebalance"]),
                            ("one logged call", ["log", str(contact), "bench call"]),
                            ("agenda", ["agenda", "--format", "json", "--week", "next"]),
                            ("contacts list", ["contacts", "--json"])):
            figures = paired(server + argv, local + argv, args.runs)
            print(f"{label:16} {figures['pg']:10.2f}s {figures['sqlite']:8.2f}s {figures['ratio']:6.2f}")

        import psycopg

        with psycopg.connect(admin_url) as conn:
            before = conn.execute("SELECT count(*) FROM interaction").fetchone()[0]
            ids = [row[0] for row in conn.execute("SELECT id FROM contact ORDER BY id LIMIT 50")]
        results = writers(urls, ids, args.seconds)
        with psycopg.connect(admin_url) as conn:
            stored = conn.execute("SELECT count(*) FROM interaction").fetchone()[0] - before
        total = {key: sum(r[key] for r in results) for key in ("attempted", "landed", "retried", "failed")}
        print(f"\n{len(results)} concurrent writers for {args.seconds:.0f} s, one per member, 50 shared contacts:")
        print(f"attempted {total['attempted']}, landed {total['landed']} (in the database: {stored}), "
              f"retried {total['retried']}, failed {total['failed']}; "
              f"{total['landed'] / args.seconds:.1f} calls logged a second")
        for member, result in zip(MEMBERS, results, strict=True):
            print(f"  {member:6} attempted {result['attempted']:5} landed {result['landed']:5} "
                  f"retried {result['retried']:3} failed {result['failed']}" +
                  (f" ({result['errors'][0]})" if result["errors"] else ""))
    finally:
        cluster.stop()
        if args.dir is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
