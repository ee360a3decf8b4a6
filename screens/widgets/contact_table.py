"""A virtual table of contacts: only the visible lines are ever rendered.

Textual's `DataTable` measures every cell when rows change: replacing 10k rows takes over a second
(measured here), far beyond the 50 ms a filter keystroke may take. This widget keeps the rows as
plain cleaned strings and draws the lines on screen with the Line API, so filtering or sorting 10k
contacts is a list operation plus one repaint. It scrolls itself (no virtual size, so a keystroke
never triggers a layout pass of the screen) and caches each row's drawn text per width.
Keyboard first: arrows and j/k, page keys, home/end and g/G, enter; the mouse wheel scrolls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int | None = None  # fixed width; None shares what is left
    weight: int = 1
    narrow: bool = True  # still shown below NARROW_WIDTH
    align_right: bool = False


class TableRow(Protocol):
    """What the table shows of a row: its contact id and its neutralised cells."""

    @property
    def key(self) -> int: ...

    @property
    def cells(self) -> dict[str, str]: ...


@dataclass
class Row:
    """One contact line: `cells` are already neutralised (planner.core.textsafe) plain strings."""

    key: int
    cells: dict[str, str]


class ContactTable(Widget, can_focus=True):
    """Rows of contacts with a header; posts `Highlighted` and `Selected` with the contact id."""

    NARROW_WIDTH = 96
    COMPONENT_CLASSES = {"contact-table--header", "contact-table--cursor", "contact-table--odd"}
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", id="list.up", show=False),
        Binding("down,j", "cursor(1)", "Down", id="list.down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First row", id="list.first", show=False),
        Binding("end,G", "jump(-1)", "Last row", id="list.last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]
    DEFAULT_CSS = """
    ContactTable { height: 1fr; }
    ContactTable > .contact-table--header { text-style: bold; background: $panel; }
    ContactTable > .contact-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    ContactTable:blur > .contact-table--cursor { background: $block-cursor-blurred-background; text-style: none; }
    ContactTable > .contact-table--odd { background: $surface-lighten-1 10%; }
    """

    cursor = reactive(0, always_update=True)

    class Highlighted(Message):
        def __init__(self, contact_id: int | None) -> None:
            super().__init__()
            self.contact_id = contact_id

    class Selected(Message):
        def __init__(self, contact_id: int) -> None:
            super().__init__()
            self.contact_id = contact_id

    def __init__(self, columns: list[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = columns
        self.rows: Sequence[TableRow] = []
        self.sort_key: str | None = None
        self.sort_reverse = False
        self.top = 0  # index of the first row on screen
        self._line_cache: dict[int, str] = {}  # row key -> drawn text at _cache_width
        self._cache_width = -1
        self._columns_cache: tuple[int, list[tuple[Column, int]]] | None = None

    # ----------------------------------------------------------------- data
    def set_rows(self, rows: Sequence[TableRow], *, keep: int | None = None) -> None:
        """Show `rows` (anything with `key` and `cells`); keep the cursor on contact `keep` (or the
        current one) when still there."""
        current = keep if keep is not None else self.cursor_key
        self.rows = rows
        index = self._index_of(current) if current is not None else None
        self.cursor = min(index if index is not None else self.cursor, max(0, len(rows) - 1))
        self.refresh()

    def invalidate(self) -> None:
        """The rows' cells changed (a reload): draw them again."""
        self._line_cache.clear()
        self.refresh()

    @property
    def cursor_key(self) -> int | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor].key
        return None

    def _index_of(self, key: int) -> int | None:
        """Where contact `key` is in the rows; rows that can say it themselves (a filtered index of
        100,000 contacts) are not walked a row object at a time."""
        index_of_key = getattr(self.rows, "index_of_key", None)
        if index_of_key is not None:
            return index_of_key(key)
        return next((i for i, row in enumerate(self.rows) if row.key == key), None)

    def move_to_key(self, key: int) -> bool:
        index = self._index_of(key)
        if index is not None:
            self.cursor = index
        return index is not None

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self.cursor_key))

    @property
    def visible_rows(self) -> int:
        return max(1, self.size.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        visible = self.visible_rows
        top = min(self.top, max(0, len(self.rows) - visible))
        if self.cursor < top:
            top = self.cursor
        elif self.cursor >= top + visible:
            top = self.cursor - visible + 1
        self.top = max(0, top)

    # ----------------------------------------------------------------- keys
    def action_cursor(self, delta: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - 2))

    def action_jump(self, where: int) -> None:
        if self.rows:
            self.cursor = 0 if where == 0 else len(self.rows) - 1

    def action_select(self) -> None:
        if (key := self.cursor_key) is not None:
            self.post_message(self.Selected(key))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self.top = max(0, min(len(self.rows) - self.visible_rows, self.top + 3))
        self.refresh()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.top = max(0, self.top - 3)
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        index = self.top + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows):
            self.cursor = index
            if event.chain >= 2:
                self.action_select()

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_cursor_into_view()
        self.refresh()

    # ----------------------------------------------------------------- drawing
    def visible_columns(self) -> list[tuple[Column, int]]:
        """Columns that fit, with their widths; optional ones go first when narrow."""
        width = self.size.width or 100
        if self._columns_cache is not None and self._columns_cache[0] == width:
            return self._columns_cache[1]
        columns = [c for c in self.columns if c.narrow or width >= self.NARROW_WIDTH]
        gaps = len(columns) - 1
        fixed = sum(c.width or 0 for c in columns)
        flexible = [c for c in columns if c.width is None]
        spare = max(len(flexible) * 6, width - fixed - gaps)
        total_weight = sum(c.weight for c in flexible) or 1
        result, given = [], 0
        for column in columns:
            if column.width is not None:
                result.append((column, column.width))
            else:
                share = spare * column.weight // total_weight
                result.append((column, share))
                given += share
        if flexible and given < spare:  # hand the rounding remainder to the first flexible column
            index = next(i for i, (c, _) in enumerate(result) if c.width is None)
            column, share = result[index]
            result[index] = (column, share + spare - given)
        self._columns_cache = (width, result)
        return result

    def _line(self, values: list[tuple[str, int, bool]]) -> str:
        parts = []
        for text, width, right in values:
            if cell_len(text) > width:
                text = set_cell_size(text, max(0, width - 1)) + "…" if width > 0 else ""
            parts.append(set_cell_size(text, width) if not right else " " * (width - cell_len(text)) + text)
        return " ".join(parts)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        columns = self.visible_columns()
        if y == 0:
            labels = []
            for column, size in columns:
                mark = ("▼" if self.sort_reverse else "▲") if column.key == self.sort_key else ""
                labels.append((column.label + mark, size, column.align_right))
            style = self.get_component_rich_style("contact-table--header")
            return Strip([Segment(set_cell_size(self._line(labels), width), style)], width)
        index = self.top + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        if width != self._cache_width:
            self._line_cache.clear()
            self._cache_width = width
        text = self._line_cache.get(row.key)
        if text is None:
            text = set_cell_size(self._line([(row.cells.get(c.key, ""), size, c.align_right) for c, size in columns]),
                                 width)
            self._line_cache[row.key] = text
        if index == self.cursor:
            style = self.rich_style + self.get_component_rich_style("contact-table--cursor")
        elif index % 2:
            style = self.rich_style + self.get_component_rich_style("contact-table--odd")
        else:
            style = self.rich_style
        return Strip([Segment(text, style)], width)
