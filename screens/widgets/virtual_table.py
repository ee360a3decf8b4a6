"""A virtual list table: only the lines on screen are ever drawn, so 30k rows cost one list.

Textual's `DataTable` builds and measures every cell when rows are added (30k ledger rows froze
the screen for seconds). Here the screen hands over its rows and a function that turns one row
into its cells; a line is worked out only when it scrolls into view, and kept per width. The keys
are the list keys of every table (arrows and j/k, page keys, home/end and g/G, enter), the mouse
wheel scrolls. While `loading` is set the rows are not shown at all and the keys do nothing: the
rows on screen are out of date, and nothing typed may act on them.

The API follows `DataTable` where the screens and their tests use it: `cursor_row`, `row_count`,
`move_cursor(row=...)`, and the `RowHighlighted` / `RowSelected` messages with `cursor_row`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget


@dataclass(frozen=True)
class Column:
    label: str
    width: int
    align_right: bool = False


# One cell: plain text (already neutralised by the screen) and its style ("bold", "" for none).
Cell = tuple[str, str]


class VirtualTable(Widget, can_focus=True):
    """Rows drawn on demand by `cells_of(row)`; posts `RowHighlighted` and `RowSelected`."""

    COMPONENT_CLASSES = {"virtual-table--header", "virtual-table--cursor"}
    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", id="list.up", show=False),
        Binding("down,j", "move(1)", "Down", id="list.down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First row", id="list.first", show=False),
        Binding("end,G", "jump(-1)", "Last row", id="list.last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]
    DEFAULT_CSS = """
    VirtualTable { height: 1fr; }
    VirtualTable > .virtual-table--header { text-style: bold; background: $panel; }
    VirtualTable > .virtual-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    VirtualTable:blur > .virtual-table--cursor { background: $block-cursor-blurred-background; text-style: none; }
    """

    cursor_row = reactive(0, always_update=True)
    loading_rows = reactive(False)

    class _RowMessage(Message):
        """A row of the table, named as DataTable's messages name it (`data_table`, `cursor_row`)."""

        def __init__(self, table: VirtualTable, cursor_row: int) -> None:
            super().__init__()
            self.data_table = table
            self.cursor_row = cursor_row

        @property
        def control(self) -> VirtualTable:
            return self.data_table

    # Siblings, not one the other's subclass: a handler of one must not receive the other.
    class RowHighlighted(_RowMessage):
        pass

    class RowSelected(_RowMessage):
        pass

    def __init__(self, columns: Sequence[Column], cells_of: Callable[[Any], Sequence[Cell]], *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.cells_of = cells_of
        self.rows: Sequence[Any] = []
        self.top = 0  # index of the first row on screen
        self._lines: dict[int, list[Segment]] = {}  # row index -> its drawn segments at _width
        self._width = -1

    # ----------------------------------------------------------------- data
    @property
    def row_count(self) -> int:
        return len(self.rows)

    def set_rows(self, rows: Sequence[Any], cursor: int = 0) -> None:
        """Show `rows` with the cursor on `cursor` (clamped); loading ends."""
        self.rows = rows
        self._lines.clear()
        self.loading_rows = False
        self.top = min(self.top, max(0, len(rows) - self.visible_rows))
        self.cursor_row = max(0, min(cursor, len(rows) - 1))

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        if self.rows:
            self.cursor_row = max(0, min(row, len(self.rows) - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._scroll_into_view()
        self.refresh()
        if self.rows and not self.loading_rows:
            self.post_message(self.RowHighlighted(self, new))

    def watch_loading_rows(self) -> None:
        self.refresh()

    @property
    def visible_rows(self) -> int:
        return max(1, self.size.height - 1)

    def _scroll_into_view(self) -> None:
        visible = self.visible_rows
        top = min(self.top, max(0, len(self.rows) - visible))
        if self.cursor_row < top:
            top = self.cursor_row
        elif self.cursor_row >= top + visible:
            top = self.cursor_row - visible + 1
        self.top = max(0, top)

    # ----------------------------------------------------------------- keys
    def _usable(self) -> bool:
        return bool(self.rows) and not self.loading_rows

    def action_move(self, delta: int) -> None:
        if self._usable():
            self.move_cursor(row=self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.size.height - 2))

    def action_jump(self, where: int) -> None:
        if self._usable():
            self.move_cursor(row=0 if where == 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        if self._usable():
            self.post_message(self.RowSelected(self, self.cursor_row))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self.top = max(0, min(len(self.rows) - self.visible_rows, self.top + 3))
        self.refresh()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.top = max(0, self.top - 3)
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        index = self.top + event.y - 1
        if self._usable() and event.y >= 1 and 0 <= index < len(self.rows):
            self.move_cursor(row=index)
            if event.chain >= 2:
                self.action_select()

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_into_view()
        self.refresh()

    # ----------------------------------------------------------------- drawing
    def _segments(self, cells: Sequence[Cell], base: Style, *, header: bool = False) -> list[Segment]:
        segments: list[Segment] = []
        for column, (text, style) in zip(self.columns, cells, strict=False):
            width = column.width
            if cell_len(text) > width:
                text = set_cell_size(text, max(0, width - 1)) + "…" if width > 0 else ""
            right = column.align_right and not header  # labels start at the left, as a DataTable's do
            text = " " * (width - cell_len(text)) + text if right else set_cell_size(text, width)
            # one column of padding each side, as a DataTable draws its cells
            segments += [Segment(" ", base), Segment(text, base + Style.parse(style) if style else base),
                         Segment(" ", base)]
        return segments

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("virtual-table--header")
            labels = [(column.label, "") for column in self.columns]
            return Strip(self._segments(labels, base + header, header=True)).adjust_cell_length(width, base + header)
        index = self.top + y - 1
        if self.loading_rows or index >= len(self.rows):
            return Strip.blank(width, base)
        if width != self._width:
            self._lines.clear()
            self._width = width
        if index == self.cursor_row:
            cursor = base + self.get_component_rich_style("virtual-table--cursor")
            plain = [Segment(part.text, cursor) for part in self._segments(self.cells_of(self.rows[index]), base)]
            return Strip(plain).adjust_cell_length(width, cursor)
        cached = self._lines.get(index)
        if cached is None:
            cached = self._lines[index] = self._segments(self.cells_of(self.rows[index]), base)
        return Strip(cached).adjust_cell_length(width, base)
