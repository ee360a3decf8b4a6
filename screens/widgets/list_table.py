"""A row table with the keys of the terminal tools people know, that can hold section headers.

`j`/`k` as well as the arrows, `g`/`home` to the first row and `G`/`end` to the last. Rows that
`is_header` says are headers are stepped over as the cursor moves, in the same keystroke: moving
the cursor again after the header was highlighted lost a key for every header crossed when keys
came in a burst (a held arrow key, a fast typist over SSH).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.widgets import DataTable


class ListTable(DataTable):
    """A `DataTable` in row mode with list keys; `is_header(row)` marks rows the cursor skips."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", id="list.down", show=False),
        Binding("up,k", "cursor_up", "Up", id="list.up", show=False),
        Binding("home,g", "first_row", "First row", id="list.first", show=False),
        Binding("end,G", "last_row", "Last row", id="list.last", show=False),
    ]

    def __init__(self, *args, is_header: Callable[[int], bool] | None = None, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        super().__init__(*args, **kwargs)
        self.is_header: Callable[[int], bool] = is_header or (lambda row: False)

    def _landing(self, start: int, step: int) -> int | None:
        """The first row from `start` on, going by `step`, that is not a header (None: none)."""
        row = start
        while 0 <= row < self.row_count:
            if not self.is_header(row):
                return row
            row += step
        return None

    def _go(self, row: int | None) -> None:
        if row is not None and row != self.cursor_row:
            self._set_hover_cursor(False)
            self.move_cursor(row=row, animate=False)

    def action_cursor_down(self) -> None:
        self._go(self._landing(self.cursor_row + 1, 1))

    def action_cursor_up(self) -> None:
        self._go(self._landing(self.cursor_row - 1, -1))

    def action_first_row(self) -> None:
        self._go(self._landing(0, 1))

    def action_last_row(self) -> None:
        self._go(self._landing(self.row_count - 1, -1))
