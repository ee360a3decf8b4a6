"""One contact in full (`enter` on the contacts table): details, notes, planned calls, history,
favours both ways, with their facts and placements near the top. Loaded in a worker; reloads on
`DataChanged`; l/e/f/s act on this contact (s starts a follow-up sequence). The history is a list
(tab to it): there `e` corrects the highlighted log and `d` deletes it, and the plan follows."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from planner.core import dates
from planner.core.cadence import describe_cadence
from planner.core.vocabulary import FavorDirection, PlanReason
from planner.services.contact_summary import ContactCall, InView
from planner.services.contact_views import ContactView
from screens import stylesheets
from screens.messages import Announce, DataChanged
from screens.text import UNDO_HINT, safe_markup, toast, user_block, user_text
from screens.widgets.history_table import HistoryTable
from screens.widgets.keys_footer import KeysFooter
from screens.workers import WorkerFailed, WorkerScreen, thread_worker

PLANNED_SHOWN = 12


@dataclass
class DetailData:
    view: ContactView
    history: list = field(default_factory=list)
    favors: list = field(default_factory=list)
    planned: list[ContactCall] = field(default_factory=list)
    in_view: InView | None = None  # facts, placements, the be-present nudge


def load_detail(contact_id: int) -> DetailData:
    """Everything the screen shows, read in one go (called from a thread worker)."""
    from planner.services.contact_summary import contact_calls, in_view
    from planner.services.contacts import get_view
    from planner.services.interactions.records import history
    from planner.services.ledger import contact_ledger

    view = get_view(contact_id)
    return DetailData(view, history(contact_id, limit=50), contact_ledger(contact_id),
                      contact_calls(contact_id, dates.today(), limit=PLANNED_SHOWN), in_view(contact_id))


def _lines(*parts: Content) -> Content:
    return Content("\n").join(parts)


def render_summary(view, seen: InView | None = None) -> Content:
    cadence = describe_cadence(view.cadence_days) if view.cadence_days else "never scheduled"
    source = {"contact": "own", "default": "default", None: ""}.get(view.cadence_from, view.cadence_from or "")
    rows = [
        safe_markup("[b]$name[/b]", name=view.name),
        safe_markup("$title · $company", title=view.title or "—", company=view.company or "—"),
    ]
    if seen is not None and seen.placements:
        rows.append(user_text(seen.placements))
    # What matters to them near the top, in view during a call.
    if seen is not None and seen.facts:
        rows.append(safe_markup("[b]Remember[/b] $facts", facts=" · ".join(seen.facts)))
    if seen is not None and seen.nudge:
        rows.append(safe_markup("[b $warning]$nudge[/]", nudge=seen.nudge))
    rows += [
        safe_markup("Kind: $kind   Every: $cadence ($source)   Balance: $balance",
                    kind=view.kind, cadence=cadence, source=source or "—",
                    balance=f"{view.balance:+d}" if view.balance else "even"),
        safe_markup("Emails: $v", v=", ".join(view.emails) or "—"),
        safe_markup("Phones: $v", v=", ".join(view.phones) or "—"),
        safe_markup("Tags: $v", v=", ".join(view.tags) or "—"),
        safe_markup("Time zone: $v", v=view.timezone or "—"),
    ]
    if view.archived:
        rows.append(safe_markup("[b]Archived[/b]"))
    return _lines(*rows)


def render_favors(favors: list) -> Content:
    if not favors:
        return user_text("No favours recorded.")
    rows = []
    for favor in favors:
        state = ""
        if favor.direction == FavorDirection.RECEIVED:
            state = " · thanked" if favor.thanked_at else (f" · thank by {favor.thank_due:%d %b}"
                                                          if favor.thank_due else "")
        rows.append(safe_markup("$day $direction $kind (weight $weight)$state · $note",
                                day=f"{favor.date:%Y-%m-%d}", direction=favor.direction, kind=favor.kind,
                                weight=favor.weight, state=state, note=favor.note or "—"))
    return _lines(*rows)


def render_planned(view, planned: list[ContactCall]) -> Content:
    if planned:
        rows = [safe_markup("$day $reason$pin", day=f"{c.date:%a %Y-%m-%d}", reason=c.reason,
                            pin=" (pinned)" if c.pinned else "") for c in planned[:PLANNED_SHOWN]]
        return _lines(*rows)
    if view.next_call:
        return safe_markup("Next call $day ($reason)", day=f"{view.next_call:%a %Y-%m-%d}",
                           reason=view.next_reason or PlanReason.CADENCE)
    return user_text("No call planned.")


class DetailRead(Message):
    """Everything the detail screen shows, read in a worker."""

    def __init__(self, data: DetailData) -> None:
        super().__init__()
        self.data = data


class ContactDetailScreen(WorkerScreen[None]):
    """Pushed over the contacts screen; escape, q or backspace goes back."""

    CSS_PATH = stylesheets.CONTACTS
    BINDINGS = [
        Binding("escape,q,backspace", "back", "Back", id="detail.back", tooltip="Back to the list you came from"),
        Binding("l", "log", "Log", id="detail.log", tooltip="Log a call with this contact"),
        Binding("e", "edit", "Edit", id="detail.edit",
                tooltip="Edit this contact (in the history list, tab, e edits the highlighted log)"),
        Binding("f", "favor", "Favour", id="detail.favor", tooltip="Record a favour given or received"),
        Binding("s", "sequence", "Sequence", id="detail.sequence",
                tooltip="Start a follow-up sequence: a placement, a new job, an interview, a deal closed"),
    ]

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.data: DetailData | None = None

    def compose(self) -> ComposeResult:
        yield Static(user_text("Contact"), id="detail-title", classes="screen-title")
        with VerticalScroll(id="detail"):
            yield Static(user_text("Loading…"), id="detail-summary")
            yield Static(user_text("Notes"), classes="section-title")
            yield Static(user_text(""), id="detail-notes")
            yield Static(user_text("Planned calls"), classes="section-title")
            yield Static(user_text(""), id="detail-planned")
            yield Static(user_text("History  (tab: e edits a log, d deletes it)"), classes="section-title")
            yield HistoryTable(id="detail-history")
            yield Static(user_text(""), id="detail-log-notes", classes="muted")
            yield Static(user_text("Favours"), classes="section-title")
            yield Static(user_text(""), id="detail-favors")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#detail", VerticalScroll).focus()  # arrows and page keys scroll
        self.load()

    def highlighted_contact_id(self) -> int | None:
        return self.contact_id

    def on_data_changed(self, message: DataChanged) -> None:
        if message.contact_ids is None or self.contact_id in message.contact_ids:
            self.load()

    @thread_worker(group="detail-load", failure="Could not load the contact")
    def load(self) -> None:
        self.post_message(DetailRead(load_detail(self.contact_id)))

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """Shown in place of the details (e.g. the contact was deleted in another session)."""
        if message.group == "detail-load":
            message.stop()
            self.query_one("#detail-summary", Static).update(user_text(message.notice))

    def on_detail_read(self, message: DetailRead) -> None:
        data = self.data = message.data
        self.query_one("#detail-title", Static).update(
            safe_markup("Contact · $name", name=data.view.name))
        self.query_one("#detail-summary", Static).update(render_summary(data.view, data.in_view))
        self.query_one("#detail-notes", Static).update(user_block(data.view.notes) if data.view.notes.strip()
                                                       else user_text("—"))
        self.query_one("#detail-planned", Static).update(render_planned(data.view, data.planned))
        history = self.query_one("#detail-history", HistoryTable)
        history.show(data.history)
        self.query_one("#detail-log-notes", Static).update(
            history.notes_line() if data.history else user_text("Nothing logged yet."))
        self.query_one("#detail-favors", Static).update(render_favors(data.favors))

    def on_data_table_row_highlighted(self, event: HistoryTable.RowHighlighted) -> None:
        if event.data_table.id == "detail-history" and self.data is not None and self.data.history:
            self.query_one("#detail-log-notes", Static).update(
                self.query_one("#detail-history", HistoryTable).notes_line())

    # ----------------------------------------------------------------- the history's logs
    def action_edit_log(self) -> None:
        """`e` in the history: correct the highlighted log; the plan follows (edit_interaction)."""
        from screens.dialogs.log_edit import LogEdit

        item = self.query_one("#detail-history", HistoryTable).current()
        if item is None:
            return

        def edited(view) -> None:
            if view is not None:
                toast(self, safe_markup("Log of $when updated" + UNDO_HINT, when=f"{view.happened_at:%d %b %H:%M}"))
                self.app.post_message(DataChanged([self.contact_id]))

        self.app.push_screen(LogEdit(item), callback=edited)

    def action_delete_log(self) -> None:
        """`d` in the history: delete the highlighted log after asking; the plan follows."""
        from screens.dialogs.confirm_delete import ConfirmDelete
        from screens.dialogs.log_edit import log_words

        item = self.query_one("#detail-history", HistoryTable).current()
        if item is None:
            return

        def chosen(delete: bool | None) -> None:
            if delete:
                self._delete_log(item.id)

        self.app.push_screen(ConfirmDelete(f"the log {log_words(item)}",
                                           "The plan is worked out again as if it had never been logged."),
                             callback=chosen)

    @thread_worker(group="detail-log-delete", failure="Could not delete the log")
    def _delete_log(self, interaction_id: int) -> None:
        from planner.services.interactions.edits import delete_interaction

        view = delete_interaction(interaction_id)
        self.post_message(Announce(f"Deleted the log of {view.happened_at:%d %b %H:%M}{UNDO_HINT}",
                                   contact_ids=[self.contact_id]))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_log(self) -> None:
        from screens.quick_log import QuickLogScreen

        label = (self.data.view.name, self.data.view.company) if self.data is not None else None
        self.app.push_screen(QuickLogScreen(contact_id=self.contact_id, label=label))

    def action_edit(self) -> None:
        from screens.dialogs.contact_form import ContactForm

        if self.data is not None:
            self.app.push_screen(ContactForm(self.data.view), callback=self._saved)

    def _saved(self, view) -> None:
        if view is not None:
            toast(self, safe_markup("Saved $name · u to undo", name=view.name))
            self.app.post_message(DataChanged([view.id]))

    def action_favor(self) -> None:
        from screens.dialogs.favor_direction import FavorDirection
        from screens.dialogs.favor_entry import FavorEntry

        if self.data is None:
            return
        name = self.data.view.name

        def chosen(direction: str | None) -> None:
            if direction:
                self.app.push_screen(FavorEntry(self.contact_id, name, direction), callback=stored)

        def stored(favor) -> None:
            if favor is not None:
                self.app.post_message(DataChanged([self.contact_id]))

        self.app.push_screen(FavorDirection(name), callback=chosen)

    def action_sequence(self) -> None:
        from screens.dialogs.sequence_event import SequenceEventDialog, started_words

        if self.data is None:
            return

        def started(run) -> None:
            if run is not None:
                toast(self, started_words(run))
                self.app.post_message(DataChanged([self.contact_id]))

        self.app.push_screen(SequenceEventDialog(self.contact_id, self.data.view.name), callback=started)
