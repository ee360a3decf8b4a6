"""The full-screen app against a bare Textual app doing the same work, in one run.

On a database of 10,000 contacts and 100,000 interactions (built here, plan included):
- start-up: wall time from process start to the first agenda frame with its rows, followup vs a
  bare Textual `App` (Header, a 50-row `DataTable`, Footer) that does no followup work at all;
- filter keystroke on the contacts screen: per key, from the key press until the filtered table
  is drawn (median and worst over a typed query), followup vs a bare app filtering the same
  10,000 contacts in memory into a `DataTable`;
- peak memory (max RSS) of each process.
Targets (issue 5): start-up within 1.5x the bare app, filter keystroke under 50 ms median, memory
within 2x the bare app. Each measurement runs in a fresh process; figures are printed, not asserted.

Run: python bench/tui.py [--contacts 10000] [--interactions 100000] [--db PATH (reuse)]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and bench/planner.py would shadow the
# planner package: put the repository root there instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

TODAY = dt.date(2026, 11, 25)
QUERY = "maria sch"  # typed one key at a time on the contacts screen
SIZE = (120, 40)


# ----------------------------------------------------------------------------- the database
def build_database(path: Path, contacts: int, interactions: int, seed: int = 11) -> float:
    """Bulk-insert contacts with emails and tags, and interactions over two years; plan everyone."""
    from planner.core import dates
    from planner.core.textsafe import fold
    from planner.io.demo import COMPANIES, FIRST, LAST, TITLES
    from planner.scheduling.service import update_plan
    from planner.store.connect import open_database
    from planner.store.database import write_tx
    from planner.store.models import Contact, ContactEmail, ContactTag, Interaction

    dates.set_today(TODAY)
    open_database(path)
    rng = random.Random(seed)
    cadences = (14, 30, 60, 90, 182, 365)
    tags = ("client", "candidate", "vip", "python", "referrer", "hiring")
    started = time.perf_counter()
    with write_tx():
        for start in range(1, contacts + 1, 500):
            rows, emails, tag_rows = [], [], []
            for cid in range(start, min(start + 500, contacts + 1)):
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                company = rng.choice(COMPANIES)
                title = rng.choice(TITLES["candidate"])
                email = f"c{cid}@{(company or 'mail').lower().replace(' ', '').replace('/', '')}.example"
                chosen = rng.sample(tags, 2)
                rows.append({"id": cid, "name": name, "company": company, "title": title, "kind": "candidate",
                             "cadence_days": rng.choice(cadences), "timezone": "Europe/Berlin",
                             "search_text": fold("\n".join([name, company, title, " ".join(chosen), email]))})
                emails.append({"contact": cid, "address": email, "address_key": email, "position": 0})
                tag_rows += [{"contact": cid, "tag": tag} for tag in chosen]
            Contact.insert_many(rows).execute()
            ContactEmail.insert_many(emails).execute()
            ContactTag.insert_many(tag_rows).execute()
        now = dt.datetime(2026, 11, 24, 17, 0)
        batch = []
        for n in range(interactions):
            batch.append({"contact": rng.randint(1, contacts),
                          "happened_at": now - dt.timedelta(minutes=rng.randint(0, 1_000_000)),
                          "kind": "call", "outcome": rng.choice(("spoke", "spoke", "no-answer")),
                          "summary": f"talked about role {n % 97}"})
            if len(batch) == 1000:
                Interaction.insert_many(batch).execute()
                batch = []
        if batch:
            Interaction.insert_many(batch).execute()
    update_plan(None)
    return time.perf_counter() - started


# ----------------------------------------------------------------------------- child processes
def _report(**figures: object) -> None:
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("RESULT " + " ".join(f"{k}={v}" for k, v in {**figures, "rss_kb": rss_kb}.items()), flush=True)


def _open(db: str) -> None:
    os.umask(0o077)
    from planner.scheduling.flow import quiet_solver

    quiet_solver()
    from planner.core import dates
    from planner.store.connect import open_database

    dates.set_today(TODAY)
    open_database(db)


def child_app_start(db: str) -> None:
    _open(db)
    from screens.agenda import AgendaScreen
    from screens.app import FollowupApp

    shown = AgendaScreen.on_agenda_read

    def _show(self, message) -> None:
        shown(self, message)
        self.call_after_refresh(lambda: (_report(rows=len(self.rows)), self.app.exit()))

    AgendaScreen.on_agenda_read = _show  # type: ignore[method-assign]
    FollowupApp().run(headless=True, size=SIZE)


def child_bare_start(db: str) -> None:
    """The floor: Textual itself (a header, a 50-row table, a footer) doing no followup work at
    all; no database, no agenda. What followup adds on top of it is what start-up costs us."""
    from textual.app import App
    from textual.widgets import DataTable, Footer, Header

    first, last = ("Maria", "Jonas", "Zoë", "Søren", "Aisha"), ("Schmidt", "Nguyen", "García", "Okafor")

    class Bare(App):
        def compose(self):
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Name", "Company", "Reason", "Last contact", "Last summary")
            for n in range(50):
                table.add_row(f"{first[n % len(first)]} {last[n % len(last)]}", "Hooli", "cadence", "3 weeks ago",
                              "Feedback on the shortlist")
            self.call_after_refresh(lambda: (_report(rows=table.row_count), self.exit()))

    Bare().run(headless=True, size=SIZE)


async def _type_query(app, pilot, ready) -> None:
    """Press each key of QUERY; per key, the time from the press to the last frame it caused.

    Frames are timed where Textual hands a finished screen update to the driver (`App._display`),
    so the pilot's own idle polling is not counted. Cursor blink is off so no stray frames."""
    from textual.widgets import Input

    while not ready():
        await app.workers.wait_for_complete()
        await pilot.pause()
    for widget in app.query(Input):
        widget.cursor_blink = False
    await pilot.pause()
    frames: list[float] = []
    display = app._display

    def timed_display(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None:
            frames.append(time.perf_counter())

    app._display = timed_display
    times = []
    for key in QUERY:
        frames.clear()
        started = time.perf_counter()
        await pilot.press("space" if key == " " else key)
        await pilot.pause()
        if frames:
            times.append(frames[-1] - started)
    _report(median_ms=f"{1000 * statistics.median(times):.1f}", worst_ms=f"{1000 * max(times):.1f}",
            keys=len(times))


def child_app_filter(db: str) -> None:
    _open(db)
    from screens.app import FollowupApp

    async def run() -> None:
        app = FollowupApp(mode="contacts")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("slash")
            await _type_query(app, pilot, lambda: bool(getattr(app.screen, "entries", None)))

    asyncio.run(run())


def child_bare_filter(db: str) -> None:
    """The floor for filtering: the same contacts read with plain sqlite3 (no followup code), folded
    once, filtered in memory into a `DataTable` on each keystroke."""
    import sqlite3
    import unicodedata

    from textual import on, work
    from textual.app import App
    from textual.widgets import DataTable, Input

    def fold(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))

    class Bare(App):
        entries: list = []

        def compose(self):
            yield Input()
            yield DataTable()

        def on_mount(self) -> None:
            self.query_one(DataTable).add_columns("Name", "Company", "Tags", "Cadence")
            self.load()

        @work(thread=True)
        def load(self) -> None:
            con = sqlite3.connect(db)
            rows = con.execute("SELECT c.name, c.company, coalesce(group_concat(t.tag, ', '), ''), "
                               "coalesce(c.cadence_days, '') FROM contact c LEFT JOIN contact_tag t "
                               "ON t.contact_id = c.id WHERE c.archived_at IS NULL GROUP BY c.id").fetchall()
            entries = [(fold(" ".join(map(str, row))), row) for row in rows]
            self.call_from_thread(self.loaded, entries)

        def loaded(self, entries: list) -> None:
            self.entries = entries
            self.refilter("")

        @on(Input.Changed)
        def changed(self, event: Input.Changed) -> None:
            self.refilter(event.value)

        def refilter(self, query: str) -> None:
            words = fold(query).split()
            table = self.query_one(DataTable)
            table.clear()
            for text, row in self.entries:
                if all(w in text for w in words):
                    table.add_row(*map(str, row))

    async def run() -> None:
        app = Bare()
        async with app.run_test(size=SIZE) as pilot:
            await _type_query(app, pilot, lambda: bool(app.entries))

    asyncio.run(run())


def child_floor_filter(db: str) -> None:
    """The harness floor: an app with only an Input, timed the same way (no filtering at all)."""
    from textual.app import App
    from textual.widgets import Input

    class Floor(App):
        def compose(self):
            yield Input()

    async def run() -> None:
        app = Floor()
        async with app.run_test(size=SIZE) as pilot:
            await _type_query(app, pilot, lambda: True)

    asyncio.run(run())


CHILDREN = {"floor-filter": child_floor_filter, "app-start": child_app_start, "bare-start": child_bare_start,
            "app-filter": child_app_filter, "bare-filter": child_bare_filter}


def run_child(kind: str, db: Path) -> tuple[float, dict[str, str]]:
    """Wall time from starting the process to its RESULT line, and the figures it reported."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", kind, str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    figures: dict[str, str] = {}
    elapsed = 0.0
    for line in proc.stdout:
        if line.startswith("RESULT "):
            elapsed = time.perf_counter() - started
            figures = dict(part.split("=", 1) for part in line.split()[1:])
    proc.wait(timeout=120)
    if not figures:
        raise SystemExit(f"{kind}: no result\n{proc.stderr.read() if proc.stderr else ''}")
    return elapsed, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--db", help="reuse this database (built there if it does not exist)")
    parser.add_argument("--repeat", type=int, default=3, help="start-up runs per app (best is kept)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        CHILDREN[args.child[0]](args.child[1])
        return
    from planner.scheduling.flow import quiet_solver

    quiet_solver()
    db = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="followup-bench-")) / "tui.db"
    if not db.exists():
        took = build_database(db, args.contacts, args.interactions)
        print(f"database: {args.contacts:,} contacts, {args.interactions:,} interactions, "
              f"planned in {took:.1f} s ({db})")
    from planner.store.database import close_database

    close_database()

    def best_start(kind: str) -> tuple[float, dict[str, str]]:
        runs = [run_child(kind, db) for _ in range(args.repeat)]
        return min(runs, key=lambda r: r[0])

    app_t, app_f = best_start("app-start")
    bare_t, bare_f = best_start("bare-start")
    _, app_k = run_child("app-filter", db)
    _, bare_k = run_child("bare-filter", db)
    _, floor_k = run_child("floor-filter", db)

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}x" if b else "-"

    app_mb, bare_mb = int(app_f["rss_kb"]) / 1024, int(bare_f["rss_kb"]) / 1024
    print(f"\n{'':38}{'followup':>12}{'bare app':>12}{'ratio':>9}  target")
    print(f"{'start-up to first agenda frame (s)':38}{app_t:>12.3f}{bare_t:>12.3f}{ratio(app_t, bare_t):>9}  <= 1.5x"
          f"   ({app_f['rows']} / {bare_f['rows']} rows)")
    am, bm = float(app_k["median_ms"]), float(bare_k["median_ms"])
    aw, bw = float(app_k["worst_ms"]), float(bare_k["worst_ms"])
    print(f"{'filter keystroke, median (ms)':38}{am:>12.1f}{bm:>12.1f}{ratio(am, bm):>9}  < 50 ms")
    print(f"{'filter keystroke, worst (ms)':38}{aw:>12.1f}{bw:>12.1f}{ratio(aw, bw):>9}")
    print(f"{'peak memory at first frame (MiB)':38}{app_mb:>12.1f}{bare_mb:>12.1f}{ratio(app_mb, bare_mb):>9}  <= 2x")
    fk, bk = int(app_k["rss_kb"]) / 1024, int(bare_k["rss_kb"]) / 1024
    print(f"{'peak memory, filtering (MiB)':38}{fk:>12.1f}{bk:>12.1f}{ratio(fk, bk):>9}")
    print(f"{'(keystroke floor: an app with one Input)':38}{float(floor_k['median_ms']):>12.1f} ms median")
    print(f"\nquery typed: {QUERY!r}, {app_k['keys']} keys; start-up best of {args.repeat}")


if __name__ == "__main__":
    main()
