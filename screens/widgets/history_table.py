"""A contact's logged calls, emails, meetings and notes as a list: `e` corrects the highlighted one,
`d` deletes it (after asking). The screen that holds it does the work (`edit_log`, `delete_log`).

Reloads keep the cursor on the same log, or on the one after it when it is gone (deleted, or moved
by an edit out of the list's place), so a run of corrections does not start from the top each time.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content

from planner.services.interactions.records import InteractionView
from screens.text import user_block, user_text
from screens.widgets.list_table import ListTable

# Fixed widths: an auto-sized column kept the width of its header once the rows were replaced.
COLUMNS = (("When", "when", 16), ("Kind", "kind", 7), ("Outcome", "outcome", 12), ("Summary", "summary", 28))


def _outcome(item: InteractionView) -> str:
    took = f" {item.duration_min}m" if item.duration_min else ""
    return (item.outcome or "—") + took


class HistoryTable(ListTable):
    """One row per log, newest first; row keys are the interaction ids."""

    BINDINGS = [
        Binding("e", "screen.edit_log", "Edit log", id="detail.log-edit",
                tooltip="Correct the highlighted log: when, kind, outcome, minutes, summary, notes (the plan follows)"),
        Binding("d", "screen.delete_log", "Delete log", id="detail.log-delete",
                tooltip="Delete the highlighted log after asking; the plan follows as if it was never logged"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list[InteractionView] = []
        for label, key, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def current(self) -> InteractionView | None:
        """The highlighted log (None: nothing logged)."""
        if not self.items or not 0 <= self.cursor_row < len(self.items):
            return None
        return self.items[self.cursor_row]

    def show(self, items: list[InteractionView]) -> None:
        """Replace the rows, keeping the cursor on the same log or, when it is gone, the next one."""
        was = self.current()
        place = self.cursor_row
        self.items = list(items)
        self.clear()
        for item in self.items:
            self.add_row(user_text(f"{item.happened_at:%Y-%m-%d %H:%M}"), user_text(item.kind),
                         user_text(_outcome(item)), user_text(item.summary or "—"), key=str(item.id))
        if not self.items:
            return
        ids = [item.id for item in self.items]
        row = ids.index(was.id) if was is not None and was.id in ids else min(place, len(ids) - 1)
        self.move_cursor(row=max(0, row), animate=False)

    def notes_line(self) -> Content:
        """The highlighted log's notes, shown under the list."""
        item = self.current()
        if item is None or not item.notes.strip() or item.notes.strip() == (item.summary or "").strip():
            return user_text("")
        return user_block(item.notes.strip())
