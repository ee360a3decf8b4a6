"""The plan screen: how the calls spread over the coming working days.

The load per day as a bar chart (arrow keys move a day cursor), the peak against its lower bound
(the best any plan could do), late calls, and blocked days. `b` blocks days, `d` removes the
highlighted block, `r` works out a rebalance of everyone, shows the figures before and after, and
stores it only when the user says so and it is no worse on them.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from planner.core import dates
from planner.core.textsafe import clean_line
from screens import stylesheets
from screens.messages import Announce, DataChanged
from screens.text import UNDO_HINT, plain, safe_markup, user_text
from screens.widgets.empty_hint import EmptyHint
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.list_table import ListTable
from screens.widgets.load_chart import LoadChart
from screens.workers import WorkerFailed, WorkerScreen, thread_worker

DAYS = 42
MAX_LATE_SHOWN = 8


def stats_words(stats) -> str:
    """One paragraph a person can read: calls, peak against bound, how far calls moved, late ones."""
    peak = f"peak {stats.peak} a day (lower bound {stats.lower_bound})"
    if stats.peak <= stats.lower_bound:
        peak += ": as flat as it can be"
    moved = f"calls moved {stats.mean_shift_days:.1f} days on average, at most {stats.max_shift_days}"
    late = "no late calls" if not stats.late else f"{stats.late} late call{'s' if stats.late != 1 else ''}"
    text = f"{stats.calls} calls · {peak} · {moved} · {late}"
    if stats.critical:
        start, end, need = stats.critical
        text += f" · busiest stretch {start:%d %b}–{end:%d %b} needs {need} calls"
    return text


def compare_words(before, after) -> str:
    """Before and after a rebalance, figure by figure."""
    def pair(label: str, a, b) -> str:
        return f"{label} {a} → {b}" if a != b else f"{label} {a} (same)"

    return " · ".join([
        pair("peak", before.peak, after.peak),
        f"lower bound {after.lower_bound}",
        pair("sum of squared loads", before.sum_sq_load, after.sum_sq_load),
        pair("mean shift", f"{before.mean_shift_days:.1f}d", f"{after.mean_shift_days:.1f}d"),
        pair("max shift", f"{before.max_shift_days}d", f"{after.max_shift_days}d"),
        pair("late", before.late, after.late),
    ])


def day_words(day) -> str:
    calls = "1 call" if day.load == 1 else f"{day.load} calls"
    why = f" · {day.why_not}" if day.why_not else ""
    return f"{day.date:%a %d %b %Y} ({dates.humanize_day(day.date)}): {calls}{why}"


class PlanRead(Message):
    """The plan's figures, its blocks and its late calls, read in a worker."""

    def __init__(self, summary, blocks: list, late: list) -> None:
        super().__init__()
        self.summary = summary
        self.blocks = blocks
        self.late = late


class RebalancePreviewed(Message):
    """A rebalance was worked out (nothing stored): `planner.scheduling.rebalance.Rebalance`."""

    def __init__(self, outcome) -> None:
        super().__init__()
        self.outcome = outcome


class Rebalanced(Message):
    """A rebalance finished: the plan's figures before and after, and whether it was stored."""

    def __init__(self, before, after, applied: bool = True, worse: list[str] | None = None) -> None:
        super().__init__()
        self.before = before
        self.after = after
        self.applied = applied
        self.worse = worse or []


class PlanScreen(WorkerScreen[None]):
    CSS_PATH = stylesheets.PLAN
    BINDINGS = [
        Binding("b", "block", "Block days", id="plan.block", tooltip="Vacation, conference: no calls then"),
        Binding("d", "unblock", "Remove block", id="plan.unblock", tooltip="Remove the highlighted block"),
        Binding("r", "rebalance", "Rebalance", id="plan.rebalance",
                tooltip="Re-plan everyone for the flattest load; shows before and after"),
    ]

    def __init__(self) -> None:
        super().__init__(id="plan-screen")
        self.summary = None
        self.blocks: list = []
        self.late: list = []

    def compose(self) -> ComposeResult:
        # The plan is read while the screen is built, not after: most of that read is SQLite's
        # sort, which runs beside the building (a first visit at 100k contacts waits for both).
        self.reload()
        yield Static(user_text("Plan · loading…"), id="plan-title")
        with VerticalScroll(id="plan-body"):
            yield EmptyHint(id="plan-empty-hint")
            yield LoadChart(id="plan-chart")
            yield Static(user_text(""), id="plan-day")
            yield Static(user_text(""), id="plan-stats")
            yield Static(user_text(""), id="plan-rebalance")
            with Horizontal(id="plan-lists"):
                with Vertical(id="plan-blocks-box"):
                    yield Static(user_text("Blocked days"), classes="section-title")
                    blocks: DataTable = ListTable(id="plan-blocks")
                    blocks.add_column("From", width=11)
                    blocks.add_column("To", width=11)
                    blocks.add_column("Note", width=24)
                    yield blocks
                with Vertical(id="plan-late-box"):
                    yield Static(user_text("Late calls"), classes="section-title")
                    yield Static(user_text(""), id="plan-late")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#plan-chart", LoadChart).focus()
        self.set_interval(60, self._check_new_day)  # the chart starts today, whatever the day

    def _check_new_day(self) -> None:
        if self.summary is not None and self.summary.days and self.summary.days[0].date != dates.today():
            self.reload()

    def highlighted_contact_id(self) -> int | None:
        return None  # the plan shows days, not people: quick-log asks for the contact

    # ----------------------------------------------------------------- loading
    def on_data_changed(self, message: DataChanged) -> None:
        self.reload()

    def reload(self) -> None:
        self._load()

    @thread_worker(group="plan-load", failure="Could not read the plan")
    def _load(self) -> None:
        from planner.scheduling.plan_views import late_calls, plan_summary
        from planner.services.blocks import list_blocks

        start = dates.today()
        summary = plan_summary(start, days=DAYS)
        blocks = [b for b in list_blocks() if b.end >= start]
        late = late_calls(start, start + dt.timedelta(days=DAYS))
        self.post_message(PlanRead(summary, blocks, late))

    def on_plan_read(self, message: PlanRead) -> None:
        summary, blocks, late = message.summary, message.blocks, message.late
        self.summary, self.blocks, self.late = summary, blocks, late
        stats = summary.stats
        today = dates.today()
        self.query_one("#plan-title", Static).update(
            safe_markup("[b]Plan[/b] · next $n days from $day · peak [b]$peak[/b] (lower bound $lb) · $late late",
                        n=str(DAYS), day=f"{today:%a %d %b}", peak=str(stats.peak), lb=str(stats.lower_bound),
                        late=str(stats.late))
        )
        chart = self.query_one("#plan-chart", LoadChart)
        chart.set_data(summary.days, stats.lower_bound, today)
        self._describe_day()
        self.query_one("#plan-stats", Static).update(user_text(stats_words(stats)))
        table = self.query_one("#plan-blocks", DataTable)
        keep = table.cursor_row
        table.clear()
        for block in blocks:
            table.add_row(Text(f"{block.start:%a %d %b}"), Text(f"{block.end:%a %d %b}"),
                          Text(clean_line(block.note)))
        if blocks:
            table.move_cursor(row=min(keep, len(blocks) - 1), animate=False)
        late_lines = [f"{c.date:%d %b} {clean_line(c.contact_name)} (due by {c.window_end:%d %b})"
                      for c in late[:MAX_LATE_SHOWN]]
        if len(late) > MAX_LATE_SHOWN:
            late_lines.append(f"… and {len(late) - MAX_LATE_SHOWN} more")
        self.query_one("#plan-late", Static).update(
            user_text("none: every call falls inside its window") if not late
            else lines_content(late_lines)
        )

    def _describe_day(self) -> None:
        day = self.query_one("#plan-chart", LoadChart).current_day()
        self.query_one("#plan-day", Static).update(
            safe_markup("[b]$words[/b]  [dim](← → move · tab: blocked days)[/]", words=day_words(day)) if day
            else user_text("")
        )

    # ----------------------------------------------------------------- actions
    def _say(self, message: str) -> None:
        self.app.notify(plain(message), markup=False)

    @on(LoadChart.DayHighlighted)
    def _day_highlighted(self) -> None:
        self._describe_day()

    def action_block(self) -> None:
        from screens.dialogs.block_days import BlockDialog, describe_range

        def stored(result) -> None:
            if result is not None:
                self._say("Blocked " + describe_range(*result).split(" (")[0] + UNDO_HINT)
                self.app.post_message(DataChanged(None))

        self.app.push_screen(BlockDialog(), callback=stored)

    def action_unblock(self) -> None:
        table = self.query_one("#plan-blocks", DataTable)
        if not self.blocks or not 0 <= table.cursor_row < len(self.blocks):
            self._say("No block highlighted; b blocks days")
            return
        block = self.blocks[table.cursor_row]
        self._unblock(block.start, block.end)

    @thread_worker(group="plan-write", failure="Could not remove the block", exclusive=False)
    def _unblock(self, start: dt.date, end: dt.date) -> None:
        from planner.services.blocks import remove_block

        remove_block(start, end)
        self.post_message(Announce(f"Removed the block {start:%d %b}–{end:%d %b}"))

    def action_rebalance(self) -> None:
        if self.summary is None:
            return
        self.query_one("#plan-rebalance", Static).update(user_text("Working out a rebalanced plan…"))
        self._preview_rebalance()

    @thread_worker(group="plan-rebalance", failure="Could not rebalance")
    def _preview_rebalance(self) -> None:
        from planner.scheduling import rebalance

        self.post_message(RebalancePreviewed(rebalance.preview()))

    def on_rebalance_previewed(self, message: RebalancePreviewed) -> None:
        from screens.dialogs.confirm_rebalance import ConfirmRebalance

        shown = message.outcome
        line = self.query_one("#plan-rebalance", Static)
        if shown.worse:
            line.update(safe_markup("[b]Not rebalanced:[/b] it would be worse ($worse): kept the plan as it is"
                                    " · $words", worse=", ".join(shown.worse), words=shown.words))
            self._say(f"Rebalance would be worse ({', '.join(shown.worse)}): kept the plan")
            return
        line.update(safe_markup("[b]Rebalance?[/b] $words", words=shown.words))

        def answered(apply: bool | None) -> None:
            if apply:
                line.update(user_text("Rebalancing…"))
                self._rebalance()
            else:
                line.update(safe_markup("[b]Not rebalanced:[/b] the plan is as it was · $words", words=shown.words))

        self.app.push_screen(ConfirmRebalance(shown.words, shown.moved), answered)

    @thread_worker(group="plan-rebalance", failure="Could not rebalance")
    def _rebalance(self) -> None:
        from planner.scheduling import rebalance

        done = rebalance.apply()
        self.post_message(Rebalanced(done.before, done.after, done.applied, done.worse))

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """A failed rebalance clears its "Rebalancing…" line; the app still says why."""
        if message.group == "plan-rebalance":
            self.query_one("#plan-rebalance", Static).update(user_text(""))

    def on_rebalanced(self, message: Rebalanced) -> None:
        before, after = message.before, message.after
        if not message.applied:  # another session changed the plan meanwhile: now it would be worse
            self.query_one("#plan-rebalance", Static).update(
                safe_markup("[b]Not rebalanced:[/b] it would now be worse ($worse): kept the plan as it is",
                            worse=", ".join(message.worse)))
            self._say("Rebalance would now be worse: kept the plan")
            return
        self.query_one("#plan-rebalance", Static).update(
            safe_markup("[b]Rebalanced:[/b] $words", words=compare_words(before, after))
        )
        if after.peak == before.peak and after.sum_sq_load == before.sum_sq_load:
            self._say(f"Rebalanced: already as flat as it gets (peak {after.peak})")
        else:
            self._say(f"Rebalanced: peak {before.peak} → {after.peak}{UNDO_HINT}")
        self.app.post_message(DataChanged(None))


def lines_content(lines: list[str]):
    """Several cleaned lines as one Content."""
    from textual.content import Content

    return Content("\n").join(Content(clean_line(line)) for line in lines)
