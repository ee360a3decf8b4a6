"""The ledger screen: who helped whom, per contact, with the highlighted contact's entries below.

Filters answer the three questions people bring here: whom do I owe a thank-you (`o`), who gives
and never gets (`y`, one-way), and whom should I help back (`b`, give-back, best first). `f` and
`r` record a favour given or received, `t` marks thanks. Reads and writes run in thread workers.
"""

from __future__ import annotations

from array import array

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from planner.core import dates
from planner.core.textsafe import clean_line, fold
from planner.core.vocabulary import FavorDirection
from screens import stylesheets
from screens.messages import Announce, DataChanged
from screens.packed_text import POS, Texts
from screens.text import UNDO_HINT, plain, safe_markup, user_text
from screens.widgets.empty_hint import EmptyHint
from screens.widgets.keys_footer import KeysFooter
from screens.widgets.list_filter import ListFilter
from screens.widgets.list_table import ListTable
from screens.widgets.virtual_table import Cell, Column, VirtualTable
from screens.workers import WorkerScreen, thread_worker

LEDGER_COLUMNS = (Column("Name", 22), Column("Company", 16), Column("Gave", 5, True), Column("Got", 5, True),
                  Column("Balance", 8, True), Column("Flags", 14), Column("Last gave", 11), Column("Last got", 11))
ENTRY_COLUMNS = (("Date", 11), ("Way", 8), ("Kind", 14), ("W", 2), ("Thanks", 16), ("Note", 40))
FILTERS = (("owed", "thanks owed"), ("one_way", "one-way"), ("give_back", "give-back"))


def flags_text(row) -> str:
    flags = []
    if row.owes_thanks:
        flags.append("thank")
    if row.one_way:
        flags.append("one-way")
    return ", ".join(flags)


def ledger_cells(row) -> list[Cell]:
    """One ledger line, drawn only when it scrolls into view (screens/widgets/virtual_table.py)."""
    balance = f"+{row.balance}" if row.balance > 0 else str(row.balance)
    return [
        (clean_line(row.name), "bold"),
        (clean_line(row.company), ""),
        (str(row.given), ""),
        (str(row.received), ""),
        (balance, "bold" if row.balance < 0 else ""),
        (flags_text(row), "bold" if row.owes_thanks else ""),
        (f"{row.last_gave:%d %b %Y}" if row.last_gave else "—", ""),
        (f"{row.last_received:%d %b %Y}" if row.last_received else "—", ""),
    ]


def thanks_text(favor) -> str:
    if favor.direction != FavorDirection.RECEIVED:
        return ""
    if favor.thanked_at is not None:
        return f"thanked {favor.thanked_at.astimezone():%d %b}"
    if favor.thank_due is not None:
        return f"due {dates.humanize_day(favor.thank_due)}"
    return "not thanked"


def entry_cells(favor, by_id: dict | None = None) -> list[Text]:
    """One ledger entry; a favour that returns another says which ("↩ 02 Jun introduction")."""
    note = clean_line(favor.note)
    original = (by_id or {}).get(favor.returns_id) if favor.returns_id else None
    if original is not None:
        note = f"↩ {original.date:%d %b} {clean_line(original.kind)}" + (f" · {note}" if note else "")
    return [
        Text(f"{favor.date:%d %b %Y}"),
        Text(favor.direction),
        Text(clean_line(favor.kind)),
        Text(str(favor.weight)),
        Text(thanks_text(favor), style="bold" if favor.open_thanks else "dim"),
        Text(note),
    ]


class LedgerRead(Message):
    """The ledger rows for the filters asked, read in a worker."""

    def __init__(self, rows: list, filters: dict[str, bool], folded: Texts) -> None:
        super().__init__()
        self.rows = rows
        self.filters = filters
        self.folded = folded  # each row's name and company, folded once here for the `/` filter


class EntriesRead(Message):
    """One contact's favours, read in a worker."""

    def __init__(self, contact_id: int, entries: list, placements: str = "") -> None:
        super().__init__()
        self.placements = placements  # "3 placements since 2024", or ""
        self.contact_id = contact_id
        self.entries = entries


class LedgerScreen(WorkerScreen[None]):
    CSS_PATH = stylesheets.LEDGER
    BINDINGS = [
        # `f`, not `g`: g and G go to the first and last row, as in every list.
        Binding("f", "favor('gave')", "Gave a favour", id="ledger.gave", tooltip="Record a favour you did them"),
        Binding("r", "favor('received')", "Received a favour", id="ledger.received",
                tooltip="Record a favour they did you (a thank-you task follows)"),
        Binding("t", "thanked", "Mark thanked", id="ledger.thanked", show=False,
                tooltip="The highlighted received favour, or all of the contact's"),
        Binding("o", "toggle_filter('owed')", "Filter: thanks owed", id="ledger.owed", show=False,
                tooltip="Only people with a received favour not thanked yet"),
        Binding("y", "toggle_filter('one_way')", "Filter: one-way", id="ledger.one_way", show=False,
                tooltip="They give much more than they get"),
        Binding("b", "toggle_filter('give_back')", "Filter: give-back", id="ledger.give_back", show=False,
                tooltip="Helped you, nothing given back in 6 months"),
        Binding("a", "clear_filters", "Show all", id="ledger.all", show=False, tooltip="Clear the filters"),
        Binding("slash", "find", "Filter", id="ledger.find", show=False,
                tooltip="Filter by name or company as you type"),
        Binding("l", "log", "Log call", id="ledger.log", show=False, tooltip="Log a call with the highlighted contact"),
        Binding("enter", "open_contact", "Open contact", id="ledger.open", show=False,
                tooltip="History, ledger, planned calls, notes"),
    ]
    CONTACT_ACTIONS = {"favor", "thanked", "log", "open_contact"}

    def __init__(self) -> None:
        super().__init__(id="ledger-screen")
        self.filters = {name: False for name, _ in FILTERS}
        self.rows: list = []  # the rows shown: what was read, narrowed by the `/` filter
        self.all_rows: list = []
        self._folded = Texts()  # each of all_rows' name and company, folded
        self.entries: list = []
        self._entries_for: int | None = None
        self._loading = True  # rows asked for and not read yet

    def compose(self) -> ComposeResult:
        yield Static(user_text("Ledger · loading…"), id="ledger-title")
        yield ListFilter(back="#ledger-table", id="ledger-find")
        with Vertical(id="ledger-body"):
            yield EmptyHint(id="ledger-empty-hint")
            yield VirtualTable(LEDGER_COLUMNS, ledger_cells, id="ledger-table")
            yield Static(user_text(""), id="ledger-entries-title", classes="section-title")
            entries: DataTable = ListTable(id="ledger-entries")
            for label, width in ENTRY_COLUMNS:
                entries.add_column(label, width=width, key=label)
            yield entries
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#ledger-table", VirtualTable).focus()
        self.reload()

    # ----------------------------------------------------------------- loading
    def on_data_changed(self, message: DataChanged) -> None:
        self._entries_for = None
        self.reload()

    def reload(self) -> None:
        """Read the rows again in a worker. Until they come, the rows on screen are out of date:
        the table hides them and takes no keys, and nothing acts on a highlighted row."""
        self._loading = True
        self.query_one("#ledger-table", VirtualTable).loading_rows = True
        self._update_title()
        self.refresh_bindings()
        self._load(dict(self.filters))

    @thread_worker(group="ledger-load", failure="Could not read the ledger")
    def _load(self, filters: dict[str, bool]) -> None:
        from planner.services.ledger import ledger_rows

        rows = ledger_rows(**filters)
        folded = Texts()  # kept while the screen is: packed, not a string per row
        for row in rows:
            folded.append(fold(f"{row.name} {row.company}"))
        self.post_message(LedgerRead(rows, filters, folded))

    def on_ledger_read(self, message: LedgerRead) -> None:
        rows, filters = message.rows, message.filters
        if filters != self.filters:
            return  # a newer filter is loading
        self.all_rows = rows
        self._folded = message.folded
        self._loading = False
        self._show_rows()
        self.refresh_bindings()

    @on(Input.Changed, "#ledger-find")
    def _find_changed(self) -> None:
        if not self._loading:  # else the rows being read are narrowed when they come
            self._show_rows()

    def action_find(self) -> None:
        self.query_one("#ledger-find", ListFilter).open()

    def _show_rows(self) -> None:
        query = self.query_one("#ledger-find", ListFilter).value
        words = fold(query).split()
        rows = self.all_rows
        if words:
            found = array(POS, range(len(rows)))
            for word in words:
                found = self._folded.containing(found, word)
            rows = [rows[p] for p in found]
        keep = self.highlighted_contact_id()
        emptied = bool(self.rows) != bool(rows)
        self.rows = rows
        table = self.query_one("#ledger-table", VirtualTable)
        self._update_title()
        target = next((n for n, r in enumerate(rows) if r.contact_id == keep), 0)
        table.set_rows(rows, target)
        self._load_entries_for(rows[target].contact_id if rows else None)
        if emptied:  # the keys on one contact dim or come back (the `/` filter left nobody, or someone)
            self.refresh_bindings()

    def _update_title(self) -> None:
        active = [label for name, label in FILTERS if self.filters[name]]
        shown = ", ".join(active) if active else "everyone"
        self.query_one("#ledger-title", Static).update(
            safe_markup("[b]Ledger[/b] $shown · $n  [dim]o owed · y one-way · b give-back · a all[/]",
                        shown=shown, n="loading…" if self._loading else str(len(self.rows)))
        )

    @on(VirtualTable.RowHighlighted, "#ledger-table")
    def _row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        # No refresh of the bindings: a row is highlighted before and after, the same keys work
        # (each refresh rebuilds the footer, a few milliseconds an arrow key).
        if 0 <= event.cursor_row < len(self.rows):
            self._load_entries_for(self.rows[event.cursor_row].contact_id)

    def _load_entries_for(self, contact_id: int | None) -> None:
        if contact_id == self._entries_for:
            return
        self._entries_for = contact_id
        if contact_id is None:
            self.entries = []
            self.query_one("#ledger-entries", DataTable).clear()
            self.query_one("#ledger-entries-title", Static).update(
                user_text("No favours recorded yet: f gave, r received (from the contacts screen: f)")
                if not any(self.filters.values()) else user_text("Nobody matches these filters; a shows all")
            )
            return
        self._load_entries(contact_id)

    @thread_worker(group="ledger-entries", failure="Could not read the favours")
    def _load_entries(self, contact_id: int) -> None:
        from planner.services.ledger import contact_ledger
        from planner.services.placements import placement_words

        # fails e.g. when another session deleted the contact: the one notification says so
        self.post_message(EntriesRead(contact_id, contact_ledger(contact_id), placement_words(contact_id)))

    def on_entries_read(self, message: EntriesRead) -> None:
        contact_id, entries = message.contact_id, message.entries
        if contact_id != self._entries_for:
            return
        self.entries = entries
        table = self.query_one("#ledger-entries", DataTable)
        table.clear()
        by_id = {favor.id: favor for favor in entries}
        for favor in entries:
            table.add_row(*entry_cells(favor, by_id), key=str(favor.id))
        name = next((r.name for r in self.rows if r.contact_id == contact_id),
                    entries[0].contact_name if entries else "")
        self.query_one("#ledger-entries-title", Static).update(
            safe_markup("Favours with $name ($n)$placed", name=name, n=str(len(entries)),
                        placed=f" · {message.placements}" if message.placements else "")
        )

    # ----------------------------------------------------------------- state
    def highlighted_row(self):
        if self._loading:
            return None  # the rows on screen are out of date: nothing may act on them
        table = self.query_one("#ledger-table", VirtualTable)
        index = table.cursor_row
        return self.rows[index] if self.rows and 0 <= index < len(self.rows) else None

    def highlighted_contact_id(self) -> int | None:
        row = self.highlighted_row()
        return row.contact_id if row is not None else None

    def highlighted_contact_label(self) -> tuple[str, str] | None:
        row = self.highlighted_row()
        return (row.name, row.company) if row is not None else None

    def highlighted_favor(self):
        table = self.query_one("#ledger-entries", DataTable)
        if not table.has_focus or not self.entries:
            return None
        index = table.cursor_row
        return self.entries[index] if 0 <= index < len(self.entries) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.CONTACT_ACTIONS and self.highlighted_row() is None:
            return None
        return True

    # ----------------------------------------------------------------- actions
    def _say(self, message: str) -> None:
        self.app.notify(plain(message), markup=False)

    def action_toggle_filter(self, name: str) -> None:
        self.filters[name] = not self.filters[name]
        self._update_title()
        self.reload()

    def action_clear_filters(self) -> None:
        self.filters = {name: False for name, _ in FILTERS}
        self._update_title()
        self.reload()

    def action_favor(self, direction: str) -> None:
        row = self.highlighted_row()
        if row is None:
            return
        from screens.dialogs.favor_entry import FavorEntry

        def saved(favor) -> None:
            if favor is not None:
                verb = "gave" if favor.direction == FavorDirection.GAVE else "received from"
                self._say(f"Recorded: you {verb} {row.name} ({favor.kind}){UNDO_HINT}")
                self.app.post_message(DataChanged([row.contact_id]))

        self.app.push_screen(FavorEntry(row.contact_id, row.name, direction), callback=saved)

    def action_thanked(self) -> None:
        row = self.highlighted_row()
        if row is None:
            return
        favor = self.highlighted_favor()
        favor_id = favor.id if favor is not None and favor.open_thanks else None
        self._thank(row.contact_id, favor_id, row.name)

    @thread_worker(group="ledger-write", failure="Could not mark thanked", exclusive=False)
    def _thank(self, contact_id: int, favor_id: int | None, name: str) -> None:
        from planner.services.ledger import thank

        done = thank(favor_id=favor_id) if favor_id is not None else thank(contact_id=contact_id)
        count = "1 favour" if len(done) == 1 else f"{len(done)} favours"
        self.post_message(Announce(f"Thanked {name} for {count}", contact_ids=[contact_id]))

    def action_log(self) -> None:
        # The app's quick-log reads `highlighted_contact_id()` of this screen.
        self.app.action_quick_log()  # type: ignore[attr-defined]

    @on(VirtualTable.RowSelected, "#ledger-table")
    def action_open_contact(self) -> None:
        self.app.action_open_contact()  # type: ignore[attr-defined]
