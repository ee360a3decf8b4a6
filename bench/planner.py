"""Benchmark: followup's planner against three baselines, in one run, on synthetic contact sets.

    python bench/planner.py [--sizes 1000,10000,100000] [--edits 100] [--no-service]

Baselines (written here): naive (each call on its ideal day, or the next working day; a new
contact's ideal is today), greedy (least-loaded day of the window, nearest ideal on ties) and an
Anki-style load balancer (a day of the window drawn with weight (load+1)^-2.15, fixed seed).
For each: peak / LB, standard deviation of daily load, sum of squares / its minimum, mean and max
shift from ideal, churn (share of other calls moved) over single edits, run time and peak Python
memory (tracemalloc; HiGHS's own C++ memory is not counted). Then the service on a real SQLite
file: a full re-plan and one incremental edit at 10k contacts. Targets: peak / LB = 1.00, full
re-plan < 0.5 s at 10k and < 5 s at 100k, one edit < 100 ms at 10k, churn < 1%.

`--file DB` (a demo database, e.g. 100,000 contacts; it is copied, never written) measures the
service on it as a person uses it: the full re-plan (CPU and wall, median of runs; target < 2 s at
100k), every kind of single edit through its own service (log a call, a favour received, thank,
snooze, pin, archive; --file-edits of each on random contacts, one after another in one process
as the app makes them, its checkpoints after the commits: median and worst, target worst
< 100 ms at 100k, against the floor of one bare write transaction on the same file), the next
day's first plan (the stored plan a day old: what the first command of a morning waits for), and
`followup plan --json` as a whole process (time and peak memory) paired with its floor, a plain
`sqlite3` read of the same rows printed with `json.dumps` (bench/scale.py's; target <= 3x).
On a shared machine, read the CPU figures: wall time there is mostly waiting for a core.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from peewee import fn as sql_fn

from bench.synthetic import CADENCES, synthetic_contacts
from planner.core.workdays import WorkCalendar
from planner.scheduling.engine import DayIndex, PlanRow, all_demands, plan_contacts
from planner.scheduling.flow import Group, solve
from planner.scheduling.incremental import place_incremental
from planner.scheduling.lower_bound import lower_bound
from planner.scheduling.reroute import CallsInMemory
from planner.scheduling.windows import ContactPlanInput, Demand, PlanSettings

TODAY = dt.date(2026, 11, 25)


def naive(demands: list[Demand], cal: WorkCalendar) -> list[tuple[Demand, dt.date]]:
    return [(d, cal.next_working_day(TODAY if d.reason == "new" else max(d.ideal, TODAY))) for d in demands]


def greedy(demands: list[Demand], cal: WorkCalendar) -> list[tuple[Demand, dt.date]]:
    loads: Counter = Counter()
    out = []
    for d in demands:
        days = cal.working_days(d.window_start, d.window_end)
        day = min(days, key=lambda x: (loads[x], abs((x - d.ideal).days), x))
        loads[day] += 1
        out.append((d, day))
    return out


def anki(demands: list[Demand], cal: WorkCalendar, seed: int = 42) -> list[tuple[Demand, dt.date]]:
    rng = random.Random(seed)
    loads: Counter = Counter()
    out = []
    for d in demands:
        days = cal.working_days(d.window_start, d.window_end)
        day = rng.choices(days, weights=[(loads[x] + 1) ** -2.15 for x in days])[0]
        loads[day] += 1
        out.append((d, day))
    return out


def followup(infos, pinned, cal, ps) -> list[tuple[Demand, dt.date]]:
    rows = plan_contacts(infos, pinned, cal, ps)
    by_key = {(d.contact_id, d.seq): d for d in all_demands(infos, cal, ps)}
    out = []
    for r in rows:
        d = by_key.get((r.contact_id, r.seq)) or Demand(r.contact_id, r.seq, r.ideal, r.window_start,
                                                        r.window_end, r.reason, 1)
        out.append((d, r.date))
    return out


def figures(placed, pinned, cal, horizon_end, bound) -> dict:
    loads = Counter(day for _, day in placed) + Counter(p.date for p in pinned)
    days = cal.working_days(TODAY, max(loads))
    series = [loads.get(day, 0) for day in days]
    horizon = [loads.get(day, 0) for day in days if day <= horizon_end]
    shifts = [abs((day - d.ideal).days) for d, day in placed if d.reason != "new"]
    return {
        "peak/LB": max(series) / bound,
        "std": statistics.pstdev(horizon),
        "sq": sum(x * x for x in series),
        "mean shift": statistics.fmean(shifts) if shifts else 0.0,
        "max shift": max(shifts, default=0),
    }


def minimum_sum_of_squares(demands: list[Demand], pinned: list[PlanRow], cal: WorkCalendar) -> int:
    """The flattest plan the windows allow (one LP without closeness or stability terms)."""
    last = max(max(d.window_end for d in demands), max((p.date for p in pinned), default=TODAY))
    index = DayIndex(cal, TODAY, last)
    keyed: Counter = Counter()
    for d in demands:
        keyed[(0, 0) if d.frozen else index.span(d.window_start, d.window_end)] += 1
    fixed = [0] * len(index)
    for p in pinned:
        if p.date in index.index:
            fixed[index.index[p.date]] += 1
    groups = [Group(lo, hi, n, [0.0] * (hi - lo + 1)) for (lo, hi), n in keyed.items()]
    cap = lower_bound([(lo, hi, n) for (lo, hi), n in keyed.items()] + [(i, i, f) for i, f in enumerate(fixed) if f],
                      len(index)).peak
    result = solve(groups, fixed, cap, stability="none")
    loads = list(fixed)
    for placed in result.placed:
        for day, n in placed.items():
            loads[day] += n
    return sum(x * x for x in loads)


def churn(infos, pinned, cal, ps, edits: int, seed: int = 3) -> dict:
    """Apply single edits the way the service does (incremental, moving a chain of others only
    when the peak would rise, else a strong-stability full re-plan); a third of them aim the
    edited contact's next call at the busiest day, where room is scarce. Returns the mean share of
    other calls moved, seconds per edit (mean, max), and how many edits moved others, raised the
    peak or needed the full re-plan."""
    rng = random.Random(seed)
    infos = list(infos)
    rows = plan_contacts(infos, pinned, cal, ps)
    shares, times = [], []
    counts = Counter()
    next_id = max(i.contact_id for i in infos) + 1
    for _ in range(edits):
        pos = rng.randrange(len(infos))
        info = infos[pos]
        kind = rng.choice(["logged", "cadence", "archive", "add", "snooze"])
        if len(times) % 3 == 2:  # every third edit aims its next call at the busiest day
            first, last = TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=14)
            soon = Counter(r.date for r in rows if first <= r.date <= last)
            busiest = max(soon.items(), key=lambda item: (item[1], item[0]))[0]
            cadence = 14
            info = replace(info, cadence=cadence, last_contact=busiest - dt.timedelta(days=cadence), pinned_next=(),
                           today_row=None, new_anchor=None)
        elif kind == "logged":
            info = replace(info, last_contact=TODAY, pinned_next=(), today_row=None, new_anchor=None)
        elif kind == "cadence":
            info = replace(info, cadence=rng.choice(CADENCES))
        elif kind == "archive":
            info = replace(info, active=False)
        elif kind == "add":
            info = ContactPlanInput(next_id, rng.choice(CADENCES), True, None)
            next_id += 1
            pos = len(infos)
            infos.append(info)
        else:
            day = cal.next_working_day(TODAY + dt.timedelta(days=rng.randint(1, 30)))
            info = replace(info, pinned_next=(day,))
            pinned = [p for p in pinned if p.contact_id != info.contact_id]
            pinned.append(PlanRow(info.contact_id, day, day, day, day, "pinned", True, 0))
        infos[pos] = info
        others = [r for r in rows if r.contact_id != info.contact_id]
        loads = Counter(r.date for r in others) + Counter(p.date for p in pinned)
        stored = CallsInMemory(others + pinned)  # indexed by day, as SQLite has the stored plan
        stored.reach(None, ())
        start = time.perf_counter()
        placed = place_incremental([info], loads, cal, ps, stored)
        if placed is not None:
            moved_to = {(r.contact_id, r.seq): r for r in placed.moves}
            new_rows = [moved_to.get((r.contact_id, r.seq), r) for r in others] + placed.rows
            moved = len(placed.moves)
            counts["moved others"] += bool(moved)
            counts["peak rose"] += placed.peak_rose
        else:
            counts["full re-plan"] += 1
            prev = {(r.contact_id, r.seq): r.date for r in rows}
            new_rows = plan_contacts(infos, pinned, cal, ps, prev, stability="strong")
            after = {(r.contact_id, r.seq): r.date for r in new_rows}
            moved = sum(1 for r in others if after.get((r.contact_id, r.seq), r.date) != r.date)
        times.append(time.perf_counter() - start)
        shares.append(moved / max(1, len(others)))
        rows = new_rows
    return {"share": statistics.fmean(shares), "mean": statistics.fmean(times), "max": max(times),
            "moved others": counts["moved others"], "peak rose": counts["peak rose"],
            "full": counts["full re-plan"]}


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak


def run_size(n: int, edits: int) -> None:
    cal = WorkCalendar()
    ps = PlanSettings(TODAY)
    infos, pinned = synthetic_contacts(n, TODAY)
    demands = all_demands(infos, cal, ps)
    last = max(d.window_end for d in demands)
    index = DayIndex(cal, TODAY, last)
    windows = [((0, 0) if d.frozen else index.span(d.window_start, d.window_end)) + (1,) for d in demands]
    windows += [(index.index[p.date], index.index[p.date], 1) for p in pinned]
    bound = lower_bound(windows, len(index)).peak
    min_sq = minimum_sum_of_squares(demands, pinned, cal)
    print(f"\n== {n:,} contacts, {len(demands) + len(pinned):,} calls, lower bound {bound} a day ==")
    print(f"{'method':<10}{'peak/LB':>8}{'std':>8}{'sq/min':>9}{'shift':>7}{'max':>5}{'churn':>8}"
          f"{'time s':>9}{'mem MB':>8}")
    results = {}
    for name, fn, args in (
        ("naive", naive, (demands, cal)),
        ("greedy", greedy, (demands, cal)),
        ("anki", anki, (demands, cal)),
        ("followup", followup, (infos, pinned, cal, ps)),
    ):
        placed, seconds, memory = timed(fn, *args)
        results[name] = (figures(placed, pinned, cal, ps.horizon_end, bound), seconds, memory)
    edit = churn(infos, pinned, cal, ps, edits)
    share = edit["share"]
    min_sq = min([min_sq] + [fig["sq"] for fig, _, _ in results.values()])
    for name, (fig, seconds, memory) in results.items():
        churn_share = f"{100 * share:.2f}%" if name == "followup" else "0.00%*"
        print(f"{name:<10}{fig['peak/LB']:>8.2f}{fig['std']:>8.2f}{fig['sq'] / min_sq:>9.3f}{fig['mean shift']:>7.1f}"
              f"{fig['max shift']:>5}{churn_share:>8}{seconds:>9.3f}{memory / 2**20:>8.1f}")
    print("  (* baselines place only the edited contact, so they never move others - nor keep the peak)")
    print(f"  followup: {edits} single edits: {edit['moved others']} moved a chain of others to hold the peak, "
          f"{edit['peak rose']} raised it (no plan could hold it), {edit['full']} needed the full re-plan; "
          f"{1000 * edit['mean']:.1f} ms mean, {1000 * edit['max']:.1f} ms worst per edit (engine only)")
    fu = results["followup"][1]
    print(f"  followup full re-plan {fu:.3f} s; against baselines: naive x{fu / results['naive'][1]:.1f}, "
          f"greedy x{fu / results['greedy'][1]:.1f}, anki x{fu / results['anki'][1]:.1f} the time")


def run_service(n: int, edits: int = 60) -> None:
    """The real path: SQLite file, one transaction per write, then the re-plan of that contact,
    as the contacts and interactions services do it. Edits: a cadence change, a logged call, a
    new contact, an archive; a third of them aimed at a day already at the peak."""
    from planner.core import dates
    from planner.scheduling import plan_views, service
    from planner.scheduling.stored_plan import raw_rows
    from planner.store.connect import open_database
    from planner.store.database import write_tx
    from planner.store.models import Contact, Interaction, PlannedCall

    dates.set_today(TODAY)
    folder = tempfile.mkdtemp()
    open_database(Path(folder) / "bench.db")
    infos, _ = synthetic_contacts(n, TODAY)
    with write_tx():
        for start in range(0, n, 500):
            chunk = infos[start : start + 500]
            Contact.insert_many([{"id": i.contact_id, "name": f"Contact {i.contact_id}", "cadence_days": i.cadence}
                                 for i in chunk]).execute()
            Interaction.insert_many([{"contact": i.contact_id, "outcome": "spoke",
                                      "happened_at": dt.datetime.combine(i.last_contact, dt.time(12))}
                                     for i in chunk if i.last_contact]).execute()
    start = time.perf_counter()
    service.update_plan(None)
    first = time.perf_counter() - start
    agains = []
    for _ in range(3):
        start = time.perf_counter()
        service.update_plan(None)
        agains.append(time.perf_counter() - start)
    peak = plan_views.plan_summary().stats.peak
    rng = random.Random(5)
    times, counts = [], Counter()
    placed = {(r[1], r[8]): r[2] for r in raw_rows() if not r[7]}
    for number in range(edits):
        cid = rng.randint(1, n)
        kind = rng.choice(["cadence", "logged", "add", "archive"])
        start = time.perf_counter()
        with write_tx():
            if number % 3 == 0:  # aim the next call at a full day: last reached a cadence before it
                busiest = (PlannedCall.select(PlannedCall.date)
                           .where(PlannedCall.date.between(TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=14)))
                           .group_by(PlannedCall.date).order_by(sql_fn.COUNT(PlannedCall.id).desc()).scalar())
                cadence = 14
                Contact.update(cadence_days=cadence).where(Contact.id == cid).execute()
                Interaction.create(contact=cid, outcome="spoke",
                                   happened_at=dt.datetime.combine(busiest - dt.timedelta(days=cadence), dt.time(12)))
            elif kind == "cadence":
                Contact.update(cadence_days=rng.choice(CADENCES)).where(Contact.id == cid).execute()
            elif kind == "logged":
                Interaction.create(contact=cid, outcome="spoke", happened_at=dt.datetime.combine(TODAY, dt.time(9)))
            elif kind == "add":
                cid = Contact.insert(name="New", cadence_days=rng.choice(CADENCES)).execute()
            else:
                Contact.update(archived_at=dt.datetime(2026, 11, 25, 9)).where(Contact.id == cid).execute()
        result = service.replan([cid])
        times.append(time.perf_counter() - start)
        counts["full re-plan"] += result.full
        now = {(r[1], r[8]): r[2] for r in raw_rows() if not r[7]}
        counts["moved others"] += any(now.get(key, day) != day for key, day in placed.items() if key[0] != cid)
        placed = now
    after = plan_views.plan_summary().stats
    print(f"\n== service on SQLite, {n:,} contacts ==")
    print(f"  full re-plan, first (writes every row): {first:.3f} s; again (stable, nothing to write): "
          f"{statistics.median(agains):.3f} s median of 3")
    print(f"  one edit (its write + the re-plan): median {1000 * statistics.median(times):.1f} ms, "
          f"max {1000 * max(times):.1f} ms over {edits} edits; {counts['moved others']} moved a chain of others, "
          f"{counts['full re-plan']} fell back to the full re-plan; "
          f"peak {peak} -> {after.peak}, lower bound after {after.lower_bound}")


def run_file(source: Path, edits: int, runs: int) -> None:
    """The service on a copy of a real database file (see the module docstring)."""
    import os
    import shutil

    from bench.scale import _PLAN_ROWS, _env, _floor, run_once
    from planner.core import dates
    from planner.scheduling import service
    from planner.services import contacts, ledger, schedule
    from planner.services.interactions.log import LogRequest, log_interaction
    from planner.store.checkpoints import checkpoint_outside_commits
    from planner.store.connect import open_database
    from planner.store.database import db, write_tx
    from planner.store.models import Contact, Interaction

    folder = Path(tempfile.mkdtemp(prefix="followup-planner-"))
    path = folder / source.name
    shutil.copyfile(source, path)
    os.chmod(path, 0o600)
    code = Path(__file__).resolve().parent.parent
    env = dict(_env(code), FOLLOWUP_TODAY=TODAY.isoformat())
    followup = [sys.executable, "-m", "screens", "plan", "--json", "--db", str(path)]
    floor = [sys.executable, "-c", _floor(_PLAN_ROWS, "json"), str(path)]
    run_once(followup, env), run_once(floor, env)  # the day's list set, byte-code written: steady runs follow
    cpu_a, cpu_b, wall_a, wall_b, mem_a, mem_b, ratios = [], [], [], [], [], [], []
    for _ in range(runs):
        wa, ma, ca = run_once(followup, env)
        wb, mb, cb = run_once(floor, env)
        wall_a.append(wa), wall_b.append(wb), mem_a.append(ma), mem_b.append(mb), cpu_a.append(ca), cpu_b.append(cb)
        ratios.append(ca / cb)
    median = statistics.median
    print(f"\n== service on {source.name} (a copy), {os.getloadavg()[0]:.1f} load ==")
    print(f"  plan --json: {median(cpu_a):.3f} s CPU ({median(wall_a):.3f} s wall), {max(mem_a) / 1024:.0f} MiB; "
          f"floor {median(cpu_b):.3f} s CPU ({median(wall_b):.3f} s wall), {max(mem_b) / 1024:.0f} MiB; "
          f"ratio {median(ratios):.2f}x CPU (median of {runs} pairs; target <= 3x)")

    dates.set_today(TODAY)
    open_database(path)
    checkpoint_outside_commits()  # edits one after another in one process, as the app makes them
    cpu, wall = [], []
    for _ in range(runs):
        started, ticks = time.perf_counter(), time.process_time()
        service.update_plan(None)
        wall.append(time.perf_counter() - started), cpu.append(time.process_time() - ticks)
    print(f"  full re-plan (steady, in process): {median(cpu):.3f} s CPU, {median(wall):.3f} s wall, "
          f"median of {runs}; worst {max(cpu):.3f} s CPU (target < 2 s)")

    rng = random.Random(7)
    ids = [cid for (cid,) in db.execute_sql('SELECT "id" FROM "contact" WHERE "archived_at" IS NULL')]
    picked = iter(rng.sample(ids, 7 * edits + 1))
    later = dates.today() + dt.timedelta(days=9)
    favoured: list[int] = []

    def favour(cid: int) -> None:
        ledger.add_favor(cid, "received", "advice")
        favoured.append(cid)

    kinds = {
        "log a call": lambda cid: log_interaction(LogRequest(cid, "bench call")),
        "favour": favour,
        "thank": lambda _cid: ledger.thank(favoured.pop()),
        "snooze": lambda cid: schedule.snooze(cid, later),
        "pin": lambda cid: schedule.pin(cid, later + dt.timedelta(days=rng.randint(1, 20))),
        "archive": lambda cid: contacts.set_archived(cid, True),
    }

    def bare(cid: int) -> None:  # the floor: one write transaction of one row, committed as a log's is
        with write_tx():
            Interaction.insert(contact=cid, kind="note", outcome="", summary="bench",
                               happened_at=dt.datetime(2026, 11, 25, 9)).execute()

    kinds["log a call"](next(picked))  # warm: the first edit of a process loads what every later one reuses
    timings: dict[str, list[tuple[float, float]]] = {}
    for name, edit in {"floor (bare write)": bare, **kinds}.items():
        timings[name] = []
        for _ in range(edits):
            cid = next(picked)
            started, ticks = time.perf_counter(), time.process_time()
            edit(cid)
            timings[name].append((time.perf_counter() - started, time.process_time() - ticks))
    floor_ms = 1000 * median(wall for wall, _ in timings["floor (bare write)"])
    print(f"  single edits, {edits} each, ms (the service call: its write, the re-plan, its commit):")
    for name, times in timings.items():
        walls, cpus = [1000 * w for w, _ in times], [1000 * c for _, c in times]
        print(f"    {name:<20} wall median {median(walls):6.1f} worst {max(walls):6.1f} "
              f"({median(walls) / floor_ms:4.1f}x the bare write)   "
              f"CPU median {median(cpus):6.1f} worst {max(cpus):6.1f}")
    worst = max(max(w for w, _ in t) for name, t in timings.items() if not name.startswith("floor"))
    print(f"  worst single edit {1000 * worst:.1f} ms wall (target < 100 ms); contacts {Contact.select().count():,}")
    dates.set_today(TODAY + dt.timedelta(days=1))  # the next morning: the stored plan is a day old
    started, ticks = time.perf_counter(), time.process_time()
    stale = service.refresh_if_stale()
    print(f"  the next day's first plan (stale: {stale}; every call re-planned, the moved ones written): "
          f"{time.process_time() - ticks:.3f} s CPU, {time.perf_counter() - started:.3f} s wall (target < 2 s)")
    shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--no-service", action="store_true")
    parser.add_argument("--service-sizes", default="10000", help="contact counts for the SQLite run")
    parser.add_argument("--file", help="a demo database (copied) to measure the service on, e.g. 100k contacts")
    parser.add_argument("--file-edits", type=int, default=50, help="single edits of each kind on --file")
    parser.add_argument("--file-runs", type=int, default=3, help="runs of the full re-plan and plan --json")
    args = parser.parse_args()
    from planner.scheduling.flow import quiet_solver

    if args.file:
        quiet_solver()
        run_file(Path(args.file), args.file_edits, args.file_runs)
        return
    quiet_solver()  # import HiGHS once, outside the timings (the CLI pays it once per run)
    for n in (int(s) for s in args.sizes.split(",")):
        run_size(n, args.edits if n <= 10000 else max(10, args.edits // 5))
    if not args.no_service:
        for n in (int(s) for s in args.service_sizes.split(",")):
            run_service(n)


if __name__ == "__main__":
    main()
