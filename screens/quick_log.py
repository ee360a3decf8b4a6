"""Quick-log: logging a call while it happens (`l` on a row, `ctrl+l` anywhere).

The notes area has the focus and the call timer runs from the moment the screen opens. Kind and
outcome change with ctrl+t / ctrl+o anywhere, or with single keys when the focus is not in a text
field. Everything typed is saved as a draft (debounced, to the database) so that a dropped SSH
line loses nothing: the app flushes it on SIGHUP and offers it back on the next start
(`DraftOffer`). `ctrl+s` logs the interaction in a worker, with its optional favour and thanks and
the draft's deletion in the same transaction (all or nothing), posts `DataChanged` and closes; a
failed save keeps every character on screen, and the draft.
The draft and save workers are in screens/quick_log_persist.py.
"""

from __future__ import annotations

import datetime as dt
import time

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from planner.core.textsafe import clean_line, fold
from planner.core.vocabulary import FAVOR_KINDS, KINDS, OUTCOMES, FavorDirection, FavorKind, InteractionKind, Outcome
from planner.services.contact_summary import InView
from screens import stylesheets
from screens.dialogs.confirm_discard import ConfirmDiscard
from screens.draft_keeper import DraftKeeper
from screens.quick_log_persist import QuickLogPersistence
from screens.text import safe_markup, toast, user_text
from screens.widgets.contact_picker import ContactSuggester, match_line, picker_labels
from screens.widgets.toggles import MarkedCheckbox
from screens.workers import WorkerFailed, thread_worker

DRAFT_DELAY = 0.3  # seconds after the last keystroke before the draft is written
KIND_KEYS = {"c": InteractionKind.CALL, "e": InteractionKind.EMAIL, "m": InteractionKind.MEETING,
             "t": InteractionKind.MESSAGE, "o": InteractionKind.NOTE}
OUTCOME_KEYS = {"s": Outcome.SPOKE, "n": Outcome.NO_ANSWER, "v": Outcome.LEFT_MESSAGE}
FAVOR_CHOICES = [(user_text("no favour"), ""), (user_text("I gave them…"), FavorDirection.GAVE),
                 (user_text("they gave me…"), FavorDirection.RECEIVED)]


class ContactRead(Message):
    """The contact the note is about, the last interaction with them (None: never), and what to
    have in view during the call (facts, placements, the be-present nudge)."""

    def __init__(self, view, last, in_view: InView) -> None:
        super().__init__()
        self.view = view
        self.last = last
        self.in_view = in_view


class NamesRead(Message):
    """Everyone's name and company, for completing the contact field: (folded words, name,
    company, id) each."""

    def __init__(self, people: list[tuple[list[str], str, str, int]]) -> None:
        super().__init__()
        self.people = people


class QuickLogScreen(QuickLogPersistence):
    """Returns the logged InteractionView, or None when closed without logging."""

    CSS_PATH = stylesheets.QUICK_LOG
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="quick-log.save", priority=True),
        Binding("escape,ctrl+g", "close", "Close", id="quick-log.close"),
        Binding("ctrl+t", "cycle_kind", "Kind", id="quick-log.kind", tooltip="call, email, meeting, message, note"),
        Binding("ctrl+o", "cycle_outcome", "Outcome", id="quick-log.outcome", tooltip="spoke, no-answer, left-message"),
        Binding("ctrl+n", "focus_notes", "Notes", id="quick-log.notes", show=False),
        # ctrl+b ("begin"): ctrl+r is the app's sync everywhere, and the text field keeps its editing keys
        Binding("ctrl+b", "sequence", "Sequence", id="quick-log.sequence", show=False, priority=True,
                tooltip="Start a follow-up sequence for this contact: a new job, an interview, a deal closed"),
    ]

    def __init__(self, contact_id: int | None = None, draft=None, label: tuple[str, str] | None = None) -> None:
        """`label` is the contact's (name, company) as the caller shows them: the title names the
        contact from the first frame, not once the contact is read."""
        super().__init__()
        self.contact_id = contact_id if draft is None else draft.contact_id
        self.contact_name = "" if draft is None else (draft.contact_name or draft.extra.get("contact_text", ""))
        if label is None and draft is not None and draft.contact_name:
            label = (draft.contact_name, "")  # a restored draft knows its contact's name too
        self._shown_as = label if self.contact_id is not None and label is not None else None
        if self._shown_as is not None:
            self.contact_name = self._shown_as[0]
        self._draft = draft
        self.kind = draft.kind if draft is not None and draft.kind in KINDS else InteractionKind.CALL
        self.outcome = draft.outcome if draft is not None and draft.outcome in OUTCOMES else Outcome.SPOKE
        self.started_at: dt.datetime = (draft.started_at if draft is not None
                                        else dt.datetime.now(dt.UTC)).astimezone()
        self._started_clock = time.monotonic() - max(0.0, (dt.datetime.now(dt.UTC) - self.started_at)
                                                     .total_seconds())
        self.keeper = DraftKeeper(None if draft is None else draft.id, self.started_at,
                                  on_taken=self._draft_taken_elsewhere)
        self._draft_timer = None
        self._saving = False
        self._leaving = False
        self._typed = False
        self._log_has_favor = False

    # ----------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        extra = self._draft.extra if self._draft is not None else {}
        favor = extra.get("favor") or {}
        with VerticalScroll(classes="dialog", id="quick-log"):
            with Horizontal(id="ql-head"):
                yield Static(self._title(*self._shown_as) if self._shown_as else user_text("Log"), id="ql-title",
                             classes="dialog-title")
                yield Static(user_text("⏱ 00:00"), id="ql-timer")
            yield Static(user_text(""), id="ql-facts")
            yield Static(user_text(""), id="ql-last", classes="muted")
            if self.contact_id is None:
                yield Label("Contact (→ accepts the suggestion)", classes="field-label")
                yield Input(value=self.contact_name, placeholder="name or id", id="ql-contact", compact=True)
                yield Static(user_text(""), id="ql-matches", classes="muted")
            yield Static(self._kind_line(), id="ql-kind")
            yield TextArea(self._draft.notes if self._draft else "", id="ql-notes", soft_wrap=True,
                           show_line_numbers=False, tab_behavior="focus")
            yield Input(value=self._draft.summary if self._draft else "", id="ql-summary",
                        placeholder="summary (optional; the first line of the notes otherwise)", compact=True)
            with Horizontal(classes="ql-row"):
                yield Input(value=self._draft.next_when if self._draft else "", id="ql-next",
                            placeholder="next follow-up: in 2 weeks, friday, 2026-12-01", compact=True)
                yield MarkedCheckbox("thanked them", value=bool(extra.get("thanked")), id="ql-thanked", compact=True)
                yield MarkedCheckbox("private", value=bool(extra.get("private")), id="ql-private", compact=True,
                                     tooltip="only you can read this note's text; the team sees that it happened")
            with Horizontal(classes="ql-row"):
                yield Select(FAVOR_CHOICES, value=favor.get("direction", ""), allow_blank=False, id="ql-favor",
                             compact=True)
                yield Select([(user_text(k), k) for k in FAVOR_KINDS], value=favor.get("kind", FavorKind.REFERRAL)
                             if favor.get("kind") in FAVOR_KINDS else FavorKind.REFERRAL, allow_blank=False,
                             id="ql-favor-kind", compact=True)
                yield Input(value=favor.get("note", ""), placeholder="favour note", id="ql-favor-note", compact=True)
            yield Static(user_text(""), id="ql-error", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                yield Static(user_text("^s save · esc or ^g close · ^t kind · ^o outcome"), classes="muted",
                             id="ql-hint")
                yield Button("Save", variant="primary", id="ql-save", compact=True)
                yield Button("Cancel", id="ql-cancel", compact=True)

    def _kind_line(self):
        kinds = "  ".join(f"[{k}]" if k == self.kind else k for k in KINDS)
        outcomes = "  ".join(f"[{o}]" if o == self.outcome else o for o in OUTCOMES)
        return safe_markup("$kinds  ·  $outcomes", kinds=kinds, outcomes=outcomes)

    def on_mount(self) -> None:
        self.query_one("#ql-last", Static).display = False
        self.query_one("#ql-facts", Static).display = False
        self._update_fold()
        self.set_interval(1.0, self._tick)
        self._tick()
        if self.contact_id is None:
            self.query_one("#ql-contact", Input).focus()
            self._load_names()
        else:
            self._focus_notes()
            self._load_contact(self.contact_id)
        if self._draft is not None:
            self._typed = not self._draft.is_empty

    def on_resize(self) -> None:
        self._update_fold()

    def _update_fold(self) -> None:
        self.set_class(self.app.size.height < 30, "-short")

    def _tick(self) -> None:
        elapsed = int(time.monotonic() - self._started_clock)
        hours, rest = divmod(elapsed, 3600)
        text = f"⏱ {hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"⏱ {rest // 60:02d}:{rest % 60:02d}"
        self.query_one("#ql-timer", Static).update(user_text(text))

    # ----------------------------------------------------------------- loading
    @thread_worker(group="quick-log-contact", failure="Contact not loaded")
    def _load_contact(self, contact_id: int) -> None:
        from planner.services.contact_summary import in_view
        from planner.services.contacts import get_view
        from planner.services.interactions.records import history

        view = get_view(contact_id)
        last = history(contact_id, limit=1)
        self.post_message(ContactRead(view, last[0] if last else None, in_view(contact_id)))

    @staticmethod
    def _title(name: str, company: str):
        return safe_markup("[b]Log[/b] $name" + (" · $company" if company else ""), name=name, company=company)

    def on_contact_read(self, message: ContactRead) -> None:
        view, last = message.view, message.last
        self.contact_name = view.name
        self.query_one("#ql-title", Static).update(self._title(view.name, view.company))
        self._show_in_view(message.in_view)
        if last is not None:
            from planner.core.dates import humanize_day

            when = humanize_day(last.happened_at.date())
            self.query_one("#ql-last", Static).display = True
            self.query_one("#ql-last", Static).update(
                safe_markup("Last: $when, $kind $outcome · $summary", when=when, kind=last.kind,
                            outcome=last.outcome, summary=last.summary or "no summary"))

    def _show_in_view(self, seen: InView) -> None:
        """Facts, placements and the nudge at the top, in view while talking. The kind needs no
        change for the nudge: a new note starts as a call whatever the last touches were (only a
        restored draft keeps the kind chosen in it), which is what "call them" asks."""
        # Placements and the nudge share a line, the facts wrap below it: the notes keep their
        # rows at 80x24, and what is cut on a short terminal is the end of the facts.
        lines = []
        if seen.placements or seen.nudge:
            lines.append(safe_markup("$placed[b $warning]$nudge[/]", nudge=seen.nudge,
                                     placed=seen.placements + (" · " if seen.placements and seen.nudge else "")))
        if seen.facts:
            lines.append(safe_markup("[b]Remember[/b] $facts", facts=" · ".join(seen.facts)))
        facts = self.query_one("#ql-facts", Static)
        facts.display = bool(lines)
        facts.update(Content("\n").join(lines))

    # Completion is a help: the name typed is still resolved when saving, so a failure shows nothing.
    @thread_worker(group="quick-log-names", failure=None)
    def _load_names(self) -> None:
        from planner.services.contacts import list_contacts

        views = list_contacts()
        labels = picker_labels(views)  # same-name contacts told apart by company and title
        self.post_message(NamesRead([(fold(f"{v.name} {v.company} {v.title}").split(), labels[v.id], v.company, v.id)
                                     for v in views]))

    def on_names_read(self, message: NamesRead) -> None:
        people = self._people = message.people
        # a completed label names one contact: map it back to that contact
        by_display: dict[str, list[int]] = {}
        for _, label, _, contact_id in people:
            by_display.setdefault(label, []).append(contact_id)
        self._display_ids = {label: ids[0] for label, ids in by_display.items() if len(ids) == 1}
        if self.contact_id is None:
            self.query_one("#ql-contact", Input).suggester = ContactSuggester([name for _, name, _, _ in people])
            self._show_matches(self.query_one("#ql-contact", Input).value)

    @on(Input.Changed, "#ql-contact")
    def _contact_typed(self, event: Input.Changed) -> None:
        self._show_matches(event.value)

    def _show_matches(self, text: str) -> None:
        self.query_one("#ql-matches", Static).update(match_line(getattr(self, "_people", []), text))

    # ----------------------------------------------------------------- kind and outcome
    def _set_kind(self, kind: str | None = None, outcome: str | None = None) -> None:
        self.kind = kind or self.kind
        self.outcome = outcome or self.outcome
        self.query_one("#ql-kind", Static).update(self._kind_line())
        self._changed()

    def action_cycle_kind(self) -> None:
        self._set_kind(kind=KINDS[(KINDS.index(self.kind) + 1) % len(KINDS)])

    def action_cycle_outcome(self) -> None:
        self._set_kind(outcome=OUTCOMES[(OUTCOMES.index(self.outcome) + 1) % len(OUTCOMES)])

    def action_focus_notes(self) -> None:
        self._focus_notes()

    def _focus_notes(self) -> None:
        """Focus the notes with the cursor after the last character (a restored draft goes on)."""
        notes = self.query_one("#ql-notes", TextArea)
        notes.focus()
        notes.move_cursor(notes.document.end)

    def on_key(self, event) -> None:
        """Single keys for kind and outcome, only when the focus is not in a text field."""
        if isinstance(self.focused, (Input, TextArea)) or event.character is None:
            return
        if event.character in KIND_KEYS:
            self._set_kind(kind=KIND_KEYS[event.character])
            event.stop()
        elif event.character in OUTCOME_KEYS:
            self._set_kind(outcome=OUTCOME_KEYS[event.character])
            event.stop()

    def action_sequence(self) -> None:
        """Start a sequence for the contact of this note: the one it was opened on, or the name
        typed when it names exactly one contact. The note stays as it is."""
        from screens.dialogs.sequence_event import SequenceEventDialog, started_words
        from screens.messages import DataChanged

        contact_id = self.contact_id
        if contact_id is None:
            typed = self.query_one("#ql-contact", Input).value.strip()
            contact_id = getattr(self, "_display_ids", {}).get(typed)
        if contact_id is None:
            self._show_error("Whose sequence? Type one contact's name first.")
            return
        name = self.contact_name if self.contact_id is not None else self.query_one("#ql-contact", Input).value

        def started(run) -> None:
            if run is not None:
                toast(self, started_words(run))
                self.app.post_message(DataChanged([run.contact_id]))

        self.app.push_screen(SequenceEventDialog(contact_id, name), callback=started)

    # ----------------------------------------------------------------- drafts
    @on(TextArea.Changed)
    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _field_changed(self, event) -> None:
        self._changed()

    def _changed(self) -> None:
        if not self.is_mounted or self.keeper.closed:
            return
        self._typed = self._typed or self._has_text()
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._save_draft_soon)

    # ----------------------------------------------------------------- failures
    def on_worker_failed(self, message: WorkerFailed) -> None:
        """Every failure of this screen shows in its error line, where the note is: nothing typed
        is lost, and a failed save keeps the draft too."""
        message.stop()
        if message.group == "quick-log-keep":
            self._leaving = False  # not kept: the screen stays, with the note, to try again
        if message.group == "quick-log-save":
            self._log_failed(message.text)
        elif not message.quiet:
            self._show_error(message.notice)

    # ----------------------------------------------------------------- save
    @on(Button.Pressed, "#ql-save")
    def action_save(self) -> None:
        if self._saving or self._leaving:
            return
        snap = self.snapshot()
        if snap["contact_id"] is None and not snap["extra"].get("contact_text", "").strip():
            self._show_error("Who was it? Type a contact name.")
            self.query_one("#ql-contact", Input).focus()
            return
        if snap["contact_id"] is None:
            typed = snap["extra"]["contact_text"].strip()
            snap["resolved_id"] = getattr(self, "_display_ids", {}).get(typed)
            same = [label for _, label, _, _ in getattr(self, "_people", [])
                    if snap["resolved_id"] is None and fold(label.split(" (")[0]) == fold(typed)]
            if len(same) > 1:
                self._show_error(f"{len(same)} people are called {clean_line(typed)}: {'; '.join(same[:3])}. "
                                 "Type more, → completes")
                self.query_one("#ql-contact", Input).focus()
                return
        self._saving = True
        self.query_one("#ql-save", Button).disabled = True
        elapsed = time.monotonic() - self._started_clock
        self._log(snap, elapsed)

    # ----------------------------------------------------------------- closing
    @on(Button.Pressed, "#ql-cancel")
    def action_close(self) -> None:
        # A save, keep or discard under way closes the screen once its worker has finished;
        # closing now would cancel that worker, and a save waiting for the lock is stored anyway.
        if self._saving or self._leaving:
            return
        if not (self._typed or self._has_text()):
            self._discard_and_close()
            return
        self.app.push_screen(ConfirmDiscard(), callback=self._confirmed)
