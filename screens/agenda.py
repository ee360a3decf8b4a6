"""The agenda, home screen: who to call, overdue first, then today, thank-yous and the week.

One table with section header rows (the cursor steps over them), and the contact panel beside it.
Every read and write runs in a thread worker; a write posts `DataChanged` to the app, which sends
it back to every screen, this one included, so the list reloads from the database. The actions
that write or open a dialog (snooze, skip, thanked, export, week grid) are in agenda_actions.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence

from rich.text import Text
from textual import on
from textual._two_way_dict import TwoWayDict
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import ColumnKey, DuplicateKey, RowKey
from textual.widgets.data_table import Row as TableRow

from planner.core import dates
from planner.core.vocabulary import AgendaKind
from planner.services.agenda import Agenda, AgendaItem, build_agenda, read_details
from screens.agenda_actions import AgendaActions
from screens.agenda_rows import COLUMNS, Row, agenda_range, agenda_rows, fit_widths, item_cells, items_in_rows, narrowed
from screens.messages import DataChanged, FirstFrame
from screens.text import safe_markup, user_text
from screens.widgets.contact_panel import ContactPanel
from screens.widgets.empty_hint import EmptyHint
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.list_filter import ListFilter
from screens.widgets.list_table import ListTable
from screens.widgets.sync_status import SyncStatus
from screens.workers import thread_worker


class AgendaTable(ListTable):
    """The agenda's table: the cursor steps over section headers; on every resize its essential
    columns are fitted to the visible width. An item's row is read-only (`_ItemTexts`): a row
    changes by being shown again, never by `update_cell`."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._after_drawn: list[Callable[[], object]] = []  # what waits for the next drawing

    def on_resize(self) -> None:
        # Scrollable width, less a vertical scrollbar the list will usually have.
        widths = fit_widths(self.size.width - 2, self.cell_padding)
        changed = False
        for label, width in widths.items():
            column = self.columns.get(label)  # type: ignore[call-overload]
            if column is not None and column.width != width:
                column.width = width
                changed = True
        if changed:
            self._require_update_dimensions = True
            self.refresh()

    def add_rows_at_once(self, rows: list[tuple[str, Sequence[object] | Mapping[ColumnKey, object]]]) -> None:
        """Append one-line rows (key, cells) as `add_row` would, one by one, but with the table's
        bookkeeping (cursor check, refresh) done once for them all: `add_row` costs the UI thread
        about 0.1 ms a row, and a 100k-contact week has over 4,000 rows, so keys waited half a
        second after every read of the agenda. A row's cells may come as the table keeps them,
        a mapping of column key to cell, which the table then reads as it draws them."""
        columns = [column.key for column in self.ordered_columns]
        index = self.row_count
        was_empty = index == 0
        taken = {key.value for key in self._row_locations}  # plain text: quick to look up
        for key, _ in rows:
            if key in taken:
                raise DuplicateKey(f"The row key {key!r} already exists.")
            taken.add(key)
        locations: dict[RowKey, int] = {}
        for key, cells in rows:
            row_key = RowKey(key)
            locations[row_key] = index
            # (a list or tuple of cells, else a mapping: not `isinstance(..., Mapping)`, an ABC
            # check that costs more than the rest of the row)
            self._data[row_key] = (dict(zip(columns, cells, strict=True)) if isinstance(cells, (list, tuple))
                                   else cells)  # type: ignore[assignment]
            self.rows[row_key] = TableRow(row_key, 1)
            self._new_rows.add(row_key)
            index += 1
        if not rows:
            return
        if was_empty:  # built in one go, as the table's own `sort` does
            self._row_locations = TwoWayDict(locations)
        else:
            for row_key, at in locations.items():
                self._row_locations[row_key] = at
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()  # a row to highlight where there was none, as `add_row` says
        self._update_count += 1
        self.check_idle()

    # Textual works out the rows' order and line offsets again (a pass over every row) at each of
    # the several updates one read of the agenda makes. Both change only when rows are added,
    # removed or sorted, and then the row count or the table's index of rows (replaced by a clear
    # or a sort) changes with them; an agenda row's height never changes.
    _in_order: tuple[int, object, list[TableRow]] = (-1, None, [])
    _offsets: tuple[int, object, list[tuple[RowKey, int]]] = (-1, None, [])

    @property
    def ordered_rows(self) -> list[TableRow]:
        count, index, rows = self._in_order
        if count != self.row_count or index is not self._row_locations:
            get_key = self._row_locations.get_key
            rows = [self.rows[get_key(n)] for n in range(self.row_count)]  # type: ignore[index]
            self._in_order = (self.row_count, self._row_locations, rows)
        return rows

    @property
    def _y_offsets(self) -> list[tuple[RowKey, int]]:
        count, index, offsets = self._offsets
        if count != self.row_count or index is not self._row_locations:
            offsets = [(row.key, y) for row in self.ordered_rows for y in range(row.height)]
            self._offsets = (self.row_count, self._row_locations, offsets)
        return offsets

    def after_drawn(self, callback: Callable[[], object]) -> None:
        """Run `callback` after the table's next drawing: the frame with what it was just given
        goes to the terminal first. (Textual's `call_after_refresh` can come before that frame:
        rows added to the table are laid out and drawn at its next update, which can follow.)
        A table that is not being drawn (another screen or a dialog in front, no room) runs it as
        `call_after_refresh` does, so it never waits for the user to come back."""
        if not self.size or not self.screen.is_current:
            self.call_after_refresh(callback)
            return
        self._after_drawn.append(callback)
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        # A frame being made goes to the terminal before `call_later` runs. (Textual also draws a
        # line to look up the style under the pointer: that may run them a frame early.)
        lines = super().render_lines(crop)
        self.release_after_drawn()
        return lines

    def release_after_drawn(self) -> None:
        """Run what waits for the next drawing now (soon after: `call_later`); the screen calls it
        as it leaves, since a table off screen is not drawn."""
        waiting, self._after_drawn = self._after_drawn, []
        for callback in waiting:
            self.call_later(callback)

    def redraw_cells(self) -> None:
        """Draw every cell again from its renderable (their texts changed, the rows did not)."""
        self._clear_caches()
        self._update_count += 1
        self.refresh()

    def _update_dimensions(self, new_rows) -> None:
        """Every column has a set width and every row one line: the base class would still measure
        each new cell for a content width nobody reads (a second on the UI thread for the 4,000
        rows of a 100k-contact week). Anything else (a label, an auto width) goes the usual way."""
        if any(column.auto_width for column in self.columns.values()) or any(
                row.auto_height or row.label is not None
                for row in (self.rows.get(key) for key in new_rows) if row is not None):
            super()._update_dimensions(new_rows)
            return
        self.hover_coordinate = self.hover_coordinate
        self._update_count += 1
        self.refresh(layout=True)
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width, self._total_row_height + header)


SHOWN_MARGIN = 4  # rows either side of the screen whose details come with the first part of a read


class AgendaRead(Message):
    """The agenda for the range asked, read in a worker, and whose it can be (the members; none
    on a personal file). `read` numbers the reloads: a read overtaken by a newer one is dropped.
    `member_id` is whose agenda it is (None: everyone's), for reading its details."""

    def __init__(self, agenda, members: list | None = None, read: int = 0, member_id: int | None = None) -> None:
        super().__init__()
        self.agenda = agenda
        self.members = members
        self.read = read
        self.member_id = member_id


_COLUMN = {ColumnKey(label): n for n, (label, _) in enumerate(COLUMNS)}


class _ItemTexts(Mapping[ColumnKey, Text]):
    """An item's row as the table keeps it (column key -> cell), its texts (`item_cells`) worked
    out the first time the table draws one of them: of the 4,000 rows of a 100k-contact week, the
    table only ever draws those on screen, and one object a row is all the others cost."""

    __slots__ = ("_item", "_today", "_texts")

    def __init__(self, item: AgendaItem, today: dt.date) -> None:
        self.show(item, today)

    def show(self, item: AgendaItem, today: dt.date) -> None:
        """Say what `item` says from now on (the same row, read again)."""
        self._item, self._today = item, today
        self._texts: list[Text] | None = None

    def __getitem__(self, column: ColumnKey) -> Text:
        if self._texts is None:
            self._texts = item_cells(self._item, self._today)
        return self._texts[_COLUMN[column]]

    def __iter__(self) -> Iterator[ColumnKey]:
        return iter(_COLUMN)

    def __len__(self) -> int:
        return len(COLUMNS)


def _same_row(row: Row) -> tuple:
    """What makes a table row the same row in a later read: its header, or its item's place and
    identity (what the item says beyond that may differ)."""
    item = row.item
    if item is None:
        return (row.title,)
    return (item.uid, item.kind, item.date, item.done, item.contact_id, item.planned_call_id, item.favor_id,
            item.date_id, item.name, item.company, item.why, item.thanks_owed, item.thanks_why)


def _ident(item) -> tuple[int, str]:
    """Which item a row is, for keeping the cursor on it: a call just made is ticked at the foot
    of Today, so the cursor goes on to the next call rather than following it there."""
    return (item.contact_id, "done" if item.done else item.kind)


class AgendaScreen(AgendaActions):
    """Home: the calls due and the thank-yous owed, with the highlighted contact beside them."""

    BINDINGS = [
        Binding("l", "log", "Log call", id="agenda.log", tooltip="Log a call with the highlighted contact"),
        Binding("enter", "open_contact", "Open contact", id="agenda.open", tooltip="History, ledger, notes"),
        Binding("s", "snooze", "Snooze", id="agenda.snooze", tooltip="Move this call to another day"),
        Binding("x", "skip", "Skip", id="agenda.skip", tooltip="The next call moves one cadence on"),
        Binding("t", "thanked", "Mark thanked", id="agenda.thanked", tooltip="You thanked them for their favours"),
        Binding("e", "export", "Export the week", id="agenda.export", show=False,
                tooltip="iCalendar, Markdown or CSV"),
        Binding("w", "week_grid", "Week grid", id="agenda.grid", show=False,
                tooltip="Calls per day, this week and next"),
        Binding("slash", "find", "Filter", id="agenda.find", show=False,
                tooltip="Filter by name or company as you type"),
        Binding("m", "whose", "Mine / team / a member's calls", id="agenda.whose", show=False,
                tooltip="Switch between my calls, the whole team's and each member's"),
    ]
    ITEM_ACTIONS = {"log", "open_contact", "snooze", "skip", "thanked"}
    # Focus lands on the list at once: Textual's default, the first focusable widget, is the
    # filter box (hidden until `/`), and each move of the focus redraws the footer's keys.
    AUTO_FOCUS = "#agenda-table"

    def __init__(self) -> None:
        super().__init__(id="agenda-screen")
        self.rows: list[Row] = []
        self._texts: list[_ItemTexts | None] = []  # each row's texts as the table draws them
        self._reads = 0  # reads asked for (`reload`)
        self._member_id: int | None = None  # whose agenda is shown (None: everyone's)
        self.agenda: Agenda | None = None
        self.range = agenda_range(dates.today())
        self._last_row = 0
        self._loaded = False
        # whose calls: "mine", "team" or a member's id (a personal file has only its one member)
        self.whose: str | int = "mine"
        self._members: list = []

    def compose(self) -> ComposeResult:
        yield Static(user_text("Agenda · loading…"), id="agenda-title")
        yield ListFilter(back="#agenda-table", id="agenda-find")
        with Horizontal(id="agenda-body"):
            with Vertical(id="agenda-main"):
                yield EmptyHint(id="agenda-empty-hint")
                table: DataTable = AgendaTable(id="agenda-table", zebra_stripes=False, is_header=self._is_header)
                # Headings as text, not markup: parsing markup loads Rich's emoji table (2-3 ms
                # of every start) for five plain words.
                for label, width in COLUMNS:
                    table.add_column(Text(label), width=width, key=label)
                yield table
                yield Static(user_text(""), id="agenda-empty")
                yield SyncStatus(id="agenda-sync")
            yield ContactPanel(id="agenda-panel", classes="side-panel")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#agenda-table", DataTable).focus()
        self.reload()
        # The app stays open all day and overnight: at midnight, today's calls become tomorrow's.
        self.set_interval(60, self._check_new_day)

    def on_screen_suspend(self) -> None:
        # left (another mode, a dialog) before the table drew what waits for it: it runs anyway
        self.query_one("#agenda-table", AgendaTable).release_after_drawn()

    def _check_new_day(self) -> None:
        if agenda_range(dates.today()) != self.range:
            self.reload()

    # ----------------------------------------------------------------- loading
    def on_data_changed(self, message: DataChanged) -> None:
        self.reload()

    def reload(self) -> None:
        self.range = agenda_range(dates.today())
        self._reads += 1
        # the rows on screen now (the top of the list, at first), as the filter shows them, and a
        # few either side: a call just logged leaves the list, and the rows below it move up
        table = self.query_one("#agenda-table", AgendaTable)
        height, top = max(table.size.height, self.app.size.height), round(table.scroll_y)
        shown = (max(top - SHOWN_MARGIN, 0), top + height + SHOWN_MARGIN)
        self._load(*self.range, self.whose, self.query_one("#agenda-find", ListFilter).value, shown, self._reads)

    @thread_worker(group="agenda-load", failure="Could not read the agenda")
    def _load(self, start: dt.date, end: dt.date, whose: str | int, query: str, shown: tuple[int, int],
              read: int) -> None:
        """Where every item goes, and what the rows on screen say (`shown`: the table's rows about
        the screen's, under the filter's `query`). At 100k contacts the other rows' details are most
        of the agenda's read: they are read once this is drawn (`_load_details`), so neither the first
        frame nor the list after a write waits for them."""
        from planner.services.team import acting_member_id, list_members

        member = acting_member_id() if whose == "mine" else None if whose == "team" else int(whose)
        agenda = build_agenda(start, end, member, details=False)
        read_details(items_in_rows(narrowed(agenda, query), agenda.today, *shown))
        self.post_message(AgendaRead(agenda, list_members(), read, member))

    @thread_worker(group="agenda-details", failure="Could not read the agenda")
    def _load_details(self, start: dt.date, end: dt.date, member: int | None, read: int) -> None:
        """The agenda again, every item with its details: drawn into the same rows when they are the
        same (`on_agenda_read`)."""
        self.post_message(AgendaRead(build_agenda(start, end, member), None, read, member))

    def _details_after_frame(self, agenda: Agenda, read: int) -> None:
        if read == self._reads and self.agenda is agenda:  # no newer read asked for meanwhile
            self._load_details(agenda.start, agenda.end, self._member_id, read)

    def action_whose(self) -> None:
        """Mine, then the team's, then each other member's, and round again."""
        choices: list[str | int] = ["mine", "team"] + [m.id for m in self._members]
        at = choices.index(self.whose) if self.whose in choices else 0
        self.whose = choices[(at + 1) % len(choices)]
        self.reload()

    def on_agenda_read(self, message: AgendaRead) -> None:
        if message.read != self._reads:
            return  # overtaken: a newer read was asked for (a write, `m`, a new day), and comes
        if message.members is not None:
            self._members = message.members
        self._member_id = message.member_id
        self._show(message.agenda)
        if message.agenda.pending:  # once this is drawn, the rest of what its rows say
            agenda, read = message.agenda, message.read
            self.query_one("#agenda-table", AgendaTable).after_drawn(
                lambda: self._details_after_frame(agenda, read))

    def _show(self, agenda: Agenda) -> None:
        """Put `agenda` in the table, narrowed by the `/` filter, keeping the cursor on its item."""
        today = agenda.today
        keep = self._current_row()
        # Where the cursor goes once the rows are rebuilt: the same item, or when it left the list
        # (logged, snoozed, skipped, thanked) the first of the items that followed it still there,
        # else the one before it.
        place = self.rows.index(keep) if keep is not None else -1

        def ident(row: Row) -> tuple[int, str]:
            return _ident(row.item)

        wanted = [ident(row) for row in self.rows[place:] if row.item is not None] if keep else []
        wanted += [ident(row) for row in reversed(self.rows[:max(place, 0)]) if row.item is not None]
        first = self.agenda is None
        self.agenda = agenda
        rows = agenda_rows(self._narrowed(agenda), today)
        table = self.query_one("#agenda-table", AgendaTable)
        same = len(rows) == len(self.rows) and all(
            _same_row(a) == _same_row(b) for a, b in zip(rows, self.rows, strict=True))
        if same:
            # The same rows, some saying more (the details read after the first frame, or another
            # contact's log): their texts are redrawn, the table is not built again.
            for texts, row in zip(self._texts, rows, strict=True):
                if texts is not None and row.item is not None:
                    texts.show(row.item, today)
            self.rows = rows
            table.redraw_cells()
        else:
            self.rows = rows
            table.clear()
            # Every row at once, the whole week, so keys never meet a half-filled list: a row's
            # texts are worked out when it is first drawn, and the table draws only what is on screen.
            self._texts = [None if row.item is None else _ItemTexts(row.item, today) for row in rows]
            table.add_rows_at_once([(row.key, self._row_cells(row, texts))
                                    for row, texts in zip(rows, self._texts, strict=True)])
        self._loaded = True
        self._update_title(agenda, today)
        empty = self.query_one("#agenda-empty", Static)
        filtered = bool(self.query_one("#agenda-find", ListFilter).value.strip())
        empty.update(user_text("" if self.rows else "Nobody here matches the filter: / then esc clears it"
                               if filtered else "Nothing due this week. Press 4 to see the plan."))
        empty.display = not self.rows
        self._restore_cursor(wanted)
        if first:
            table.after_drawn(lambda: self.app.post_message(FirstFrame()))

    @staticmethod
    def _row_cells(row: Row, texts: _ItemTexts | None) -> list[Text] | _ItemTexts:
        if texts is None:
            return [Text(row.title, style="bold reverse")] + [Text("")] * (len(COLUMNS) - 1)
        return texts

    def _narrowed(self, agenda):
        """The agenda with only the items the `/` filter matches (section counts follow)."""
        return narrowed(agenda, self.query_one("#agenda-find", ListFilter).value)

    def action_find(self) -> None:
        self.query_one("#agenda-find", ListFilter).open()

    @on(Input.Changed, "#agenda-find")
    def _find_changed(self) -> None:
        if self.agenda is not None:
            self._show(self.agenda)  # the agenda shown, narrowed again: nothing is read

    def _update_title(self, agenda, today: dt.date) -> None:
        year, week, _ = today.isocalendar()
        # From the agenda itself, not the rows: a `/` filter narrows the list, not the day's count.
        # Today counts its calls already made too, as the Today section lists them (ticked).
        today_count = sum(len(items) for day, items in agenda.days if day == today) + len(agenda.done)
        week_count = sum(len(items) for day, items in agenda.days) + len(agenda.done)
        values = {"day": f"{today:%a %d %b} W{week:02d}", "over": str(len(agenda.overdue)), "today": str(today_count),
                  "thanks": str(agenda.thanks_owed),
                  "whose": "" if not self._members else f" · {agenda.member or 'team'}"}
        if agenda.done:  # the day's progress takes the week's place: the line stays within 80 columns
            text = ("[b]Agenda[/b]$whose $day · overdue [b]$over[/b] · today [b]$today[/b] · "
                    "[b]$done of $calls[/b] done · thanks owed [b]$thanks[/b]")
            values |= {"done": str(len(agenda.done)), "calls": str(agenda.today_calls)}
        else:
            text = ("[b]Agenda[/b]$whose $day · overdue [b]$over[/b] · today [b]$today[/b] · "
                    "thanks owed [b]$thanks[/b] · to $end [b]$week_count[/b]")
            values |= {"end": f"{self.range[1]:%a %d %b}", "week_count": str(week_count)}
        self.query_one("#agenda-title", Static).update(safe_markup(text, **values))

    def _restore_cursor(self, wanted: list[tuple[int, str]]) -> None:
        table = self.query_one("#agenda-table", DataTable)
        target = None
        if wanted:  # (none on the first read)
            where = {_ident(r.item): n for n, r in enumerate(self.rows) if r.item is not None}
            target = next((where[ident] for ident in wanted if ident in where), None)
        if target is None:
            target = min(self._last_row, len(self.rows) - 1)
        if target < 0:
            self._highlight_changed(None, force=True)
            return
        if self.rows[target].item is None:
            target = next((n for n in range(target, len(self.rows)) if self.rows[n].item is not None), target)
        table.move_cursor(row=target, animate=False)
        self._highlight_changed(self.rows[target], force=True)  # the data changed: reload the panel

    # ----------------------------------------------------------------- cursor
    def _is_header(self, index: int) -> bool:
        return 0 <= index < len(self.rows) and self.rows[index].item is None

    def _current_row(self) -> Row | None:
        if not self.rows:
            return None
        table = self.query_one("#agenda-table", DataTable)
        index = table.cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def current_item(self) -> AgendaItem | None:
        row = self._current_row()
        return row.item if row is not None else None

    def highlighted_contact_id(self) -> int | None:
        item = self.current_item()
        return item.contact_id if item is not None else None

    def highlighted_contact_label(self) -> tuple[str, str] | None:
        item = self.current_item()
        return (item.name, item.company) if item is not None else None

    @on(DataTable.RowHighlighted, "#agenda-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        index = event.cursor_row
        if index != event.data_table.cursor_row:
            return  # sent before the rows were rebuilt and the cursor put back: out of date
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        if row.item is None and any(r.item is not None for r in self.rows):
            # A section header reached by page keys or the mouse (the table's own keys step over
            # headers): step over it in the direction the cursor was going.
            step = -1 if index < self._last_row and index > 0 else 1
            target = index + step
            while 0 <= target < len(self.rows) and self.rows[target].item is None:
                target += step
            if not 0 <= target < len(self.rows):
                target = index - step
                while 0 <= target < len(self.rows) and self.rows[target].item is None:
                    target -= step
            self._last_row = index
            event.data_table.move_cursor(row=target, animate=False)
            return
        self._last_row = index
        self._highlight_changed(row)

    def _highlight_changed(self, row: Row | None, *, force: bool = False) -> None:
        item = row.item if row is not None else None
        self.query_one("#agenda-panel", ContactPanel).show(item.contact_id if item is not None else None, force=force)
        # The footer (`check_action`) dims the item's actions when nothing is highlighted, and
        # snooze and skip on anything but a call; it redraws its keys only when they change.
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.ITEM_ACTIONS and self.current_item() is None:
            return None  # shown dimmed: nothing highlighted
        if action in {"snooze", "skip"}:
            item = self.current_item()
            if item is not None and item.kind != AgendaKind.CALL:
                return None
        return True

    # ----------------------------------------------------------------- actions
    def action_log(self) -> None:
        # The app's quick-log reads `highlighted_contact_id()` of this screen.
        self.app.action_quick_log()  # type: ignore[attr-defined]

    @on(DataTable.RowSelected, "#agenda-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open_contact()

    def action_open_contact(self) -> None:
        self.app.action_open_contact()  # type: ignore[attr-defined]
