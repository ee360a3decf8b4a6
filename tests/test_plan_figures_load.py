"""The plan's figures (the Plan screen's first visit) are worked out without numpy or the solver:
loading them costs 13 MiB and a quarter of a second, and the lower bound's scan needs neither."""

from __future__ import annotations

import subprocess
import sys


def test_plan_figures_load_no_numpy_or_solver(tmp_path):
    db = tmp_path / "f.db"
    for name in ("Maria Schmidt", "Jonas Nguyen"):
        added = subprocess.run([sys.executable, "-m", "screens", "--db", str(db), "--today", "2026-11-25", "add", name,
                                "--every", "30d"], capture_output=True, text=True, timeout=60)
        assert added.returncode == 0, added.stderr
    code = ("import sys, datetime as dt\n"
            "from planner.core import dates\n"
            "from planner.store.connect import open_database\n"
            "from planner.scheduling.plan_views import plan_summary\n"
            "dates.set_today(dt.date(2026, 11, 25)); open_database(sys.argv[1])\n"
            "summary = plan_summary(dates.today(), days=42)\n"
            "print(summary.stats.calls, summary.stats.lower_bound, "
            "' '.join(m for m in ('numpy', 'highspy') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    calls, bound, *loaded = done.stdout.split()
    assert (int(calls) >= 2, int(bound) >= 1, loaded) == (True, True, [])
