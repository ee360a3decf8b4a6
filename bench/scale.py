"""followup at 10,000 and 100,000 contacts, every figure as a ratio to a floor measured in the same run.

Databases are demo databases (`followup demo --contacts N`, its bulk path), built once into --dir
and reused. Every figure is whole-process and paired: the command under test (A) and its floor (B)
run in turn, A B A B ..., and the ratio is the median of the pairwise ratios, so the machine's
drift between runs does not move it. Memory is each process's own peak (`wait4` rusage, or
/proc's VmHWM for an app still running).

- The app: `python -m screens` under a pseudo-terminal of 80x24, as a person runs it. Start-up is
  the time from the process start to the first frame that shows a contact's name; then 2, 3 and 4
  each open a screen, timed from the key to the frame that shows it loaded (contacts: "sorted by",
  ledger: "everyone", plan: "lower bound"); memory is the app's peak after visiting them all.
  Then, back on Contacts, `/` and a query typed a key at a time: each key is timed from its write
  to the terminal to the frame that shows the filtered count (median and worst).
  Floor: a bare Textual app (Header, a 50-row DataTable of names, Footer) that does no followup
  work at all, run and timed the same way; its `/` mounts a filter box over its 50 rows, which
  it filters in memory into its DataTable and counts, so the keystroke floor is Textual's own
  path from a key to a redrawn table and status line.
- Commands: `followup ...` against a plain `sqlite3` read of the same rows, printed with `print`,
  `json.dumps` or `csv` as the command prints them. `show`, `history` and `log` are compared
  with `python -c "import planner.cli"` (the cost of the interpreter and our imports).
- `followup demo --contacts N --no-ui` is timed once per size (target: 100,000 in under 30 s).

Run: python bench/scale.py [--sizes 10000,100000] [--runs 5] [--dir DIR] [--code CHECKOUT]
`--code` measures another checkout (e.g. the commit before a change) against the same databases.
Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

_HERE = Path(__file__).resolve()
ROOT = _HERE.parent.parent
TODAY = "2026-11-25"
SIZE = (80, 24)
# Every demo name starts with one of these (planner/io/demo.py FIRST); the bare app shows them too.
NAMES = ("Maria", "Jonas", "Aisha", "Lukas", "Mateo", "Priya", "Liam", "Noor", "Ingrid", "Rafael", "Kwame",
         "Dmitri", "Hannah", "Tomasz", "Yuki", "Grace", "Mehmet", "Leila", "Nikolai", "Emma", "Fatima", "Hiroshi")
NAME_RE = re.compile(("|".join(NAMES)).encode())
# Contacts counts as shown once names are listed with their number ("the first 100 of 100,000
# shown", or "100,000 of 100,000 contacts"), not at "Loading contacts… · will show sorted by";
# "contacts (all in)" is when everyone is loaded and the filter works on them.
SCREENS = (("contacts", b"2", re.compile(rb" of [\d,]+ (shown|contacts)")), ("ledger", b"3", re.compile(rb"everyone")),
           ("plan", b"4", re.compile(rb"lower bound")))
ALL_IN = {"contacts": re.compile(rb"[\d,]+ of [\d,]+ contacts \xc2\xb7 sorted by")}
# Typed into Contacts' filter, a key at a time; each key is timed to the frame with the new count.
QUERY = "maria sch"
FILTERED = re.compile(rb"[\d,]+ of [\d,]+ contacts")


# ----------------------------------------------------------------------------- the bare app
def bare_app() -> None:
    """The floor for the app: Textual itself, a header, 50 rows of names, a footer; nothing else."""
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header, Input, Static

    ROWS = [(f"{NAMES[n % len(NAMES)]} Row{n}", "Hooli", "cadence", "3 weeks ago") for n in range(50)]

    class Bare(App):
        BINDINGS = [("2", "show('50 of 50 contacts · sorted by')", "Contacts"), ("3", "show('everyone')", "Ledger"),
                    ("4", "show('lower bound')", "Plan"), ("slash", "find", "Filter")]

        def compose(self):
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Name", "Company", "Reason", "Last contact")
            for row in ROWS:
                table.add_row(*row)

        def action_show(self, marker: str) -> None:
            self.sub_title = marker  # what the app's screens show once loaded, drawn in the header

        def action_find(self) -> None:
            """`/`: a filter box over the 50 rows, mounted only now (start-up stays the floor's)."""
            if not self.query(Input):
                self.mount(Input(), Static(id="status"), before=self.query_one(DataTable))
            self.query_one(Input).focus()

        def on_input_changed(self, event: Input.Changed) -> None:
            words = event.value.casefold().split()
            table = self.query_one(DataTable)
            table.clear()
            for row in ROWS:
                if all(word in row[0].casefold() for word in words):
                    table.add_row(*row)
            self.query_one("#status", Static).update(f"{table.row_count} of {len(ROWS)} contacts · sorted by")

    Bare().run()


# ----------------------------------------------------------------------------- processes
def _env(code: Path) -> dict[str, str]:
    """The children's environment; they also run in `code`, since `python -m` puts the working
    folder ahead of PYTHONPATH. Byte-code is written and used as an installed followup does: with
    PYTHONDONTWRITEBYTECODE set, every followup run would compile its sources again (about 0.5 s)
    while the floors compile nothing."""
    env = dict(os.environ, PYTHONPATH=str(code), TERM="xterm-256color", NO_COLOR="1", FOLLOWUP_TODAY=TODAY)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """Wall seconds from start to exit, the process's peak memory (KiB) and its CPU seconds (user
    and system: steadier than wall time on a shared machine); output discarded."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env, cwd=env["PYTHONPATH"])
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else b""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)}: exit {proc.returncode}\n{err.decode(errors='replace')}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def _drain(fd: int, until: re.Pattern[bytes], seconds: float) -> bool:
    return _drain_seen(fd, until, seconds)[0]


def _drain_seen(fd: int, until: re.Pattern[bytes], seconds: float) -> tuple[bool, bytes]:
    """Whether `until` was drawn within `seconds`, and everything drawn until then."""
    seen = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.02)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                return False, seen
            if until.search(seen):
                return True, seen
    return False, seen


def _peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def app_session(argv: list[str], env: dict[str, str], timeout: float = 120) -> dict[str, float]:
    """Start-up to the first frame with a name, each screen's first visit, then peak memory."""
    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=child_fd, stdout=child_fd, stderr=child_fd, env=env, start_new_session=True,
                            cwd=env["PYTHONPATH"])
    os.close(child_fd)
    figures: dict[str, float] = {}
    try:
        if not _drain(main_fd, NAME_RE, timeout):
            raise SystemExit(f"{' '.join(argv)}: no name on screen after {timeout:.0f} s")
        figures["start"] = time.perf_counter() - started
        figures["mem_start"] = _peak_kib(proc.pid)
        _drain(main_fd, re.compile(rb"\A\Z"), 0.3)  # let the first frames settle, as a person would
        for name, key, marker in SCREENS:
            pressed = time.perf_counter()
            os.write(main_fd, key)
            shown, seen = _drain_seen(main_fd, marker, timeout)
            if not shown:
                raise SystemExit(f"{' '.join(argv)}: {name} did not show {marker.pattern!r}")
            figures[name] = time.perf_counter() - pressed
            if name in ALL_IN:
                if not ALL_IN[name].search(seen) and not _drain(main_fd, ALL_IN[name], timeout):
                    raise SystemExit(f"{' '.join(argv)}: {name} did not finish loading")
                figures[f"{name}_all"] = time.perf_counter() - pressed
            _drain(main_fd, re.compile(rb"\A\Z"), 0.3)
        figures["mem"] = _peak_kib(proc.pid)
        figures.update(_filter_keys(main_fd, argv, timeout))
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            while proc.poll() is None and time.monotonic() < deadline:
                _drain(main_fd, re.compile(rb"\A\Z"), 0.1)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        os.close(main_fd)
    return figures


def _filter_keys(fd: int, argv: list[str], timeout: float) -> dict[str, float]:
    """Back on Contacts (everyone in), `/` then QUERY one key at a time: per key, the time from
    writing it to the terminal until a frame shows the filtered count ("N of M contacts")."""
    os.write(fd, b"2")
    if not _drain(fd, ALL_IN["contacts"], timeout):
        raise SystemExit(f"{' '.join(argv)}: contacts not shown again")
    _drain(fd, re.compile(rb"\A\Z"), 0.3)
    os.write(fd, b"/")
    _drain(fd, re.compile(rb"\A\Z"), 0.3)
    times = []
    for key in QUERY:
        pressed = time.perf_counter()
        os.write(fd, key.encode())
        if not _drain(fd, FILTERED, timeout):
            raise SystemExit(f"{' '.join(argv)}: no filtered count after typing {key!r}")
        times.append(time.perf_counter() - pressed)
        _drain(fd, re.compile(rb"\A\Z"), 0.15)  # a person types a few keys a second
    return {"key_median": statistics.median(times), "key_worst": max(times)}


# ----------------------------------------------------------------------------- the floors
_CONTACT_ROWS = """
SELECT c.id, c.name, c.company,
  (SELECT group_concat(tag, ', ') FROM contact_tag t WHERE t.contact_id = c.id),
  c.cadence_days,
  (SELECT max(happened_at) FROM interaction i WHERE i.contact_id = c.id AND i.outcome = 'spoke' AND i.kind != 'note'),
  (SELECT min(date) FROM planned_call p WHERE p.contact_id = c.id AND p.reason != 'thank-you'),
  (SELECT coalesce(sum(CASE direction WHEN 'gave' THEN weight ELSE -weight END), 0) FROM favor f
   WHERE f.contact_id = c.id)
FROM contact c WHERE c.archived_at IS NULL {where} ORDER BY c.name
"""
_EXPORT_ROWS = """
SELECT c.name, c.company, c.title,
  (SELECT group_concat(address, '; ') FROM contact_email e WHERE e.contact_id = c.id),
  (SELECT group_concat(number, '; ') FROM contact_phone p WHERE p.contact_id = c.id),
  (SELECT group_concat(tag, '; ') FROM contact_tag t WHERE t.contact_id = c.id),
  c.kind, c.cadence_days, c.timezone, c.notes, c.source, c.external_key
FROM contact c ORDER BY c.name COLLATE NOCASE, c.id
"""
# What `followup agenda` reads (this week, today 2026-11-25): the week's calls, the overdue ones and
# every thank-you, each with its contact's first phone and email, the last conversation (else the last
# attempt) with what was said, and the contact's favours.
_AGENDA_ROWS = """
SELECT p.date, p.reason, c.name, c.company, c.title, c.timezone, p.seq, p.note,
  (SELECT number FROM contact_phone x WHERE x.contact_id = c.id ORDER BY position, id LIMIT 1),
  (SELECT address FROM contact_email x WHERE x.contact_id = c.id ORDER BY position, id LIMIT 1),
  (SELECT i.happened_at || ' ' || i.kind || ' ' || i.outcome || ' ' || i.summary FROM interaction i
   WHERE i.contact_id = c.id AND i.kind != 'note' ORDER BY i.outcome = 'spoke' DESC, i.happened_at DESC LIMIT 1),
  (SELECT group_concat(f.direction || ' ' || f.kind || ' ' || f.date || ' ' || f.note, '; ') FROM favor f
   WHERE f.contact_id = c.id)
FROM planned_call p JOIN contact c ON c.id = p.contact_id
WHERE c.archived_at IS NULL
  AND (p.date <= '2026-11-29' AND (p.date >= '2026-11-23' OR p.date < '2026-11-25') OR p.reason = 'thank-you')
ORDER BY p.date, c.name
"""
_PLAN_ROWS = "SELECT p.*, c.name FROM planned_call p JOIN contact c ON c.id = p.contact_id ORDER BY p.date, p.seq"


def _floor(sql: str, how: str) -> str:
    """A python -c program: run `sql` with plain sqlite3 and print each row `how`."""
    out = {"print": "w('  '.join(map(str, r)) + '\\n')",
           "json": "w(json.dumps(dict(zip(cols, r)), ensure_ascii=False, separators=(',', ':')) + ',\\n')",
           "csv": "cw.writerow(r)"}[how]
    return ("import sqlite3, sys, json, csv\n"
            f"con = sqlite3.connect(sys.argv[1]); cur = con.execute({sql!r})\n"
            "cols = [d[0] for d in cur.description]; w = sys.stdout.write; cw = csv.writer(sys.stdout)\n"
            f"for r in cur:\n    {out}\n")


def commands(db: Path, scratch: Path) -> list[tuple[str, list[str], list[str], str]]:
    """(label, followup args, floor argv, database) for every command row. The database: "demo"
    as built; "scratch", a copy where contact 42 is named Bench Person (a name only one contact
    has) and has a favour received to thank; "copy", a fresh copy of the scratch for every run
    of a command that writes, so each run does the same work."""
    py = sys.executable
    contacts = _CONTACT_ROWS.format(where="")
    search = _CONTACT_ROWS.format(where="AND c.search_text LIKE '%maria%'")
    imports = [py, "-c", "import planner.cli"]
    rows: list[tuple[str, list[str], list[str], str]] = [
        ("contacts", ["contacts"], [py, "-c", _floor(contacts, "print"), str(db)], "demo"),
        ("contacts --json", ["contacts", "--json"], [py, "-c", _floor(contacts, "json"), str(db)], "demo"),
        ("contacts --search maria", ["contacts", "--search", "maria"], [py, "-c", _floor(search, "print"), str(db)],
         "demo"),
        ("export-contacts --format csv", ["export-contacts", "--format", "csv"],
         [py, "-c", _floor(_EXPORT_ROWS, "csv"), str(db)], "demo"),
        ("export-contacts --format json", ["export-contacts", "--format", "json"],
         [py, "-c", _floor(_EXPORT_ROWS, "json"), str(db)], "demo"),
        ("export-contacts --format vcard", ["export-contacts", "--format", "vcard"],
         [py, "-c", _floor(_EXPORT_ROWS, "print"), str(db)], "demo"),
        ("agenda", ["agenda"], [py, "-c", _floor(_AGENDA_ROWS, "print"), str(db)], "demo"),
        ("agenda --format json", ["agenda", "--format", "json"], [py, "-c", _floor(_AGENDA_ROWS, "json"), str(db)],
         "demo"),
        ("agenda --format ics", ["agenda", "--format", "ics"], [py, "-c", _floor(_AGENDA_ROWS, "print"), str(db)],
         "demo"),
        ("agenda --format md", ["agenda", "--format", "md"], [py, "-c", _floor(_AGENDA_ROWS, "print"), str(db)],
         "demo"),
        ("agenda --format csv", ["agenda", "--format", "csv"], [py, "-c", _floor(_AGENDA_ROWS, "csv"), str(db)],
         "demo"),
        ("plan --json (full re-plan)", ["plan", "--json"], [py, "-c", _floor(_PLAN_ROWS, "json"), str(db)], "demo"),
        ("show 42", ["show", "42"], imports, "demo"),
        ("show NAME (by name)", ["show", "Bench Person"], imports, "scratch"),
        ("history 42", ["history", "42"], imports, "demo"),
        ("log 42 (a note)", ["log", "42", "bench note", "--kind", "note"], imports, "copy"),
        ("log NAME (a note, by name)", ["log", "Bench Person", "bench note", "--kind", "note"], imports, "copy"),
        ("favor NAME --got (by name)", ["favor", "Bench Person", "--got", "advice", "bench favour"], imports, "copy"),
        ("thank NAME (by name)", ["thank", "Bench Person"], imports, "copy"),
        ("snooze NAME --by 3d (by name)", ["snooze", "Bench Person", "--by", "3d"], imports, "copy"),
    ]
    return rows


def paired(a: list[str], b: list[str], env: dict[str, str], runs: int, warmup: int = 1,
           before=lambda: None) -> dict[str, float]:
    """A and B in turn, `runs` times each after `warmup` uncounted runs of each; `before()` runs
    untimed ahead of every run of A."""
    for _ in range(warmup):
        before()
        run_once(a, env), run_once(b, env)
    ta, tb, ma, mb, ca, cb, ratios = [], [], [], [], [], [], []
    for _ in range(runs):
        before()
        sa, pa, ua = run_once(a, env)
        sb, pb, ub = run_once(b, env)
        ta.append(sa), tb.append(sb), ma.append(pa), mb.append(pb), ca.append(ua), cb.append(ub)
        ratios.append(sa / sb)
    return {"a": statistics.median(ta), "b": statistics.median(tb), "ratio": statistics.median(ratios),
            "mem_a": max(ma) / 1024, "mem_b": max(mb) / 1024, "cpu_a": statistics.median(ca),
            "cpu_b": statistics.median(cb)}


# ----------------------------------------------------------------------------- main
def build(size: int, folder: Path, code: Path) -> tuple[Path, float | None]:
    db = folder / f"demo-{size}.db"
    if db.exists():
        return db, None
    argv = [sys.executable, "-m", "screens", "demo", "--contacts", str(size), "--no-ui", "--db", str(db)]
    took, _, _ = run_once(argv, _env(code))
    return db, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="contacts per database, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="paired runs per command (medians are printed)")
    # Start-up's pairwise ratio spreads widely on a shared machine (1.1x to 1.9x on one 10k run):
    # its median wants a couple of dozen pairs.
    parser.add_argument("--app-runs", type=int, default=25, help="app sessions each, followup and bare")
    parser.add_argument("--dir", help="where the databases are built and kept (default: a temporary folder)")
    parser.add_argument("--code", default=str(ROOT), help="the checkout to measure (default: this one)")
    parser.add_argument("--demo", action="store_true", help="also time `followup demo` into a fresh file")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted runs of each command first")
    parser.add_argument("--only", help="only rows whose label contains one of these (comma-separated; 'app')")
    parser.add_argument("--bare-app", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_app:
        bare_app()
        return
    code = Path(args.code).resolve()
    folder = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="followup-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = _env(code)
    print(f"code: {code}   databases: {folder}   {args.runs} paired runs a command, medians; ratio = A / floor",
          flush=True)
    for size in (int(s) for s in args.sizes.split(",")):
        db, built = build(size, folder, code)
        print(f"\n== {size:,} contacts" + (f" (demo database built in {built:.1f} s)" if built else ""))
        if args.demo:
            fresh = folder / f"fresh-{size}.db"
            for leftover in folder.glob(f"fresh-{size}.db*"):
                leftover.unlink()
            took, peak, cpu = run_once([sys.executable, "-m", "screens", "demo", "--contacts", str(size), "--no-ui",
                                        "--db", str(fresh)], env)
            print(f"{'followup demo --contacts N --no-ui':40} {took:8.2f}s wall, {cpu:.2f}s cpu, {peak / 1024:.0f} MiB"
                  "   (target < 30 s)")
        wanted = args.only.split(",") if args.only else None
        if not wanted or "app" in wanted:
            _app_rows(db, env, args.app_runs)
        scratch, copy = folder / f"scratch-{size}.db", folder / f"copy-{size}.db"
        shutil.copyfile(db, scratch)
        with sqlite3.connect(scratch) as con:  # a name to find that only one contact has, renamed as
            # followup renames (its folded search text begins with the folded name)
            con.execute("UPDATE contact SET name = 'Bench Person', search_text = 'bench person' || "
                        "substr(search_text, instr(search_text, char(10))) WHERE id = 42")
        con.close()
        run_once([sys.executable, "-m", "screens", "--db", str(scratch), "--today", TODAY, "favor", "42", "--got",
                  "advice", "for thank to thank"], env)  # also brings the scratch's schema up to date

        def fresh_copy(scratch: Path = scratch, copy: Path = copy) -> None:
            for leftover in copy.parent.glob(copy.name + "*"):
                leftover.unlink()
            with sqlite3.connect(scratch) as source, sqlite3.connect(copy) as target:
                source.backup(target)
            source.close(), target.close()

        print(f"{'command':40} {'followup':>9} {'floor':>9} {'ratio':>7}  {'MiB':>6} {'floor MiB':>9}"
              f"  {'cpu':>8} {'floor cpu':>9} {'ratio':>7}")
        for label, cmd, floor, where in commands(db, scratch):
            if wanted and not any(w in label for w in wanted):
                continue
            target = {"demo": db, "scratch": scratch, "copy": copy}[where]
            figures = paired([sys.executable, "-m", "screens", "--db", str(target), "--today", TODAY, *cmd], floor,
                             env, args.runs, args.warmup, fresh_copy if where == "copy" else lambda: None)
            print(f"{label:40} {figures['a']:8.3f}s {figures['b']:8.3f}s {figures['ratio']:6.2f}x"
                  f"  {figures['mem_a']:6.0f} {figures['mem_b']:9.0f}"
                  f"  {figures['cpu_a']:7.3f}s {figures['cpu_b']:8.3f}s {figures['cpu_a'] / figures['cpu_b']:6.2f}x",
                  flush=True)
        for leftover in (*folder.glob(f"scratch-{size}.*"), *folder.glob(f"copy-{size}.*")):
            leftover.unlink()


def _app_rows(db: Path, env: dict[str, str], runs: int) -> None:
    app = [sys.executable, "-m", "screens", "--db", str(db), "--today", TODAY]
    bare = [sys.executable, str(_HERE), "--bare-app"]
    a_runs, b_runs = [], []
    for _ in range(runs):
        a_runs.append(app_session(app, env))
        b_runs.append(app_session(bare, env))

    def med(runs_: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs_)

    print(f"{'app (pty 80x24)':40} {'followup':>9} {'bare app':>9} {'ratio':>7}")
    for key, label in (("start", "start-up to first frame with names"), ("contacts", "first visit: Contacts (2)"),
                       ("contacts_all", "  Contacts: everyone in, filter ready"),
                       ("ledger", "first visit: Ledger (3)"), ("plan", "first visit: Plan (4)")):
        if key not in b_runs[0]:  # the bare app has nothing more to load
            print(f"{label:40} {med(a_runs, key):8.3f}s")
            continue
        ratios = [a[key] / b[key] for a, b in zip(a_runs, b_runs, strict=True)]
        spread = ""
        if key == "start" and len(ratios) >= 4:  # the middle half of the pairs, for how much to trust it
            low, _, high = statistics.quantiles(ratios, n=4)
            spread = f"  (middle half {low:.2f}-{high:.2f}x of {len(ratios)} pairs)"
        print(f"{label:40} {med(a_runs, key):8.3f}s {med(b_runs, key):8.3f}s {statistics.median(ratios):6.2f}x{spread}")
    for key, label in (("key_median", f"filter keystroke {QUERY!r}, median"),
                       ("key_worst", "  filter keystroke, worst")):
        ratio = statistics.median(a[key] / b[key] for a, b in zip(a_runs, b_runs, strict=True))
        print(f"{label:40} {1000 * med(a_runs, key):7.1f}ms {1000 * med(b_runs, key):7.1f}ms {ratio:6.2f}x")
    for key, label in (("mem_start", "memory at first frame (MiB)"), ("mem", "memory after every screen (MiB)")):
        a, b = med(a_runs, key) / 1024, med(b_runs, key) / 1024
        print(f"{label:40} {a:9.0f} {b:9.0f} {a / b:6.2f}x")


if __name__ == "__main__":
    main()
