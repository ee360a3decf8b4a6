"""`FollowupApp`: four main screens as Textual modes, quick-log from anywhere, help and palette.

Kept small on purpose: each screen lives in its own module and is imported lazily when
its mode is first shown, so start-up only pays for the agenda. The app's own jobs are switching
modes, forwarding `DataChanged` to every installed screen, saying what workers did or why they
failed (`Announce`, `WorkerFailed`: screens/workers.py), ctrl+r's sync of the configured
CardDAV/CalDAV collections (its steps go to every `SyncStatus` line), the theme setting, the SIGHUP flush of
an unfinished quick-log note (screens/exit_guard.py makes sure the process then ends), and
offering a draft left by a previous session back: at start, and as soon as a session that still
held it at start has ended. The saved theme and keys are read as the app is built, so the first
frame is drawn with them; the draft offer, like each widget's first read, waits for that frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
from collections.abc import Callable

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from planner.services import drafts
from planner.store.checkpoints import checkpoint_outside_commits
from screens import stylesheets
from screens.commands import FollowupCommands
from screens.exit_guard import ExitGuard
from screens.messages import Announce, DataChanged, FirstFrame
from screens.text import UNDO_HINT, plain, toast, user_text
from screens.workers import WorkerFailed, failure_text, report_failure, thread_worker

NARROW_WIDTH = 100  # below this the side panels fold away (class `-narrow` on the app)
DRAFT_WATCH_SECONDS = 2.0  # how soon a note whose session ended is offered in a running session
FIRST_FRAME_LATEST = 3.0  # seconds: what waits for the first frame runs by then even if none came


def _styled_as_it_mounts(screen: Screen) -> Screen:
    """A mode's screen, made the first time its mode is shown. Textual then restyles the whole app
    (every stylesheet parsed again, every widget styled again) in case the theme changed since the
    screen was made: at start-up, the stylesheets were parsed twice (20 ms instead of 12) and the
    first frame came about 6 ms later. A screen made just now has not been styled yet: it is
    styled as it mounts, with the stylesheet and theme as they are, so it is marked up to date
    with them. A screen shown again after a theme change is still restyled. (That restyle also
    styled the app itself before the screen's first drawing; styles/app.tcss gives the screens the
    app's text colour for it.)"""
    screen._css_update_count = screen.app._css_update_count  # Textual's own mark (pinned below 9)
    return screen


def _agenda_screen() -> Screen:
    from screens.agenda import AgendaScreen

    return _styled_as_it_mounts(AgendaScreen())


def _contacts_screen() -> Screen:
    from screens.contacts import ContactsScreen

    return _styled_as_it_mounts(ContactsScreen())


def _ledger_screen() -> Screen:
    from screens.ledger import LedgerScreen

    return _styled_as_it_mounts(LedgerScreen())


def _plan_screen() -> Screen:
    from screens.plan import PlanScreen

    return _styled_as_it_mounts(PlanScreen())


class DraftAtStart(Message):
    """The unfinished quick-log note a previous session left (None: none), read off the event loop
    once the first frame is drawn."""

    def __init__(self, draft) -> None:
        super().__init__()
        self.draft = draft


class DraftFreed(Message):
    """A note another session held at start is free now: that session has ended."""

    def __init__(self, draft) -> None:
        super().__init__()
        self.draft = draft


class PlanStale(Message):
    """The stored plan was made on an earlier day; `why_kept` says why it cannot be re-planned
    here (a read-only or damaged database), empty when it can."""

    def __init__(self, why_kept: str) -> None:
        super().__init__()
        self.why_kept = why_kept


class SyncStep(Message):
    """A running sync reached `step` (a collection's kind as it starts, else its kind and the
    write about to happen) for `name`. Posted from the sync worker's thread."""

    def __init__(self, step: str, name: str) -> None:
        super().__init__()
        self.step = step
        self.name = name


class SyncDone(Message):
    """The sync worker exchanged everything it could: one report per collection."""

    def __init__(self, reports: list) -> None:
        super().__init__()
        self.reports = reports


class FollowupApp(App[int]):
    """The follow-up planner. `mode` picks the first screen (tests start on any of the four)."""

    TITLE = "followup"
    # The home screen's rules and the shared ones; each other screen brings its own (screens/stylesheets.py).
    CSS_PATH = stylesheets.APP
    COMMANDS = App.COMMANDS | {FollowupCommands}
    MODES = {
        "agenda": _agenda_screen,
        "contacts": _contacts_screen,
        "ledger": _ledger_screen,
        "plan": _plan_screen,
    }
    DEFAULT_MODE = "agenda"
    # The footer has 80 columns over SSH: the four screens show as one group ("1234 Screens"), and
    # ctrl+l (the screens' own `l` says it) stays in `?` and the palette. Its palette key is hidden
    # in styles/app.tcss: `?` lists ctrl+p.
    SCREENS_GROUP = Binding.Group("Screens", compact=True)
    BINDINGS = [
        Binding("1", "switch_mode('agenda')", "Agenda", id="mode-agenda", tooltip="Calls due, thank-yous, the week",
                group=SCREENS_GROUP),
        Binding("2", "switch_mode('contacts')", "Contacts", id="mode-contacts", tooltip="Everyone, filter and edit",
                group=SCREENS_GROUP),
        Binding("3", "switch_mode('ledger')", "Ledger", id="mode-ledger", tooltip="Favours given and received",
                group=SCREENS_GROUP),
        Binding("4", "switch_mode('plan')", "Plan", id="mode-plan", tooltip="Load per day, blocks, rebalance",
                group=SCREENS_GROUP),
        Binding("ctrl+l", "quick_log", "Log call", id="quick-log", show=False,
                tooltip="Log a call with the highlighted contact"),
        Binding("ctrl+r", "sync", "Sync now", id="sync", show=False,
                tooltip="Exchange contacts and calls with the configured CardDAV/CalDAV collections, then "
                        "read every screen again (only that, when none is configured)"),
        Binding("u,ctrl+z", "undo", "Undo", id="undo", show=False,
                tooltip="Undo the last thing done in this session (a log, a snooze, an edit...); again for the one "
                        "before"),
        # On Contacts these are its own n and i; elsewhere they go there first (an empty database's
        # screens offer them).
        Binding("n", "on_contacts('new')", "New contact", id="new-contact", show=False,
                tooltip="Add a contact (opens the form on Contacts)"),
        Binding("i", "on_contacts('import')", "Import contacts", id="import", show=False,
                tooltip="Import a vCard, LinkedIn or Google CSV (on Contacts)"),
        Binding("question_mark", "show_keys", "Keys", id="help",
                tooltip="Every key that works where you are, with what it does (ctrl+p: every action by name)"),
        Binding("q", "leave", "Leave", id="leave", show=False,
                tooltip="Back from a contact; quit from the four main screens"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(self, mode: str | None = None) -> None:
        if mode is not None:
            if mode not in self.MODES:
                raise ValueError(f"unknown mode {mode!r}")
            # App.__init__ reads this class variable to pick the first screen stack, and takes no
            # argument for it: the instance's own value is the one way to start in another mode.
            self.DEFAULT_MODE = mode  # type: ignore[misc]
        super().__init__()
        # edits one after another for hours: SQLite's copy of its log into the file is made after
        # them, not in whichever commit reaches 1,000 pages (planner/store/checkpoints.py)
        checkpoint_outside_commits()
        self._saved_theme: str | None = None
        self._look_failure = ""  # why the saved theme and keys could not be read, said once running
        self._first_frame_drawn = False
        self._after_first_frame: list[Callable[[], object]] = []
        self._exit_guard: ExitGuard | None = None
        self._started = False  # the start-up offer is decided: later checks may offer freed notes
        self._plan_checked = False  # a stale plan is looked for once, after the first frame
        self._draft_watch = drafts.OwnerWatch()
        self._apply_saved_look()
        # The width class from the terminal's size now, not at the first Resize: the first frame is
        # then laid out as it stays. Set at the Resize, it drew the side panel and the table's
        # columns for a wide screen, then all again without the panel (on_resize below).
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow", update=False)

    # ----------------------------------------------------------------- start-up
    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if not self.is_headless:  # SIGHUP, SIGTERM and a dead terminal end the process for sure
            self._exit_guard = ExitGuard(asyncio.get_running_loop(), self._flush_drafts, self.hang_up,
                                         _terminal_fd())
            self._exit_guard.start()
        if self._look_failure:
            toast(self, user_text(f"Could not read the saved theme and keys: {self._look_failure}"),
                  severity="error")
        self.after_first_frame(self._load_draft)
        # A failed first read posts no FirstFrame: what waits for it does not wait for ever.
        self.set_timer(FIRST_FRAME_LATEST, self._first_frame_done)
        self.set_interval(DRAFT_WATCH_SECONDS, self._watch_drafts_soon)
        if self.DEFAULT_MODE != "agenda":  # the agenda says when its first rows are on screen
            self.call_after_refresh(self.post_message, FirstFrame())

    def _apply_saved_look(self) -> None:
        """The saved theme and the user's own keys, read as the app is built (the command line
        opened the database; no event loop runs yet), so the stylesheet is parsed with the theme's
        colours and the first frame shows them and the user's keys: nothing restyles after it."""
        from planner.store import settings

        try:
            theme = settings.get("theme")
            keymap = settings.keymap_entries(settings.get("keymap") or "")
        except Exception as error:  # a busy or damaged database: our theme and keys, said on mount
            self._look_failure = failure_text(error)
            return
        if keymap:
            # `followup config keymap "agenda.log=L,list.down=n"`: the user's keys replace ours
            # for those binding ids, on every screen.
            self.set_keymap(keymap)
        self._saved_theme = theme
        if theme and theme in self.available_themes and theme != self.theme:
            self.theme = theme

    def after_first_frame(self, callback: Callable[[], object]) -> None:
        """Run `callback` once the first rows are drawn (at once if they are): work the first frame
        does not need then does not compete with it. screens/messages.py `after_first_frame` is the
        widgets' way in."""
        if self._first_frame_drawn:
            callback()
        else:
            self._after_first_frame.append(callback)

    def _first_frame_done(self) -> None:
        if self._first_frame_drawn:
            return
        self._first_frame_drawn = True
        waiting, self._after_first_frame = self._after_first_frame, []
        for callback in waiting:
            callback()

    @thread_worker(group="startup", failure="Could not read the unfinished notes")
    def _load_draft(self) -> None:
        """Any unfinished quick-log note, read off the event loop."""
        self._draft_watch.check()  # remembers the notes other sessions hold now
        self.post_message(DraftAtStart(drafts.latest_draft()))

    def on_draft_at_start(self, message: DraftAtStart) -> None:
        draft = message.draft
        self._started = True
        if draft is not None:
            from screens.dialogs.draft_offer import DraftOffer

            self.push_screen(DraftOffer(draft))

    # ----------------------------------------------------------------- a plan from an earlier day
    def on_first_frame(self, message: FirstFrame) -> None:
        """The first rows are on screen, read from the plan as stored: only now see whether a new
        day began since it was made (the re-plan of everyone must not delay that frame)."""
        self._first_frame_done()
        if not self._plan_checked:
            self._plan_checked = True
            self._check_plan()

    @thread_worker(group="plan-check", failure="Could not check the plan")
    def _check_plan(self) -> None:
        from planner.scheduling.service import plan_is_stale
        from planner.store.database import damage_mark, is_read_only

        if plan_is_stale():
            why = ("read-only" if is_read_only() else "damaged (see 'followup check')" if damage_mark() is not None
                   else "")
            self.post_message(PlanStale(why))

    def on_plan_stale(self, message: PlanStale) -> None:
        if message.why_kept:
            self.notify(plain(f"The database is {message.why_kept}: showing the plan as stored, from an earlier "
                              "day, not re-planned for today."), severity="warning", markup=False)
            return
        self.notify("A new day: re-planning for today…", markup=False)
        self._replan_for_today()

    @thread_worker(group="plan-refresh", failure="Could not re-plan for today")
    def _replan_for_today(self) -> None:
        from planner.scheduling.service import refresh_if_stale

        if refresh_if_stale():
            self.post_message(Announce("Re-planned for today: calls missed on earlier days are planned again."))

    # ----------------------------------------------------------------- a note freed later
    def _draft_offer_showing(self) -> bool:
        from screens.dialogs.draft_offer import DraftOffer

        return any(isinstance(screen, DraftOffer) for screen in self.screen_stack)

    def _watch_drafts_soon(self) -> None:
        """Every few seconds: has the session holding a note ended since (its SSH line dropped
        just before this login)? Then offer its note now, not only at the next start."""
        if self._started and not self._draft_offer_showing() and not any(
                worker.group == "draft-watch" and worker.is_running for worker in self.workers):
            self._watch_drafts()

    # A failed check (a busy or locked database) shows nothing: the next one tries again. Not
    # exclusive: the watch is not thread-safe, so a check is never started beside a running one.
    @thread_worker(group="draft-watch", failure=None, exclusive=False)
    def _watch_drafts(self) -> None:
        if (draft := self._draft_watch.check()) is not None:
            self.post_message(DraftFreed(draft))

    def on_draft_freed(self, message: DraftFreed) -> None:
        """Not over a dialog, the quick-log or a field being typed in: keys meant for those must
        not answer the offer. The note stays watched and is offered at a later check."""
        from textual.widgets import Input, TextArea

        from screens.dialogs.draft_offer import DraftOffer

        if not self.screen_stack:  # the app is closing: nothing to offer it on
            return
        if (self._draft_offer_showing() or isinstance(self.screen, ModalScreen)
                or isinstance(self.focused, (Input, TextArea))):
            return
        self._draft_watch.offered(message.draft.id)
        self.push_screen(DraftOffer(message.draft, freed=True))

    # ----------------------------------------------------------------- theme
    def _theme_changed(self, theme) -> None:
        if self._saved_theme is None or theme.name == self._saved_theme:
            return  # the restore itself, or start-up not finished
        self._saved_theme = theme.name
        self._save_theme(theme.name)

    @thread_worker(group="theme", failure="Could not save the theme")
    def _save_theme(self, name: str) -> None:
        from planner.store import settings

        settings.set_value("theme", name)

    # ----------------------------------------------------------------- sync
    def action_sync(self) -> None:
        """ctrl+r: sync the configured collections in a worker; each step shows in the sync line."""
        if any(worker.group == "sync" and worker.is_running for worker in self.workers):
            self.notify("A sync is already running.", markup=False)
            return
        for status in self._sync_lines():
            status.sync_started()
        self._sync()

    @thread_worker(group="sync", failure="Sync failed")
    def _sync(self) -> None:
        from planner.store import settings
        from planner.sync.configured import sync_configured
        from planner.sync.credentials import dav_password

        def progress(step: str, name: str) -> None:  # on the worker's thread: post_message is safe here
            self.post_message(SyncStep(step, name))

        if not (settings.get("dav.contacts") or settings.get("dav.calendar")):
            self.post_message(DataChanged(None))  # nothing to sync: ctrl+r re-reads every screen
            return
        password = dav_password(settings.get("dav.user"), settings.get("dav.password_file"))
        reports = sync_configured(password, progress)
        self.post_message(SyncDone(reports))

    def _sync_lines(self) -> list:
        from screens.widgets.sync_status import SyncStatus

        return [line for screen in self.installed_screens() for line in screen.query(SyncStatus)]

    def on_sync_step(self, message: SyncStep) -> None:
        for status in self._sync_lines():
            status.sync_step(message.step, message.name)

    def on_sync_done(self, message: SyncDone) -> None:
        problems = [problem for report in message.reports for problem in report.problems]
        summary = "; ".join(f"{report.kind}: {report.lines()[-1].strip()}" for report in message.reports)
        self.notify(plain(f"Synced. {summary}"), markup=False)
        if problems:
            more = f" (and {len(problems) - 1} more; `followup sync` lists them)" if len(problems) > 1 else ""
            self.notify(plain(f"Sync skipped an item: {problems[0]}{more}"), severity="warning", markup=False)
        self.post_message(DataChanged(None))

    # ----------------------------------------------------------------- workers
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failure(self, event)
        if event.worker.group == "sync" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                             WorkerState.CANCELLED):
            for status in self._sync_lines():
                status.sync_ended()
            if event.state is WorkerState.ERROR:
                # Each item is applied in its own transaction: what came in before the failure stays.
                self.post_message(DataChanged(None))

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """Every worker failure no dialog showed in place: one kind of notification, never a crash."""
        if not message.quiet:
            toast(self, user_text(message.notice), severity="error")

    def on_announce(self, message: Announce) -> None:
        self.notify(plain(message.text + (UNDO_HINT if message.changed and message.undoable else "")), markup=False)
        if message.changed:
            self.post_message(DataChanged(message.contact_ids))

    # ----------------------------------------------------------------- layout
    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < NARROW_WIDTH
        if narrow == self.has_class("-narrow"):
            return
        # Only the side panels depend on the width class (styles/app.tcss): restyling them alone,
        # not every widget of every screen, is most of what the first frame's resize cost.
        self.set_class(narrow, "-narrow", update=False)
        for screen in self.installed_screens():
            for panel in screen.query(".side-panel"):
                panel.update_node_styles()

    # ----------------------------------------------------------------- actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No mode switch or second quick-log under a dialog: `2` typed in a form must not move the
        screen underneath, and a dialog must be finished or closed first."""
        return not (action in {"switch_mode", "quick_log", "leave", "undo", "on_contacts"}
                    and isinstance(self.screen, ModalScreen))

    def _highlighted_contact_id(self) -> int | None:
        highlighted = getattr(self.screen, "highlighted_contact_id", None)
        return highlighted() if callable(highlighted) else None

    def action_quick_log(self) -> None:
        from screens.quick_log import QuickLogScreen

        if any(isinstance(screen, QuickLogScreen) for screen in self.screen_stack):
            return
        label = getattr(self.screen, "highlighted_contact_label", None)  # (name, company) shown at once
        self.push_screen(QuickLogScreen(contact_id=self._highlighted_contact_id(),
                                        label=label() if callable(label) else None))

    async def action_on_contacts(self, action: str) -> None:
        """`n` or `i` from another screen: switch to Contacts and run its own key there."""
        if self.current_mode != "contacts":
            await self.switch_mode("contacts")
        await self.run_action(action, self.get_screen_stack("contacts")[0])  # under a contact's details too

    def action_open_contact(self) -> None:
        """The highlighted contact's detail screen: history, ledger, planned calls, notes."""
        from screens.contact_detail import ContactDetailScreen

        contact_id = self._highlighted_contact_id()
        if contact_id is not None:
            self.push_screen(ContactDetailScreen(contact_id))

    def action_undo(self) -> None:
        """`u` / ctrl+z: undo this session's most recent action not undone yet. Each press is its own
        worker and its own transaction, taking the newest action left: pressed three times, three
        actions go, newest first, whatever order the workers run in."""
        self._undo()

    @thread_worker(group="undo", failure="Not undone", exclusive=False)
    def _undo(self) -> None:
        from planner.store import journal

        try:
            action = journal.undo_last(session=journal.SESSION)
        except journal.NothingToUndo:
            self.post_message(Announce("Nothing left to undo in this session", changed=False))
            return
        self.post_message(Announce(f"Undone: {action.label}", undoable=False))

    def action_show_keys(self) -> None:
        from screens.dialogs.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def installed_screens(self) -> list[Screen]:
        """Every screen of every mode shown so far, the ones under a dialog included."""
        screens: list[Screen] = []
        for mode in self.MODES:
            with contextlib.suppress(KeyError):  # a mode not shown yet has no screens
                screens.extend(self.get_screen_stack(mode))
        return screens

    def on_data_changed(self, message: DataChanged) -> None:
        """Forward a write to every installed screen; each reloads in its own worker."""
        for screen in self.installed_screens():
            screen.post_message(DataChanged(message.contact_ids))

    # ----------------------------------------------------------------- hang-up
    def _flush_drafts(self) -> None:
        """Write every open quick-log note to the database now, synchronously (we are leaving)."""
        for screen in self.installed_screens():
            flush = getattr(screen, "flush_draft_now", None)
            if callable(flush):
                with contextlib.suppress(Exception):  # exiting anyway; the last debounced save is still there
                    flush()

    def hang_up(self, return_code: int = 129) -> None:
        """SIGHUP (the SSH line dropped) or SIGTERM (the terminal closed): flush every open
        quick-log note, then exit. Nothing typed is lost; the next start offers it back. Called by
        the exit guard (screens/exit_guard.py), which also ends the process if the exit sticks."""
        if self._exit_guard is not None:
            self._exit_guard.flush_starting()
        self._flush_drafts()
        if self._exit_guard is not None:
            self._exit_guard.flushed(return_code)
        self.exit(return_code=return_code)

    async def action_leave(self) -> None:
        """`q`: back to the screen underneath, or quit from one of the four main screens. (Typed
        into a field, q is a letter: the field takes it before this binding is looked at.)"""
        if len(self.screen_stack) > 1:
            self.pop_screen()
        else:
            await self.action_quit()

    async def action_quit(self) -> None:
        """ctrl+q (or Quit in the palette) with a note half typed keeps it as a draft."""
        self._flush_drafts()
        if self._exit_guard is not None:
            self._exit_guard.flushed(0)
        self.exit()


def _terminal_fd() -> int | None:
    """The terminal Textual reads keys from, watched for a hang-up."""
    try:
        return sys.__stdin__.fileno() if sys.__stdin__ is not None else None
    except (OSError, ValueError):
        return None


def run_app(mode: str | None = None) -> int:
    """Run the app on the already opened database (the CLI opened it and set today)."""
    # The solver (highspy, numpy) is not loaded here: start-up imports only what the first frame
    # needs. Its banner cannot reach the screen when a worker first plans: `quiet_solver` points
    # fd 1 at /dev/null for that instant, and Textual draws on fd 2.
    from screens.paste import install

    install()  # pastes read whole and cleaned, whatever control bytes they carry
    # Everything loaded so far (modules, classes, the app's tables) lives as long as the process:
    # set apart from Python's cycle collector, which would otherwise walk it again at every full
    # collection, each one a pause of the event loop that grows with what is loaded.
    gc.freeze()
    app = FollowupApp(mode=mode)
    # Nor is the collector run before the first frame: what start-up allocates is the app itself
    # (widgets, styles, the first rows), alive until the end, so every collection then finds
    # nothing to free (about 60 of them before the first frame). It resumes with that frame.
    app.after_first_frame(gc.enable)
    gc.disable()
    app.run()
    code = app.return_code or 0
    if app._exit_guard is not None:
        app._exit_guard.returned(code)  # only the interpreter's teardown is left; bounded
    return code
