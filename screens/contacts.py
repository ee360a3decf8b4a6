"""The Contacts screen (`2`): everyone in a table, filtered as you type, edited from the keyboard.

Contacts load in a thread worker as compact list rows (one query, planner/services/contact_views.py);
filtering and sorting run in memory over that index (screens/contact_filter.py) and the virtual
table draws only what is visible, so a keystroke stays fast on 100k contacts. Every write happens
in a worker and is announced with `DataChanged`; the
app's `u` undoes it (an archive, a merge, an edit...: screens/app.py).

A first load shows the first page of names as soon as it is read (a few tenths of a second at
100k), then reads everyone (seconds at 100k). Meanwhile the status line says so, and keys never
act on rows that are not the loaded ones: sort, reverse and the filter are kept and applied to the
rows once they are all in (what was typed is what the user wants; a filter typed meanwhile hides
the first page rather than filter part of the list), while keys that act on one contact (edit,
log, favour, archive, open) do nothing but say why: the row under the cursor may be gone or
changed. Only the newest load lands; an older one still running
(the archived list toggled, another write meanwhile) is dropped when it finishes.
"""

from __future__ import annotations

import datetime as dt
import time

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from planner.core import dates
from screens import stylesheets
from screens.contact_filter import EMPTY, Entry, FilterError, Rows, filter_rows, load_rows, refines, sort_rows
from screens.dialogs.confirm_merge import Person
from screens.messages import DataChanged
from screens.text import safe_markup, toast, user_text
from screens.widgets.contact_table import Column, ContactTable
from screens.widgets.empty_hint import EmptyHint
from screens.widgets.keys_footer import KeysFooter
from screens.workers import WorkerScreen, thread_worker

COLUMNS = [
    Column("name", "Name", weight=3),
    Column("company", "Company", weight=2),
    Column("tags", "Tags", width=16, narrow=False),
    Column("cadence", "Every", width=9, narrow=False),
    Column("last", "Last contact", width=14),
    Column("next", "Next call", width=15),
    Column("balance", "Bal", width=4, align_right=True),
]
SORT_ORDER = [c.key for c in COLUMNS]
LOADING_SHOWN_AFTER = 0.3  # a reload shorter than this does not flash "Loading" in the status line
FILTERS_KEPT = 16  # queries whose results are kept for typing on and backspacing
FIRST_PAGE = 100  # rows shown before everyone is read: more than a tall terminal shows


class ContactsRead(Message):
    """Every contact (or every archived one) as table entries, sorted, read in a worker: load
    `number`, sorted by `sorted_by` (the sort key and reverse as they were when it started)."""

    def __init__(self, number: int, entries: Rows, sorted_by: tuple[str, bool]) -> None:
        super().__init__()
        self.number = number
        self.entries = entries
        self.sorted_by = sorted_by


class PageRead(Message):
    """The first page of a first load (`number`), by name, and how many contacts there are."""

    def __init__(self, number: int, entries: Rows, total: int) -> None:
        super().__init__()
        self.number = number
        self.entries = entries
        self.total = total


class ViewRead(Message):
    """The full view of a contact to edit, read in a worker."""

    def __init__(self, view) -> None:
        super().__init__()
        self.view = view


class DuplicateRead(Message):
    """The highlighted contact's likely duplicate (both None: it has none), read in a worker."""

    def __init__(self, contact_name: str, keep: Person | None, other: Person | None, reasons: list[str]) -> None:
        super().__init__()
        self.contact_name = contact_name
        self.keep = keep
        self.other = other
        self.reasons = reasons


class Merged(Message):
    """A merge is stored."""

    def __init__(self, keep_id: int, keep_name: str, other_id: int, other_name: str) -> None:
        super().__init__()
        self.keep_id = keep_id
        self.keep_name = keep_name
        self.other_id = other_id
        self.other_name = other_name


class ContactsScreen(WorkerScreen[None]):
    """Contacts table with a filter box; n/e/d/l/f/i/m act on the highlighted contact (`u`, the app's,
    undoes)."""

    CSS_PATH = stylesheets.CONTACTS
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="contacts.filter", tooltip="Filter: words, tag:, company:, due:"),
        Binding("n", "new", "New", id="contacts.new", tooltip="Add a contact"),
        Binding("e", "edit", "Edit", id="contacts.edit", tooltip="Edit the highlighted contact"),
        Binding("l", "log", "Log", id="contacts.log", tooltip="Log a call with the highlighted contact"),
        Binding("f", "favor", "Favour", id="contacts.favor", show=False, tooltip="Record a favour given or received"),
        Binding("d", "archive", "Archive", id="contacts.archive", show=False,
                tooltip="Archive the highlighted contact"),
        Binding("m", "merge", "Merge", id="contacts.merge", show=False,
                tooltip="Merge the highlighted contact with its likely duplicate"),
        Binding("i", "import", "Import", id="contacts.import", tooltip="Import a vCard, LinkedIn or Google CSV"),
        Binding("a", "toggle_archived", "Archived", id="contacts.archived", show=False,
                tooltip="Show archived contacts (d brings one back) or the active ones again"),
        Binding("s", "sort", "Sort", id="contacts.sort", show=False, tooltip="Sort by the next column"),
        Binding("r", "reverse", "Reverse", id="contacts.reverse", show=False, tooltip="Reverse the sort order"),
        Binding("escape", "leave_filter", "Back to table", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: Rows = EMPTY  # every loaded contact, in the current sort order
        self.shown: Rows = EMPTY
        self.sort_key = "name"
        self.sort_reverse = False
        self._loaded_once = False
        self._filters: dict[str, Rows] = {}  # recent queries and what they left of `_filters_of`
        self._filters_of: Rows | None = None
        self._page: Rows = EMPTY  # the first page of a first load, shown until everyone is in
        self._page_total = 0
        self._loads = 0  # numbers each load: only the newest one's rows are shown
        # Not Textual's `loading` (which covers the whole screen with an indicator, first page and
        # all): the status line says it, and the rows stay readable.
        self.reading = False
        self._loading_since = 0.0
        self._newest_load: Worker | None = None  # its failure ends the loading state
        self._keep: int | None = None
        self.show_archived = False
        self._archiving: dict[Worker, tuple[int, str, bool]] = {}  # running archive writes: what each does

    def compose(self) -> ComposeResult:
        # A one-line title bar like the agenda, ledger and plan have (no clock Header on one screen only).
        yield Static(user_text("Contacts"), id="contacts-title", classes="screen-title")
        yield Input(placeholder="/ filter: words, tag:client, company:hooli, due:overdue|today|week",
                    id="contacts-filter")
        yield Static(user_text("Loading contacts…"), id="contacts-status", classes="muted")
        yield EmptyHint(id="contacts-empty-hint")
        yield ContactTable(COLUMNS, id="contacts-table")
        yield KeysFooter()

    @property
    def table(self) -> ContactTable:
        return self.query_one("#contacts-table", ContactTable)

    def on_mount(self) -> None:
        self.table.sort_key = self.sort_key
        self.table.focus()
        self.load()

    def highlighted_contact_id(self) -> int | None:
        return self.table.cursor_key

    def highlighted_contact_label(self) -> tuple[str, str] | None:
        entry = self._highlighted_entry()
        return (entry.name, entry.company_name) if entry is not None else None

    def _highlighted_entry(self) -> Entry | None:
        cursor = self.table.cursor
        return self.shown[cursor] if self.table.rows is self.shown and 0 <= cursor < len(self.shown) else None

    # ----------------------------------------------------------------- loading
    def load(self) -> None:
        self._loads += 1
        self.reading = True
        self._loading_since = time.monotonic()
        self._newest_load = self._load(self._loads, self.show_archived, self.sort_key, self.sort_reverse,
                                       first=not self.entries)
        self.set_timer(LOADING_SHOWN_AFTER, self._show_status)

    # Not exclusive: cancelling a thread does not stop it, and a cancelled worker fails whoever
    # waits for it; an older load's rows are dropped in `on_contacts_read` instead.
    @thread_worker(group="contacts-load", failure="Could not load contacts", exclusive=False)
    def _load(self, number: int, archived: bool, sort_key: str, sort_reverse: bool, first: bool) -> None:
        from planner.services.contacts import count_listed, list_rows

        today = dates.today()
        if first:  # nothing on screen yet: the first names now, everyone after
            page = load_rows(list_rows(archived=archived, limit=FIRST_PAGE), today)
            self.post_message(PageRead(number, page, count_listed(archived=archived)))
        entries = load_rows(list_rows(archived=archived), today)  # already by name
        if (sort_key, sort_reverse) != ("name", False):
            entries = sort_rows(entries, sort_key, sort_reverse)
        self.post_message(ContactsRead(number, entries, (sort_key, sort_reverse)))

    def on_page_read(self, message: PageRead) -> None:
        if message.number != self._loads or self._loaded_once:
            return  # a newer load is on its way, or rows are already shown
        self._page, self._page_total = message.entries, message.total
        self.apply_filter()

    def on_contacts_read(self, message: ContactsRead) -> None:
        if message.number != self._loads:
            return  # a newer load is on its way
        entries = message.entries
        if message.sorted_by != (self.sort_key, self.sort_reverse):  # s or r pressed while loading
            entries = sort_rows(entries, self.sort_key, self.sort_reverse)
        self.entries = entries
        self._page = EMPTY
        self._loaded_once = True
        self.reading = False
        self.table.invalidate()
        keep, self._keep = self._keep, None
        self.apply_filter(keep=keep)

    def on_data_changed(self, message: DataChanged) -> None:
        self.load()

    # ----------------------------------------------------------------- filter and sort
    @on(Input.Changed, "#contacts-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.apply_filter()

    def apply_filter(self, keep: int | None = None) -> None:
        query = self.query_one("#contacts-filter", Input).value
        status = self.query_one("#contacts-status", Static)
        today = dates.today()
        try:
            self.shown = self._filtered(query, today)
            if not self._loaded_once and not query:
                self.shown = self._page  # by name, the order everyone will come in
        except FilterError as exc:
            status.update(safe_markup("[b]$msg[/b]", msg=str(exc)), layout=False)
            status.add_class("error-text")
            return
        status.remove_class("error-text")
        self.table.sort_key, self.table.sort_reverse = self.sort_key, self.sort_reverse
        had_rows = bool(self.table.rows)
        self.table.set_rows(self.shown, keep=keep)  # entries are rows: nothing rebuilt per keystroke
        if had_rows != bool(self.shown):
            self.refresh_bindings()  # e, l, f, d dim when nothing is highlighted
        self._show_status()

    def _filtered(self, query: str, today: dt.date) -> Rows:
        """`filter_rows` of the loaded entries, remembering the last few queries: typing on tests
        only what the query before it left (`refines`), and backspacing finds what it left again;
        so a keystroke on 100,000 contacts rarely scans them all."""
        if self._filters_of is not self.entries:
            self._filters, self._filters_of = {}, self.entries
        found = self._filters.pop(query, None)
        if found is None:
            base = self.entries
            for earlier in reversed(self._filters):  # the newest that the query narrows
                if refines(earlier, query, today):
                    base = self._filters[earlier]
                    break
            found = filter_rows(base, query, today)
        self._filters[query] = found
        while len(self._filters) > FILTERS_KEPT:
            del self._filters[next(iter(self._filters))]
        return found

    def _show_status(self) -> None:
        status = self.query_one("#contacts-status", Static)
        if status.has_class("error-text"):
            return  # the filter's own error stays until it is fixed
        label = next(c.label for c in COLUMNS if c.key == self.sort_key)
        order = "descending" if self.sort_reverse else "ascending"
        if self.reading and self._page and not self._loaded_once:
            status.update(safe_markup("Loading contacts… the first $shown of $total shown · will show sorted by "
                                      "$label, $order; filter and keys on one contact work once all are in",
                                      shown=f"{len(self.shown):,}", total=f"{self._page_total:,}", label=label,
                                      order=order), layout=False)
            return
        if self.reading and (not self._loaded_once
                             or time.monotonic() - self._loading_since >= LOADING_SHOWN_AFTER):
            status.update(safe_markup("Loading contacts… · will show sorted by $label, $order; keys on one "
                                      "contact work once they are in", label=label, order=order), layout=False)
            return
        if not self._loaded_once:
            return
        which = "archived contacts (d brings back, a shows active)" if self.show_archived else "contacts"
        status.update(safe_markup("$shown of $total $which · sorted by $label, $order (s, r)",
                                  shown=f"{len(self.shown):,}", total=f"{len(self.entries):,}", which=which,
                                  label=label, order=order), layout=False)

    def action_filter(self) -> None:
        self.query_one("#contacts-filter", Input).focus()

    @on(Input.Submitted, "#contacts-filter")
    def action_leave_filter(self) -> None:
        """From the filter box: back to the table. In the table: clear the filter."""
        box = self.query_one("#contacts-filter", Input)
        if self.focused is box:
            self.table.focus()
        elif box.value:
            box.value = ""

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one("#contacts-filter", Input):
            self.table.focus()
            event.stop()

    def action_sort(self) -> None:
        self.sort_key = SORT_ORDER[(SORT_ORDER.index(self.sort_key) + 1) % len(SORT_ORDER)]
        self.sort_reverse = False
        self._resort()

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._resort()

    def _resort(self) -> None:
        self.entries = sort_rows(self.entries, self.sort_key, self.sort_reverse)
        self.apply_filter()

    # ----------------------------------------------------------------- table events
    @on(ContactTable.Selected)
    def _open(self, event: ContactTable.Selected) -> None:
        from screens.contact_detail import ContactDetailScreen

        if self._still_loading():
            return
        self.app.push_screen(ContactDetailScreen(event.contact_id))

    # ----------------------------------------------------------------- actions
    def _still_loading(self) -> bool:
        """True (with a hint) while the rows on screen are not the ones being loaded: a key on one
        contact must not act on a row that may be gone or changed."""
        if self.reading:
            toast(self, user_text("Still loading contacts: that key works once they are in"),
                        severity="warning", timeout=3)
        return self.reading

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"edit", "log", "favor", "archive", "merge"} and self.table.cursor_key is None:
            return None  # shown dimmed: nothing highlighted
        # merge: duplicates are searched among the active contacts
        return not (action == "merge" and self.show_archived)

    def action_new(self) -> None:
        from screens.dialogs.contact_form import ContactForm

        self.app.push_screen(ContactForm(None), callback=self._saved)

    def action_edit(self) -> None:

        if not self._still_loading() and (entry := self._highlighted_entry()) is not None:
            self._read_view(entry.key)

    @thread_worker(group="contacts-view", failure="Could not read the contact")
    def _read_view(self, contact_id: int) -> None:
        from planner.services.contacts import get_view

        self.post_message(ViewRead(get_view(contact_id)))

    def on_view_read(self, message: ViewRead) -> None:
        from screens.dialogs.contact_form import ContactForm

        if self.app.screen is self:  # not when another screen came up meanwhile
            self.app.push_screen(ContactForm(message.view), callback=self._saved)

    def _saved(self, view) -> None:
        if view is not None:
            toast(self, safe_markup("Saved $name · u to undo", name=view.name))
            self._keep = view.id  # put the cursor on it once the reload lands
            self.app.post_message(DataChanged([view.id]))

    def action_log(self) -> None:
        from screens.quick_log import QuickLogScreen

        if not self._still_loading() and (key := self.table.cursor_key) is not None:
            self.app.push_screen(QuickLogScreen(contact_id=key, label=self.highlighted_contact_label()))

    def action_favor(self) -> None:
        from screens.dialogs.favor_direction import FavorDirection

        if not self._still_loading() and (entry := self._highlighted_entry()) is not None:
            key, name = entry.key, entry.name
            self.app.push_screen(FavorDirection(name),
                                 callback=lambda direction: self._favor_direction(key, name, direction))

    def _favor_direction(self, contact_id: int, name: str, direction: str | None) -> None:
        from screens.dialogs.favor_entry import FavorEntry

        if direction is None:
            return

        def stored(favor) -> None:
            if favor is not None:
                toast(self, safe_markup("Favour $direction: $name · u to undo", direction=direction, name=name))
                self.app.post_message(DataChanged([contact_id]))

        self.app.push_screen(FavorEntry(contact_id, name, direction), callback=stored)

    def action_toggle_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.entries, self.shown, self._page = EMPTY, EMPTY, EMPTY
        self._loaded_once = False  # the other list's first page is shown as it comes
        self.table.set_rows(EMPTY)
        self.load()

    def action_archive(self) -> None:
        """Archive the highlighted contact; in the archived list, bring it back instead."""
        if not self._still_loading() and (entry := self._highlighted_entry()) is not None:
            self._set_archived(entry.key, entry.name, not self.show_archived)

    def _set_archived(self, contact_id: int, name: str, archived: bool) -> None:
        self._archiving[self._write_archived(contact_id, archived)] = (contact_id, name, archived)

    @thread_worker(group="contacts-write", failure="Not changed", exclusive=False)
    def _write_archived(self, contact_id: int, archived: bool) -> None:
        from planner.services.contacts import set_archived

        set_archived(contact_id, archived)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The newest load failed: no longer loading (the app says why). An archive (or bringing one
        back) finished."""
        if event.worker is self._newest_load and event.state is WorkerState.ERROR:
            self.reading = False
            self._show_status()
        if event.worker not in self._archiving or not event.worker.is_finished:
            return
        contact_id, name, archived = self._archiving.pop(event.worker)
        if event.state is WorkerState.SUCCESS:
            self._archived_done(contact_id, name, archived)

    def _archived_done(self, contact_id: int, name: str, archived: bool) -> None:
        if archived:
            toast(self, safe_markup("Archived $name · u to undo", name=name))
        elif self.show_archived:
            toast(self, safe_markup("Back among active contacts: $name · u to undo", name=name))
        else:
            toast(self, safe_markup("Back: $name · u to undo", name=name))
        self.refresh_bindings()
        self.app.post_message(DataChanged([contact_id]))

    def action_import(self) -> None:
        from screens.dialogs.import_file import ImportDialog

        def imported(report) -> None:
            if report is not None:
                if not report.dry_run and (report.added_ids or report.updated_ids):
                    toast(self, safe_markup("Imported: $added new, $updated updated · u to undo",
                                            added=len(report.added_ids), updated=len(report.updated_ids)))
                self.app.post_message(DataChanged(None))

        self.app.push_screen(ImportDialog(), callback=imported)

    # ----------------------------------------------------------------- merging duplicates
    def action_merge(self) -> None:
        if not self._still_loading() and (entry := self._highlighted_entry()) is not None:
            toast(self, safe_markup("Looking for a duplicate of $name…", name=entry.name), timeout=2)
            self._find_duplicate(entry.key, entry.name)

    @thread_worker(group="contacts-duplicate", failure="Could not look for duplicates")
    def _find_duplicate(self, contact_id: int, name: str) -> None:
        from planner.services.contacts import get_view
        from planner.services.duplicates import duplicate_of
        from screens.dialogs.confirm_merge import Person

        pair = duplicate_of(contact_id)
        if pair is None:
            self.post_message(DuplicateRead(name, None, None, []))
            return
        # the highlighted one is offered as the one kept: it is the one the user chose
        other_id = pair.b_id if pair.a_id == contact_id else pair.a_id
        keep, other = get_view(contact_id), get_view(other_id)
        self.post_message(DuplicateRead(name, Person(keep.id, keep.name, keep.title, keep.company),
                                        Person(other.id, other.name, other.title, other.company), pair.reasons))

    def on_duplicate_read(self, message: DuplicateRead) -> None:
        from screens.dialogs.confirm_merge import ConfirmMerge

        if message.keep is None or message.other is None:
            toast(self, safe_markup("No likely duplicate of $name", name=message.contact_name))
            return

        def chosen(ids: tuple[int, int] | None) -> None:
            if ids is not None:
                self._merge(*ids)

        self.app.push_screen(ConfirmMerge(message.keep, message.other, message.reasons), callback=chosen)

    @thread_worker(group="contacts-merge", failure="Not merged")
    def _merge(self, keep_id: int, other_id: int) -> None:
        from planner.services.merge import merge_contacts

        result = merge_contacts(keep_id, other_id)
        self.post_message(Merged(result.kept.id, result.kept.name, result.removed_id, result.removed_name))

    def on_merged(self, message: Merged) -> None:
        self._keep = message.keep_id
        toast(self, safe_markup("Merged $other into $keep · u to undo", other=message.other_name,
                                keep=message.keep_name))
        self.refresh_bindings()
        self.app.post_message(DataChanged([message.keep_id, message.other_id]))
